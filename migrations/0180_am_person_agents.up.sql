-- Persons a facilitator has made its agents through Access Management's
-- POST /accessmanagement/api/v1/enduser/clientdelegations/agents (the
-- platform's agent role assignment from the facilitator to the person).
-- Agent system users are agents without a row here: the platform makes
-- their assignment when the system user is created.
CREATE TABLE am_person_agents (
    id                 uuid PRIMARY KEY, -- the assignment's id (AssignmentDto.id)
    facilitator_org_no text NOT NULL REFERENCES organizations(org_no) ON DELETE CASCADE,
    agent_pid          text NOT NULL REFERENCES persons(pid) ON DELETE CASCADE,
    created            timestamptz NOT NULL,
    UNIQUE (facilitator_org_no, agent_pid)
);

-- Client packages the facilitator delegated to a person agent
-- (…/agents/accesspackages): the same shape as
-- systemuser_client_delegations, one row per client. Removing the agent
-- removes them (ON DELETE CASCADE, in the same statement).
CREATE TABLE am_person_agent_delegations (
    id                 uuid PRIMARY KEY,
    facilitator_org_no text NOT NULL,
    agent_pid          text NOT NULL,
    client_org_no      text NOT NULL,
    client_party_uuid  uuid NOT NULL,
    roles              text[] NOT NULL,
    access_packages    text[] NOT NULL,
    created            timestamptz NOT NULL,
    UNIQUE (facilitator_org_no, agent_pid, client_org_no),
    FOREIGN KEY (facilitator_org_no, agent_pid) REFERENCES am_person_agents (facilitator_org_no, agent_pid) ON DELETE CASCADE
);
CREATE INDEX am_person_agent_delegations_client ON am_person_agent_delegations (facilitator_org_no, client_org_no);
