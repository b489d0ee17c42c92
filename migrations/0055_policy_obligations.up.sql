-- The obligations a policy carries on Permit, as its XACML lists them
-- (ObligationId, each assignment's AttributeId, Category, DataType, value).
-- App policies carry two (minimum-authenticationlevel and
-- minimum-authenticationlevel-org), and the PDP returns every one.
-- Empty: the PDP derives the single authentication-level obligation from
-- min_auth_level, as before.
ALTER TABLE resource_policies ADD COLUMN obligations jsonb NOT NULL DEFAULT '[]';
