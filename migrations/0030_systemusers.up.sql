-- System users and their client delegations (internal/systemusers).
-- system_id refers to the system register by its text id, without a
-- foreign key: the register is another package's table (DESIGN "Layout").
CREATE TABLE system_users (
    id                  uuid PRIMARY KEY,          -- = the approved request's id, as the platform does
    system_id           text NOT NULL,
    system_internal_id  uuid,
    integration_title   text NOT NULL,
    reportee_org_no     text NOT NULL,
    reportee_party_id   bigint NOT NULL,
    reportee_party_uuid uuid NOT NULL,
    external_ref        text NOT NULL,
    user_type           text NOT NULL DEFAULT 'standard' CHECK (user_type IN ('standard', 'agent')),
    supplier_org_no     text NOT NULL,
    rights              jsonb NOT NULL DEFAULT '[]',
    access_packages     jsonb NOT NULL DEFAULT '[]',
    is_deleted          boolean NOT NULL DEFAULT false,
    created_by          text NOT NULL DEFAULT '',
    changed_by          text NOT NULL DEFAULT '',
    created             timestamptz NOT NULL,
    last_changed        timestamptz NOT NULL,
    sequence_no         bigserial NOT NULL UNIQUE
);
-- The platform enforces "one live system user per (system, owner,
-- externalRef)" in code only; the index makes it hold under concurrency.
CREATE UNIQUE INDEX system_users_live_triple ON system_users (system_id, reportee_org_no, external_ref) WHERE NOT is_deleted;
CREATE INDEX system_users_reportee ON system_users (reportee_org_no) WHERE NOT is_deleted;
CREATE INDEX system_users_system_seq ON system_users (system_id, sequence_no);

-- Client delegations of agent system users: what Access Management keeps
-- in the real platform (spec §3.2 "Emulator note").
CREATE TABLE systemuser_client_delegations (
    id                  uuid PRIMARY KEY,
    system_user_id      uuid NOT NULL REFERENCES system_users(id) ON DELETE CASCADE,
    client_org_no       text NOT NULL,
    client_party_uuid   uuid NOT NULL,
    facilitator_org_no  text NOT NULL,
    roles               text[] NOT NULL,
    access_packages     text[] NOT NULL,
    created             timestamptz NOT NULL,
    UNIQUE (system_user_id, client_org_no)
);
