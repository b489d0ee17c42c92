-- What the registry's read feeds need.
--
-- resource_subjects: every subject a resource's policy names, one row per
-- (resource, subject) pair, kept after the policy drops it (deleted = true)
-- so GET /resource/updated can tell a consumer that a pair went away
-- (the registry's resourceregistry.resourcesubjects). Values are
-- lower-case; the URNs compare byte-wise (COLLATE "C") so the feed's
-- order and its continuation token agree on every server.
CREATE TABLE resource_subjects (
    resource_urn  text COLLATE "C" NOT NULL,
    subject_urn   text COLLATE "C" NOT NULL,
    resource_id   text NOT NULL,
    subject_type  text NOT NULL,
    subject_value text NOT NULL,
    updated_at    timestamptz NOT NULL,
    deleted       boolean NOT NULL DEFAULT false,
    -- insertion order: the registry lists pairs as its table holds them
    seq           bigserial NOT NULL,
    PRIMARY KEY (resource_urn, subject_urn)
);
CREATE INDEX resource_subjects_live_subject ON resource_subjects (subject_urn) WHERE NOT deleted;
CREATE INDEX resource_subjects_feed ON resource_subjects (updated_at, resource_urn, subject_urn);

-- resource_changes: a resource's place in GET /resource/changes, the
-- number of its latest change (create, update, policy upload) from one
-- counter. A writer takes the counter's row lock until it commits, so
-- numbers become visible in order and no page skips one still being
-- written (the registry uses tx_max_safeval for the same guarantee).
CREATE TABLE resource_changes (
    resource_id     text PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    change_id       bigint NOT NULL UNIQUE,
    changed_at      timestamptz NOT NULL,
    policy_uploaded boolean NOT NULL DEFAULT false
);
CREATE TABLE resource_change_counter (
    id   boolean PRIMARY KEY DEFAULT true CHECK (id),
    last bigint NOT NULL
);

-- The resources and policies already here: changes in the order they were
-- last written, subjects split at the longest known attribute id (as
-- SplitSubject does).
INSERT INTO resource_changes (resource_id, change_id, changed_at, policy_uploaded)
SELECT r.id, row_number() OVER (ORDER BY r.updated, r.id), r.updated,
       EXISTS (SELECT 1 FROM resource_policies p WHERE p.resource_id = r.id)
FROM resources r;
INSERT INTO resource_change_counter (last) SELECT count(*) FROM resources;

WITH attrs(a) AS (VALUES
    ('urn:altinn:rolecode'), ('urn:altinn:accesspackage'), ('urn:altinn:external-role:ccr'),
    ('urn:altinn:systemuser:uuid'), ('urn:altinn:userid'), ('urn:altinn:partyid'), ('urn:altinn:party:uuid'),
    ('urn:altinn:org'), ('urn:altinn:organization:identifier-no'), ('urn:altinn:organizationnumber'),
    ('urn:altinn:organization:uuid'), ('urn:altinn:person:identifier-no'), ('urn:altinn:person:uuid'),
    ('urn:altinn:enterpriseuser:uuid'), ('urn:altinn:resource:delegation'), ('urn:altinn:apiscope'),
    ('urn:digitaltdodsbo:rolecode'), ('urn:altinn:role'), ('urn:altinn:partytype'), ('urn:altinn:access-list')),
subjects AS (
    SELECT DISTINCT r.resource_id, s FROM resource_policy_rules r, unnest(r.subjects) s),
split AS (
    SELECT DISTINCT ON (resource_id, s) resource_id, a, lower(substr(s, length(a) + 2)) AS v
    FROM subjects JOIN attrs ON s LIKE a || ':_%'
    ORDER BY resource_id, s, length(a) DESC)
INSERT INTO resource_subjects (resource_urn, subject_urn, resource_id, subject_type, subject_value, updated_at)
SELECT 'urn:altinn:resource:' || s.resource_id, s.a || ':' || s.v, s.resource_id, s.a, s.v, p.updated
FROM split s JOIN resource_policies p ON p.resource_id = s.resource_id
ORDER BY s.resource_id, s.a, s.v
ON CONFLICT DO NOTHING;
