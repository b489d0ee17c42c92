ALTER TABLE maskinporten_clients
    DROP COLUMN description,
    DROP COLUMN integration_type,
    DROP COLUMN application_type,
    DROP COLUMN token_endpoint_auth_method;
