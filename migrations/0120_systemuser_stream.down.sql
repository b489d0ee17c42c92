DROP TRIGGER IF EXISTS system_users_sequence ON system_users;
DROP FUNCTION IF EXISTS system_users_next_sequence();
ALTER TABLE system_users ALTER COLUMN sequence_no SET DEFAULT nextval('system_users_sequence_no_seq');
DROP FUNCTION IF EXISTS tx_max_safeval(regclass);
DROP FUNCTION IF EXISTS tx_nextval(regclass);
