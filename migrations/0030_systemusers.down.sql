DROP TABLE IF EXISTS systemuser_client_delegations;
DROP TABLE IF EXISTS system_users;
