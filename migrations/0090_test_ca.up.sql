-- The emulator's test CA for enterprise certificates (virksomhetssertifikat):
-- made once per database by the first instance that starts, shared by all,
-- and kept by /sim/api/v1/reset like the signing keys, so certificates it
-- issued stay trusted.
CREATE TABLE test_ca (
    id         text PRIMARY KEY CHECK (id = 'enterprise'),
    cert_der   bytea NOT NULL,
    key_pkcs8  bytea NOT NULL,
    created    timestamptz NOT NULL DEFAULT now()
);
