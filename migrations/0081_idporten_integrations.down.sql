CREATE TABLE idporten_clients (
    client_id                  text PRIMARY KEY,
    org_no                     text NOT NULL DEFAULT '',
    name                       text NOT NULL DEFAULT '',
    redirect_uris              text[] NOT NULL,
    post_logout_redirect_uris  text[] NOT NULL DEFAULT '{}',
    scopes                     text[] NOT NULL DEFAULT '{}',
    token_endpoint_auth_method text NOT NULL
        CHECK (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt')),
    secret_sha256              bytea,
    jwks                       jsonb NOT NULL DEFAULT '{"keys":[]}',
    created                    timestamptz NOT NULL
);
DELETE FROM maskinporten_clients WHERE integration_type = 'idporten';
ALTER TABLE maskinporten_clients
    DROP COLUMN redirect_uris,
    DROP COLUMN post_logout_redirect_uris,
    DROP COLUMN client_secret_sha256;
