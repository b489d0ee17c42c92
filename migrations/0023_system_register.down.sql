DROP TABLE IF EXISTS system_register_changelog;
DROP TABLE IF EXISTS system_register_clients;
DROP TABLE IF EXISTS system_register;
