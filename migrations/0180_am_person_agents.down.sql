DROP TABLE IF EXISTS am_person_agent_delegations;
DROP TABLE IF EXISTS am_person_agents;
