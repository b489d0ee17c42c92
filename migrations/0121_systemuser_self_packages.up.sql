-- Access packages an agent system user's own organisation delegated to it
-- (POST /authentication/api/v1/systemuser/agent/{party}/{id}/self/): in
-- the real platform Access Management keeps them as delegations from the
-- owner to the system user, as it does a standard system user's packages.
CREATE TABLE systemuser_self_packages (
    system_user_id uuid NOT NULL REFERENCES system_users(id) ON DELETE CASCADE,
    package_urn    text NOT NULL,
    created        timestamptz NOT NULL,
    PRIMARY KEY (system_user_id, package_urn)
);
