-- A rule's XACML target exactly as written (AnyOf of AllOf of Match), for
-- the rules whose subjects/resources/actions lists cannot say it: an AllOf
-- mixing categories, a subject AllOf of several matches. NULL: the lists
-- say the target.
ALTER TABLE resource_policy_rules ADD COLUMN target jsonb;
