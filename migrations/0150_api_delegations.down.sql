DROP TABLE IF EXISTS api_delegations;
DROP TABLE IF EXISTS api_delegation_schemes;
