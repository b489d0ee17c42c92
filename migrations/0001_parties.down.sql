DROP TABLE party_roles;
DROP TABLE persons;
DROP TABLE organizations;
DROP SEQUENCE party_id_seq;
DROP SEQUENCE user_id_seq;
