// check.mjs: an outside client's view of altinn-sim's Maskinporten.
//
//   node check.mjs <baseURL> <clientId> <private-jwk-file> <scope> [systemuser-org]
//
// 1. RFC 8414 discovery of the issuer <baseURL>/ with openid-client (panva),
//    which checks the metadata's issuer against the one asked for.
// 2. A JWT-bearer grant whose assertion jose signs with the client's key
//    (with a `resource`, so the token gets an `aud`; with
//    authorization_details when a system-user org is given).
// 3. jose verifies the access token against the discovered jwks_uri,
//    checking iss and aud.
// 4. The token exchanged for an Altinn token, verified with the Altinn OIDC
//    metadata's JWKS (openid-client discovery, jose).
// 5. Replaying the same assertion must fail with an OAuth error the library
//    understands (invalid_grant).
// Prints one JSON line with what it saw; exits 1 with the reason on failure.
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { SignJWT, importJWK, createRemoteJWKSet, jwtVerify } from 'jose';

const [baseURL, clientId, keyFile, scope, systemUserOrg] = process.argv.slice(2);
if (!baseURL || !clientId || !keyFile || !scope) {
  console.error('usage: node check.mjs <baseURL> <clientId> <private-jwk-file> <scope> [systemuser-org]');
  process.exit(2);
}

function fail(msg) {
  console.error(`FAIL: ${msg}`);
  process.exit(1);
}

const insecure = baseURL.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : {};
const issuer = new URL(baseURL.replace(/\/+$/, '') + '/');

// 1. Discovery (algorithm "oauth2" = /.well-known/oauth-authorization-server).
const config = await client.discovery(issuer, clientId, undefined, client.None(), {
  algorithm: 'oauth2',
  timeout: 10,
  ...insecure,
});
const meta = config.serverMetadata();
if (meta.issuer !== issuer.href) fail(`issuer ${meta.issuer}, want ${issuer.href}`);
if (!meta.grant_types_supported?.includes('urn:ietf:params:oauth:grant-type:jwt-bearer')) {
  fail(`grant_types_supported ${JSON.stringify(meta.grant_types_supported)}`);
}

// 2. The grant.
const jwk = JSON.parse(await readFile(keyFile, 'utf8'));
if (!jwk.kid) fail('the key file has no kid');
const alg = jwk.alg || 'RS256';
const key = await importJWK(jwk, alg);
const resource = 'https://api.example.test/acceptance';
// Maskinporten takes `resource` only as an array (it becomes the token's aud).
const claims = { scope, resource: [resource] };
if (systemUserOrg) {
  claims.authorization_details = [
    { type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${systemUserOrg}` } },
  ];
}
const assertion = await new SignJWT(claims)
  .setProtectedHeader({ alg, kid: jwk.kid })
  .setIssuer(clientId)
  .setAudience(meta.issuer)
  .setIssuedAt()
  .setExpirationTime('60s')
  .setJti(randomUUID())
  .sign(key);

const grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const tokens = await client.genericGrantRequest(config, grantType, { assertion });
if (tokens.token_type?.toLowerCase() !== 'bearer') fail(`token_type ${tokens.token_type}`);
if (typeof tokens.expires_in !== 'number' || tokens.expires_in <= 0) fail(`expires_in ${tokens.expires_in}`);
if (tokens.scope !== scope) fail(`scope ${tokens.scope}, want ${scope}`);

// 3. Verify the access token with the published keys.
const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
  issuer: meta.issuer,
  audience: resource,
  algorithms: meta.token_endpoint_auth_signing_alg_values_supported ? undefined : ['RS256'],
});
if (payload.client_id !== clientId) fail(`client_id ${payload.client_id}`);
if (!payload.consumer?.ID?.startsWith('0192:')) fail(`consumer ${JSON.stringify(payload.consumer)}`);
let systemUserId;
if (systemUserOrg) {
  const ad = payload.authorization_details?.[0];
  if (ad?.type !== 'urn:altinn:systemuser') fail(`authorization_details ${JSON.stringify(payload.authorization_details)}`);
  if (ad.systemuser_org?.ID !== `0192:${systemUserOrg}`) fail(`systemuser_org ${JSON.stringify(ad.systemuser_org)}`);
  if (!Array.isArray(ad.systemuser_id) || ad.systemuser_id.length !== 1) fail(`systemuser_id ${JSON.stringify(ad.systemuser_id)}`);
  systemUserId = ad.systemuser_id[0];
}

// 4. Exchange it for an Altinn token, discover the Altinn OIDC metadata
//    (openid-configuration) and verify that token against its JWKS.
const exchange = await fetch(new URL('authentication/api/v1/exchange/maskinporten', issuer), {
  headers: { Authorization: `Bearer ${tokens.access_token}` },
});
if (exchange.status !== 200) fail(`exchange: ${exchange.status} ${await exchange.text()}`);
const altinnToken = (await exchange.text()).trim().replace(/^"|"$/g, '');
const altinnConfig = await client.discovery(new URL('authentication/api/v1/openid/', issuer), clientId, undefined, client.None(), {
  timeout: 10,
  ...insecure,
});
const altinnMeta = altinnConfig.serverMetadata();
const { payload: altinnClaims } = await jwtVerify(altinnToken, createRemoteJWKSet(new URL(altinnMeta.jwks_uri)), {
  issuer: altinnMeta.issuer,
});
if (altinnClaims.scope !== scope) fail(`Altinn token scope ${altinnClaims.scope}`);
// .NET re-serialises a one-element claim array as the element itself, so the
// Altinn token may carry authorization_details as an object.
const altinnAD = [altinnClaims.authorization_details].flat()[0];
if (systemUserOrg && altinnAD?.systemuser_id?.[0] !== systemUserId) {
  fail(`Altinn token authorization_details ${JSON.stringify(altinnClaims.authorization_details)}`);
}

// 5. The same assertion again: Maskinporten refuses a reused jti.
let replay = 'accepted';
try {
  await client.genericGrantRequest(config, grantType, { assertion });
} catch (err) {
  replay = err?.error ?? err?.cause?.error ?? String(err);
}
if (replay !== 'invalid_grant') fail(`replayed assertion: ${replay}, want invalid_grant`);

console.log(JSON.stringify({
  ok: true,
  issuer: meta.issuer,
  token_endpoint: meta.token_endpoint,
  kid: protectedHeader.kid,
  alg: protectedHeader.alg,
  aud: payload.aud,
  consumer: payload.consumer,
  systemuser_id: systemUserId,
  altinn_issuer: altinnMeta.issuer,
  replay,
}));
