DELETE FROM maskinporten_scope_access WHERE scope IN ('altinn:maskinporten/delegations', 'altinn:maskinporten/delegations.admin');
DELETE FROM maskinporten_scopes WHERE name IN ('altinn:maskinporten/delegations', 'altinn:maskinporten/delegations.admin');
