DROP TABLE IF EXISTS register_person_lookup_failures;
