DROP INDEX IF EXISTS am_person_agent_delegations_agent;
