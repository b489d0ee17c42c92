-- Maskinporten clients (the emulator's stand-in for Digdir's self-service
-- client registration), the keys we sign with, and the jti register that
-- makes every grant single-use across all instances.
CREATE TABLE maskinporten_clients (
    client_id     text PRIMARY KEY,
    org_no        text NOT NULL CHECK (org_no ~ '^[0-9]{9}$'),
    name          text NOT NULL DEFAULT '',
    scopes        text[] NOT NULL DEFAULT '{}',
    -- The public JWK set as posted ({"keys":[...]}); replaced as a whole.
    jwks          jsonb NOT NULL DEFAULT '{"keys":[]}',
    -- When the key set was last posted: Maskinporten expires keys one
    -- year after they were posted (MP-121).
    jwks_updated  timestamptz NOT NULL,
    created       timestamptz NOT NULL,
    last_updated  timestamptz NOT NULL
);
CREATE INDEX maskinporten_clients_org ON maskinporten_clients (org_no);

-- Our own signing keys, shared by every instance on the database.
-- purpose 'maskinporten' signs /token answers, 'altinn' signs exchanged
-- platform tokens. At most one active (not retired) key per purpose and
-- algorithm; retired keys stay published until tokens signed with them
-- have expired.
CREATE TABLE signing_keys (
    kid          text PRIMARY KEY,
    purpose      text NOT NULL CHECK (purpose IN ('maskinporten', 'altinn')),
    alg          text NOT NULL CHECK (alg IN ('RS256', 'ES256')),
    private_jwk  jsonb NOT NULL,
    created      timestamptz NOT NULL DEFAULT now(),
    retired      timestamptz
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (purpose, alg) WHERE retired IS NULL;

-- Grants already used: (client, jti) is inserted once; a second insert
-- finds the row and the grant is a replay. Rows are purged after expires.
CREATE TABLE maskinporten_jti (
    client_id  text NOT NULL,
    jti        text NOT NULL,
    expires    timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX maskinporten_jti_expires ON maskinporten_jti (expires);
