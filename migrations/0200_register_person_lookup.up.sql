-- Register's person lookup (GET /register/api/v1/persons) counts the failed
-- attempts of each user (by the party uuid in their token), as Register's
-- "person-lookup-failed-attempts" rate-limit policy does: a trailing
-- window (every failure renews it), and once the count reaches the limit
-- the user is blocked until blocked_until. One row per user; the emulator's
-- reset empties it.
CREATE TABLE register_person_lookup_failures (
    user_uuid       uuid PRIMARY KEY,
    count           integer NOT NULL CHECK (count > 0),
    window_expires  timestamptz NOT NULL,
    blocked_until   timestamptz
);
