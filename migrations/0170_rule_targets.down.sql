ALTER TABLE resource_policy_rules DROP COLUMN IF EXISTS target;
