-- Access Management's end-user API for delegated API access
-- (/accessmanagement/api/v1/enduser/maskinportensuppliers and
-- …/maskinportenconsumers) has a consumer first make an organisation its
-- supplier (an assignment of the role "supplier"), then delegate schemes
-- to it; removing the supplier takes its delegations with it (cascade).
-- One row per consumer and supplier; the delegations stay in
-- api_delegations. Every live delegation lies under an assignment: the
-- other ways of delegating (portal, control API, seed, the older
-- maskinportenschema API) make one when there is none.
CREATE TABLE api_delegation_suppliers (
    consumer_orgno  text NOT NULL CHECK (consumer_orgno ~ '^[0-9]{9}$'),
    supplier_orgno  text NOT NULL CHECK (supplier_orgno ~ '^[0-9]{9}$'),
    -- The assignment's id (AssignmentDto.id).
    id              uuid NOT NULL UNIQUE,
    created         timestamptz NOT NULL,
    -- Who made it: a person's national identity number, or '' (control API, seed).
    created_by      text NOT NULL DEFAULT '',
    PRIMARY KEY (consumer_orgno, supplier_orgno),
    CHECK (consumer_orgno <> supplier_orgno)
);
CREATE INDEX api_delegation_suppliers_supplier ON api_delegation_suppliers (supplier_orgno);

-- The live delegations given before this migration get their assignment.
INSERT INTO api_delegation_suppliers (consumer_orgno, supplier_orgno, id, created, created_by)
SELECT consumer_orgno, supplier_orgno, md5('api-supplier:' || consumer_orgno || ':' || supplier_orgno)::uuid, min(created), ''
FROM api_delegations WHERE withdrawn IS NULL GROUP BY consumer_orgno, supplier_orgno;

-- The end-user API's scopes (AuthzConstants), which an end-user token
-- carries in place of altinn:portal/enduser (either passes).
INSERT INTO maskinporten_scopes (name, prefix, subscope, description, allowed_integration_types, accessible_for_all, created, last_updated) VALUES
    ('altinn:accessmanagement/enduser:maskinportensuppliers.read', 'altinn', 'accessmanagement/enduser:maskinportensuppliers.read', 'Read an organisation''s Maskinporten suppliers and what it delegated to them', '{idporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:accessmanagement/enduser:maskinportensuppliers.write', 'altinn', 'accessmanagement/enduser:maskinportensuppliers.write', 'Add and remove an organisation''s Maskinporten suppliers and delegate schemes to them', '{idporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:accessmanagement/enduser:maskinportenconsumers.read', 'altinn', 'accessmanagement/enduser:maskinportenconsumers.read', 'Read the organisations that made an organisation their Maskinporten supplier', '{idporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
    ('altinn:accessmanagement/enduser:maskinportenconsumers.write', 'altinn', 'accessmanagement/enduser:maskinportenconsumers.write', 'Give back what consumers delegated to an organisation as their Maskinporten supplier', '{idporten}', true, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')
ON CONFLICT (name) DO NOTHING;
