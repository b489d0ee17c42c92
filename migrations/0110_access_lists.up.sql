-- Resource registry access lists (Altinn/altinn-resource-registry's
-- access_list_state, access_list_members_state and
-- access_list_resource_connections_state, without the event log).
-- version is the list's ETag: a fresh value from the one sequence on every
-- change that changes something (as upstream's global event id), so an
-- ETag never comes back after a reset or a delete and re-create.
CREATE SEQUENCE access_list_version;

CREATE TABLE access_lists (
    id          uuid PRIMARY KEY,
    owner       text NOT NULL,           -- the service owner's org code (ttd, skd, ...)
    identifier  text NOT NULL,           -- unique per owner
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    created     timestamptz NOT NULL,
    modified    timestamptz NOT NULL,
    version     bigint NOT NULL,
    UNIQUE (owner, identifier)
);

-- Members are parties (organisations): the party uuid is the key, the
-- party id and organisation number are kept as they were when added, as
-- the register would give them back.
CREATE TABLE access_list_members (
    list_id    uuid NOT NULL REFERENCES access_lists (id) ON DELETE CASCADE,
    party_uuid uuid NOT NULL,
    party_id   bigint NOT NULL,
    org_no     text,
    since      timestamptz NOT NULL,
    PRIMARY KEY (list_id, party_uuid)
);
CREATE INDEX access_list_members_party ON access_list_members (party_uuid);

-- A list connected to a resource, with the actions it allows (none: all).
CREATE TABLE access_list_resources (
    list_id     uuid NOT NULL REFERENCES access_lists (id) ON DELETE CASCADE,
    resource_id text NOT NULL,
    actions     text[] NOT NULL DEFAULT '{}',
    created     timestamptz NOT NULL,
    modified    timestamptz NOT NULL,
    PRIMARY KEY (list_id, resource_id)
);
CREATE INDEX access_list_resources_resource ON access_list_resources (resource_id);
