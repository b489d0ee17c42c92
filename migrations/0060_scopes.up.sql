-- Maskinporten scopes with owners and access. An organisation owns a
-- prefix (altinn, skatteetaten, ...); the scopes under it are its own, it
-- grants or withdraws access per consumer organisation, and a scope
-- accessible_for_all is open to every organisation. A client may carry a
-- scope only when its organisation may use it, and /token checks again.
CREATE TABLE maskinporten_scope_prefixes (
    prefix       text PRIMARY KEY CHECK (prefix ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    owner_orgno  text NOT NULL CHECK (owner_orgno ~ '^[0-9]{9}$'),
    created      timestamptz NOT NULL
);
CREATE INDEX maskinporten_scope_prefixes_owner ON maskinporten_scope_prefixes (owner_orgno);

CREATE TABLE maskinporten_scopes (
    name                          text PRIMARY KEY,
    prefix                        text NOT NULL REFERENCES maskinporten_scope_prefixes (prefix),
    subscope                      text NOT NULL,
    description                   text NOT NULL DEFAULT '',
    long_description              text NOT NULL DEFAULT '',
    active                        boolean NOT NULL DEFAULT true,
    -- Empty: clients of every integration type may use it.
    allowed_integration_types     text[] NOT NULL DEFAULT '{maskinporten}',
    accessible_for_all            boolean NOT NULL DEFAULT false,
    visibility                    text NOT NULL DEFAULT 'PUBLIC' CHECK (visibility IN ('PUBLIC', 'PRIVATE', 'INTERNAL')),
    token_type                    text NOT NULL DEFAULT 'SELF_CONTAINED' CHECK (token_type IN ('SELF_CONTAINED', 'OPAQUE')),
    at_max_age                    integer NOT NULL DEFAULT 0 CHECK (at_max_age >= 0),
    authorization_max_lifetime    integer NOT NULL DEFAULT 0 CHECK (authorization_max_lifetime >= 0),
    delegation_source             text NOT NULL DEFAULT '',
    requires_user_consent         boolean NOT NULL DEFAULT false,
    requires_user_authentication  boolean NOT NULL DEFAULT false,
    requires_pseudonymous_tokens  boolean NOT NULL DEFAULT false,
    created                       timestamptz NOT NULL,
    last_updated                  timestamptz NOT NULL,
    CHECK (name = prefix || ':' || subscope)
);
CREATE INDEX maskinporten_scopes_prefix ON maskinporten_scopes (prefix);

-- One row per (scope, consumer): APPROVED while the consumer has access,
-- DENIED once the owner withdrew it (the row stays, as the real listing
-- shows withdrawn access).
CREATE TABLE maskinporten_scope_access (
    scope           text NOT NULL REFERENCES maskinporten_scopes (name),
    consumer_orgno  text NOT NULL CHECK (consumer_orgno ~ '^[0-9]{9}$'),
    state           text NOT NULL CHECK (state IN ('APPROVED', 'DENIED')),
    created         timestamptz NOT NULL,
    last_updated    timestamptz NOT NULL,
    PRIMARY KEY (scope, consumer_orgno)
);
CREATE INDEX maskinporten_scope_access_consumer ON maskinporten_scope_access (consumer_orgno);

-- Seed: Digitaliseringsdirektoratet (991825827) owns the altinn and
-- idporten prefixes, as on the platform. The scopes the emulator's APIs
-- ask for are registered; those vendors and service owners need for the
-- documented journeys are accessible to every organisation here (on the
-- platform Digdir grants them on request), the privileged ones are not.
INSERT INTO maskinporten_scope_prefixes (prefix, owner_orgno, created) VALUES
    ('altinn', '991825827', '2024-01-01T00:00:00Z'),
    ('idporten', '991825827', '2024-01-01T00:00:00Z');

INSERT INTO maskinporten_scopes (name, prefix, subscope, description, allowed_integration_types, accessible_for_all, created, last_updated) VALUES
    ('altinn:authentication/systemregister.write', 'altinn', 'authentication/systemregister.write', 'Register and change systems in the system register', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:authentication/systemuser.request.write', 'altinn', 'authentication/systemuser.request.write', 'Ask customers for system users', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:authentication/systemuser.request.read', 'altinn', 'authentication/systemuser.request.read', 'Read system-user requests', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:authorization/authorize', 'altinn', 'authorization/authorize', 'Ask the PDP for authorization decisions', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:clientdelegations.read', 'altinn', 'clientdelegations.read', 'Read the clients of agent system users', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:clientdelegations.write', 'altinn', 'clientdelegations.write', 'Add and remove clients of agent system users', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:resourceregistry/resource.write', 'altinn', 'resourceregistry/resource.write', 'Write a service owner''s resources in the resource registry', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:authentication/systemregister.admin', 'altinn', 'authentication/systemregister.admin', 'Administer every system in the system register', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:authorization/authorize.admin', 'altinn', 'authorization/authorize.admin', 'Authorization decisions for any party (administration)', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:resourceregistry/resource.admin', 'altinn', 'resourceregistry/resource.admin', 'Administer every resource in the resource registry', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:maskinporten/systemuser.read', 'altinn', 'maskinporten/systemuser.read', 'Maskinporten''s own lookup of system users', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:serviceowner', 'altinn', 'serviceowner', 'Service owner access to Altinn', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:serviceowner/instances.read', 'altinn', 'serviceowner/instances.read', 'Service owner: read instances', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:serviceowner/instances.write', 'altinn', 'serviceowner/instances.write', 'Service owner: write instances', '{maskinporten}', false, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:portal/enduser', 'altinn', 'portal/enduser', 'The Altinn portal on behalf of a logged-in person', '{idporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('idporten:dcr.read', 'idporten', 'dcr.read', 'Read the organisation''s Maskinporten clients', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('idporten:dcr.modify', 'idporten', 'dcr.modify', 'Change the organisation''s Maskinporten clients', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('idporten:dcr.write', 'idporten', 'dcr.write', 'Create, change and delete the organisation''s Maskinporten clients', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('idporten:scopes.read', 'idporten', 'scopes.read', 'Read the organisation''s own scopes and who has access', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('idporten:scopes.write', 'idporten', 'scopes.write', 'Create and change the organisation''s own scopes and grant access', '{maskinporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');

-- Skatteetaten (974761076), the seeded service owner, may use the service
-- owner scopes.
INSERT INTO maskinporten_scope_access (scope, consumer_orgno, state, created, last_updated) VALUES
    ('altinn:serviceowner', '974761076', 'APPROVED', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:serviceowner/instances.read', '974761076', 'APPROVED', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:serviceowner/instances.write', '974761076', 'APPROVED', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');
