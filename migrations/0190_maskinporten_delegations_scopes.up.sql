-- Access Management's lookup of Maskinporten schema delegations
-- (GET /accessmanagement/api/v1/maskinporten/delegations) takes either
-- scope (its MaskinportenDelegationsProxy policy). An API provider may look
-- up delegations of scopes under its own prefixes with the first, which
-- every organisation may use here (on the platform Digdir grants it on
-- request); the .admin scope looks up any scope and is Digdir's own.
INSERT INTO maskinporten_scopes (name, prefix, subscope, description, allowed_integration_types, accessible_for_all, created, last_updated) VALUES
    ('altinn:maskinporten/delegations', 'altinn', 'maskinporten/delegations', 'Look up delegations of the Maskinporten schemas of one''s own scopes', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:maskinporten/delegations.admin', 'altinn', 'maskinporten/delegations.admin', 'Look up delegations of any Maskinporten schema (administration)', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')
ON CONFLICT (name) DO NOTHING;
