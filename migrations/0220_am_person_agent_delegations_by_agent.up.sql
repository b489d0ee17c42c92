-- The PDP reads a person's client delegations as an agent by the person
-- alone (every facilitator's), which the (facilitator, agent, client) key
-- of migration 0180 cannot serve.
CREATE INDEX am_person_agent_delegations_agent ON am_person_agent_delegations (agent_pid);
