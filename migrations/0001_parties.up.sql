-- Test organisations, persons and their roles (ER roles from the Central
-- Coordinating Register, and Altinn's access-manager role). Party ids and
-- uuids are deterministic so examples and tests can name them.
CREATE TABLE organizations (
    org_no      text PRIMARY KEY CHECK (org_no ~ '^[0-9]{9}$'),
    name        text NOT NULL,
    org_form    text NOT NULL DEFAULT 'AS',
    party_id    bigint NOT NULL UNIQUE,
    party_uuid  uuid NOT NULL UNIQUE,
    created     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE persons (
    pid         text PRIMARY KEY CHECK (pid ~ '^[0-9]{11}$'),
    name        text NOT NULL,
    party_id    bigint NOT NULL UNIQUE,
    party_uuid  uuid NOT NULL UNIQUE,
    user_id     bigint NOT NULL UNIQUE,
    created     timestamptz NOT NULL DEFAULT now()
);

-- A role registered on org_no, held by a person or by another organisation
-- (e.g. the accounting firm holds REGN on its client).
CREATE TABLE party_roles (
    org_no        text NOT NULL REFERENCES organizations(org_no) ON DELETE CASCADE,
    role_code     text NOT NULL,
    source        text NOT NULL DEFAULT 'ccr' CHECK (source IN ('ccr', 'altinn')),
    holder_pid    text REFERENCES persons(pid) ON DELETE CASCADE,
    holder_org_no text REFERENCES organizations(org_no) ON DELETE CASCADE,
    CHECK ((holder_pid IS NULL) <> (holder_org_no IS NULL))
);
CREATE UNIQUE INDEX party_roles_unique ON party_roles (org_no, role_code, coalesce(holder_pid, ''), coalesce(holder_org_no, ''));
CREATE INDEX party_roles_holder_pid ON party_roles (holder_pid);
CREATE INDEX party_roles_holder_org ON party_roles (holder_org_no);

CREATE SEQUENCE party_id_seq START 51000000;
CREATE SEQUENCE user_id_seq START 20100000;

INSERT INTO organizations (org_no, name, org_form, party_id, party_uuid) VALUES
    ('991825827', 'Digitaliseringsdirektoratet',        'ORGL', 50000001, md5('org:991825827')::uuid),
    ('974761076', 'Skatteetaten',                       'ORGL', 50000002, md5('org:974761076')::uuid),
    ('313725138', 'Rakrygget Spesifikk Tiger AS',       'AS',   50000003, md5('org:313725138')::uuid),
    ('310385980', 'Fattig Forsiktig Elg AS',            'AS',   50000004, md5('org:310385980')::uuid),
    ('314168267', 'Lykkelig Nysgjerrig Rev AS',         'AS',   50000005, md5('org:314168267')::uuid),
    ('314330897', 'Stille Modig Hare AS',               'AS',   50000006, md5('org:314330897')::uuid),
    ('210493352', 'Travel Lojal Bever ENK',             'ENK',  50000007, md5('org:210493352')::uuid),
    ('910493353', 'Rask Rolig Ugle AS',                 'AS',   50000008, md5('org:910493353')::uuid),
    ('312605031', 'Regnskapshuset Simulert AS',         'AS',   50000009, md5('org:312605031')::uuid),
    ('310998877', 'Revisjon Simulert AS',               'AS',   50000010, md5('org:310998877')::uuid);

INSERT INTO persons (pid, name, party_id, party_uuid, user_id) VALUES
    ('10857841048', 'Ada Digital',        50100001, md5('person:10857841048')::uuid, 20000001),
    ('11857841087', 'Sigurd Skatt',       50100002, md5('person:11857841087')::uuid, 20000002),
    ('12857841016', 'Tiril Tiger',        50100003, md5('person:12857841016')::uuid, 20000003),
    ('13857841055', 'Elias Elg',          50100004, md5('person:13857841055')::uuid, 20000004),
    ('14857841094', 'Rebekka Rev',        50100005, md5('person:14857841094')::uuid, 20000005),
    ('15857841023', 'Hanne Hare',         50100006, md5('person:15857841023')::uuid, 20000006),
    ('16857841062', 'Bernt Bever',        50100007, md5('person:16857841062')::uuid, 20000007),
    ('17857841778', 'Ulrik Ugle',         50100008, md5('person:17857841778')::uuid, 20000008),
    ('18857841030', 'Regine Regnskap',    50100009, md5('person:18857841030')::uuid, 20000009),
    ('19857841746', 'Rolf Revisor',       50100010, md5('person:19857841746')::uuid, 20000010),
    ('20857841019', 'Tore Tilgang',       50100011, md5('person:20857841019')::uuid, 20000011),
    ('21857841058', 'Kari Uten Roller',   50100012, md5('person:21857841058')::uuid, 20000012);

INSERT INTO party_roles (org_no, role_code, source, holder_pid, holder_org_no) VALUES
    ('991825827', 'DAGL', 'ccr', '10857841048', NULL),
    ('974761076', 'DAGL', 'ccr', '11857841087', NULL),
    ('313725138', 'DAGL', 'ccr', '12857841016', NULL),
    ('313725138', 'LEDE', 'ccr', '12857841016', NULL),
    ('310385980', 'DAGL', 'ccr', '13857841055', NULL),
    ('314168267', 'DAGL', 'ccr', '14857841094', NULL),
    ('314330897', 'DAGL', 'ccr', '15857841023', NULL),
    ('210493352', 'INNH', 'ccr', '16857841062', NULL),
    ('210493352', 'DAGL', 'ccr', '16857841062', NULL),
    ('910493353', 'DAGL', 'ccr', '17857841778', NULL),
    ('312605031', 'DAGL', 'ccr', '18857841030', NULL),
    ('310998877', 'DAGL', 'ccr', '19857841746', NULL),
    -- Tore manages access for Tiger AS without being its daglig leder.
    ('313725138', 'ACCESS_MANAGER', 'altinn', '20857841019', NULL),
    -- The accounting firm keeps the books of two clients; the audit firm audits one.
    ('310385980', 'REGN', 'ccr', NULL, '312605031'),
    ('314168267', 'REGN', 'ccr', NULL, '312605031'),
    ('314168267', 'REVI', 'ccr', NULL, '310998877');
