-- ID-porten: its own signing key, the integrations that may log persons
-- in, and the state of the code flow (so every instance on the database
-- serves any step of it).
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_purpose_check;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_purpose_check
    CHECK (purpose IN ('maskinporten', 'altinn', 'idporten'));

-- ID-porten integrations (the self-service API's integration_type
-- idporten). The built-in demo client is not stored here.
CREATE TABLE idporten_clients (
    client_id                  text PRIMARY KEY,
    org_no                     text NOT NULL DEFAULT '',
    name                       text NOT NULL DEFAULT '',
    redirect_uris              text[] NOT NULL,
    post_logout_redirect_uris  text[] NOT NULL DEFAULT '{}',
    scopes                     text[] NOT NULL DEFAULT '{}',
    token_endpoint_auth_method text NOT NULL
        CHECK (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt')),
    -- SHA-256 of the client secret; the secret itself is shown once.
    secret_sha256              bytea,
    jwks                       jsonb NOT NULL DEFAULT '{"keys":[]}',
    created                    timestamptz NOT NULL
);

-- Authorization requests waiting for the person to log in.
CREATE TABLE idporten_auth_requests (
    id              text PRIMARY KEY,
    client_id       text NOT NULL,
    redirect_uri    text NOT NULL,
    scope           text NOT NULL,
    state           text NOT NULL,
    nonce           text NOT NULL,
    acr             text NOT NULL,
    locale          text NOT NULL,
    code_challenge  text NOT NULL,
    expires         timestamptz NOT NULL
);
CREATE INDEX idporten_auth_requests_expires ON idporten_auth_requests (expires);

-- Log-in sessions (single sign-on): one per login in a browser.
CREATE TABLE idporten_sessions (
    sid        text PRIMARY KEY,
    pid        text NOT NULL,
    acr        text NOT NULL,
    auth_time  timestamptz NOT NULL,
    expires    timestamptz NOT NULL
);
CREATE INDEX idporten_sessions_expires ON idporten_sessions (expires);

-- Authorization codes (by SHA-256), single use: used is set by the one
-- redemption that wins; a second one finds it set.
CREATE TABLE idporten_codes (
    code_sha256     text PRIMARY KEY,
    client_id       text NOT NULL,
    redirect_uri    text NOT NULL,
    scope           text NOT NULL,
    nonce           text NOT NULL,
    acr             text NOT NULL,
    locale          text NOT NULL,
    code_challenge  text NOT NULL,
    sid             text NOT NULL,
    pid             text NOT NULL,
    auth_time       timestamptz NOT NULL,
    expires         timestamptz NOT NULL,
    used            timestamptz
);
CREATE INDEX idporten_codes_expires ON idporten_codes (expires);

-- Refresh tokens (by SHA-256), rotated on every use. family is the code
-- the chain started from: presenting a used token revokes the family.
CREATE TABLE idporten_refresh_tokens (
    token_sha256  text PRIMARY KEY,
    family        text NOT NULL,
    client_id     text NOT NULL,
    pid           text NOT NULL,
    scope         text NOT NULL,
    acr           text NOT NULL,
    locale        text NOT NULL,
    sid           text NOT NULL,
    auth_time     timestamptz NOT NULL,
    expires       timestamptz NOT NULL,
    used          timestamptz
);
CREATE INDEX idporten_refresh_tokens_family ON idporten_refresh_tokens (family);
CREATE INDEX idporten_refresh_tokens_sid ON idporten_refresh_tokens (sid);
CREATE INDEX idporten_refresh_tokens_expires ON idporten_refresh_tokens (expires);

-- client_assertion jti values already used (private_key_jwt), per client.
CREATE TABLE idporten_assertion_jti (
    client_id  text NOT NULL,
    jti        text NOT NULL,
    expires    timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX idporten_assertion_jti_expires ON idporten_assertion_jti (expires);
