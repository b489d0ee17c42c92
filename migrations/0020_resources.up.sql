-- Resource Registry: resources in the platform's JSON model and their
-- XACML policies, kept as rules (one row per rule) so the PDP can read
-- them without parsing XML; the XML is produced and parsed at the edge.
CREATE TABLE resources (
    id             text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]+$'),
    resource_type  text NOT NULL,
    owner_org_no   text,
    body           jsonb NOT NULL,
    version_id     integer NOT NULL DEFAULT 1,
    created        timestamptz NOT NULL DEFAULT now(),
    updated        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resource_policies (
    resource_id    text PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    policy_id      text NOT NULL,
    min_auth_level integer NOT NULL DEFAULT 0 CHECK (min_auth_level BETWEEN 0 AND 4),
    updated        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resource_policy_rules (
    resource_id  text NOT NULL REFERENCES resource_policies(resource_id) ON DELETE CASCADE,
    ord          integer NOT NULL,
    rule_id      text NOT NULL,
    effect       text NOT NULL CHECK (effect IN ('Permit', 'Deny')),
    description  text NOT NULL DEFAULT '',
    -- subject URNs, e.g. urn:altinn:rolecode:dagl, urn:altinn:accesspackage:regnskapsforer-lonn
    subjects     text[] NOT NULL,
    actions      text[] NOT NULL,
    -- alternatives, each an array of {"id","value"} that must all match
    resources    jsonb NOT NULL,
    PRIMARY KEY (resource_id, ord)
);
