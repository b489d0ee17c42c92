DROP TABLE IF EXISTS maskinporten_jti;
DROP TABLE IF EXISTS signing_keys;
DROP TABLE IF EXISTS maskinporten_clients;
