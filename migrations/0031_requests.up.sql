-- System-user requests (internal/requests): standard and agent requests in
-- one table as the platform keeps them, change requests in their own.
CREATE TABLE systemuser_requests (
    id                uuid PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('standard', 'agent')),
    external_ref      text NOT NULL,
    system_id         text NOT NULL,
    party_org_no      text NOT NULL,
    integration_title text NOT NULL DEFAULT '',
    rights            jsonb NOT NULL DEFAULT '[]',
    access_packages   jsonb NOT NULL DEFAULT '[]',
    status            text NOT NULL,
    redirect_url      text NOT NULL DEFAULT '',
    escalated         boolean NOT NULL DEFAULT false,
    system_user_id    uuid,
    changed_by        text NOT NULL DEFAULT '',
    is_deleted        boolean NOT NULL DEFAULT false,
    created           timestamptz NOT NULL,
    last_changed      timestamptz NOT NULL
);
-- One live request per kind and (system, party, externalRef): a second POST
-- returns the first; the index makes that hold for concurrent POSTs too.
CREATE UNIQUE INDEX systemuser_requests_live_triple ON systemuser_requests (kind, system_id, party_org_no, external_ref) WHERE NOT is_deleted;
CREATE INDEX systemuser_requests_system ON systemuser_requests (system_id, kind, id);
CREATE INDEX systemuser_requests_pending ON systemuser_requests (party_org_no) WHERE status = 'New' AND NOT is_deleted;

CREATE TABLE systemuser_change_requests (
    id                       uuid PRIMARY KEY,   -- the vendor's correlation id
    external_ref             text NOT NULL,
    system_id                text NOT NULL,
    system_user_id           uuid NOT NULL,
    party_org_no             text NOT NULL,
    required_rights          jsonb NOT NULL DEFAULT '[]',
    unwanted_rights          jsonb NOT NULL DEFAULT '[]',
    required_access_packages jsonb NOT NULL DEFAULT '[]',
    unwanted_access_packages jsonb NOT NULL DEFAULT '[]',
    status                   text NOT NULL,
    redirect_url             text NOT NULL DEFAULT '',
    changed_by               text NOT NULL DEFAULT '',
    is_deleted               boolean NOT NULL DEFAULT false,
    created                  timestamptz NOT NULL,
    last_changed             timestamptz NOT NULL
);
CREATE INDEX systemuser_change_requests_system ON systemuser_change_requests (system_id, id);
CREATE INDEX systemuser_change_requests_triple ON systemuser_change_requests (system_id, party_org_no, external_ref);
