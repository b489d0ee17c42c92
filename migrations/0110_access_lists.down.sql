DROP TABLE access_list_resources;
DROP TABLE access_list_members;
DROP TABLE access_lists;
DROP SEQUENCE access_list_version;
