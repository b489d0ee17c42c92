// An outside OIDC client against altinn-sim's ID-porten: openid-client
// discovers the provider, builds the authorization URL with PKCE, state
// and nonce, and waits on a loopback redirect URI while a browser (driven
// by the Go test) logs a test person in. It then redeems the code
// (client_secret_post, id_token validated by openid-client against the
// discovered JWKS), exchanges the access token for an Altinn token,
// verifies that with jose against Altinn's JWKS, and adds a client to an
// agent system user with it.
//
// usage: node idporten.mjs <base URL> <agent system user id> <client party uuid>
// stdout: one JSON line {"authorize": URL} as soon as the browser may go,
// then one JSON line with the report.
import http from 'node:http';
import * as client from 'openid-client';
import * as jose from 'jose';

const [base, agent, clientParty] = process.argv.slice(2);
const fail = (msg) => { console.log(JSON.stringify({ ok: false, error: String(msg) })); process.exit(1); };
setTimeout(() => fail('timed out waiting for the browser'), 90_000).unref();

try {
  const config = await client.discovery(new URL(base + '/idporten'), 'demo-idporten-client', 'demo-secret', undefined,
    { execute: [client.allowInsecureRequests] });

  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirect_uri = `http://127.0.0.1:${server.address().port}/callback`;
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri,
    scope: 'openid altinn:clientdelegations.read altinn:clientdelegations.write',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state, nonce,
    acr_values: 'idporten-loa-substantial',
    ui_locales: 'en',
  });
  const callback = new Promise((resolve) => server.on('request', (req, res) => {
    if (!req.url.startsWith('/callback')) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><html lang="en"><title>Back</title><h1 id="back">Back at the app</h1></html>');
    resolve(new URL(req.url, redirect_uri));
  }));
  console.log(JSON.stringify({ authorize: url.href }));

  const current = await callback;
  server.close();
  const tokens = await client.authorizationCodeGrant(config, current, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  const claims = tokens.claims();

  const ex = await fetch(base + '/authentication/api/v1/exchange/id-porten', { headers: { authorization: 'Bearer ' + tokens.access_token } });
  const altinn = await ex.text();
  if (ex.status !== 200) fail(`exchange: ${ex.status} ${altinn}`);
  const altinnMeta = await (await fetch(base + '/authentication/api/v1/openid/.well-known/openid-configuration')).json();
  const { payload } = await jose.jwtVerify(altinn, jose.createRemoteJWKSet(new URL(altinnMeta.jwks_uri)), { issuer: altinnMeta.issuer });

  const add = await fetch(`${base}/authentication/api/v1/enduser/systemuser/clients?agent=${agent}&client=${clientParty}`,
    { method: 'POST', headers: { authorization: 'Bearer ' + altinn } });
  const added = await add.json();

  console.log(JSON.stringify({
    ok: true,
    issuer: config.serverMetadata().issuer,
    id_token: { iss: claims.iss, aud: claims.aud, pid: claims.pid, acr: claims.acr, amr: claims.amr, locale: claims.locale, nonce: claims.nonce },
    altinn: { pid: payload.pid, userid: payload['urn:altinn:userid'], authlevel: payload['urn:altinn:authlevel'] },
    add_status: add.status, added,
  }));
} catch (e) {
  fail(e && e.stack ? e.stack : e);
}
