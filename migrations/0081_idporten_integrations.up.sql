-- ID-porten integrations live in the one client register, beside the
-- Maskinporten clients (integration_type idporten), as Digdir's
-- self-service API creates them; the table 0080 made for them goes.
ALTER TABLE maskinporten_clients
    ADD COLUMN redirect_uris text[] NOT NULL DEFAULT '{}',
    ADD COLUMN post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
    -- SHA-256 of an ID-porten client's secret; the secret is shown once.
    ADD COLUMN client_secret_sha256 bytea;
DROP TABLE idporten_clients;
