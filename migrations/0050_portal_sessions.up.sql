-- Portal login sessions, kept in the database so that several instances on
-- one database share them. The cookie carries a random token; only its
-- SHA-256 is stored, so a copy of the table cannot be replayed as cookies.
-- pid is NULL for an anonymous session (it carries the CSRF token of the
-- login form).
CREATE TABLE portal_sessions (
    token_hash  bytea PRIMARY KEY,
    pid         text REFERENCES persons(pid) ON DELETE CASCADE,
    csrf        text NOT NULL,
    created     timestamptz NOT NULL,
    expires     timestamptz NOT NULL
);
CREATE INDEX portal_sessions_expires ON portal_sessions (expires);
