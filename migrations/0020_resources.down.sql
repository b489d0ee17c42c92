DROP TABLE IF EXISTS resource_policy_rules;
DROP TABLE IF EXISTS resource_policies;
DROP TABLE IF EXISTS resources;
