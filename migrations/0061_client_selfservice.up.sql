-- What Digdir's self-service API keeps on a client besides its name,
-- scopes and keys. Every client the emulator has is a Maskinporten client
-- (integration_type maskinporten, application_type web) authenticated with
-- a signed JWT grant (token_endpoint_auth_method private_key_jwt).
ALTER TABLE maskinporten_clients
    ADD COLUMN description text NOT NULL DEFAULT '',
    ADD COLUMN integration_type text NOT NULL DEFAULT 'maskinporten',
    ADD COLUMN application_type text NOT NULL DEFAULT 'web',
    ADD COLUMN token_endpoint_auth_method text NOT NULL DEFAULT 'private_key_jwt';
