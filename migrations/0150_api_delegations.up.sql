-- Delegated API access (Maskinporten "Delegering av API-tilgang"): an API
-- provider owns a delegation scheme naming one or more of its Maskinporten
-- scopes; a consumer organisation delegates a scheme to a supplier
-- organisation in Altinn; the supplier's grant with consumer_org then gets
-- a token for the consumer. The emulator keeps schemes and delegations in
-- its own tables (package apidelegation), not in the resource registry.
CREATE TABLE api_delegation_schemes (
    identifier   text PRIMARY KEY CHECK (identifier ~ '^[a-z0-9][a-z0-9_-]{1,99}$'),
    owner_orgno  text NOT NULL CHECK (owner_orgno ~ '^[0-9]{9}$'),
    -- The Maskinporten scopes the scheme gives (prefix:subscope).
    scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0),
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    created      timestamptz NOT NULL
);
CREATE INDEX api_delegation_schemes_scopes ON api_delegation_schemes USING gin (scopes);

-- One row per delegation given. Withdrawing sets withdrawn (the row
-- stays, for the history); at most one live delegation per scheme,
-- consumer and supplier.
CREATE TABLE api_delegations (
    id              uuid PRIMARY KEY,
    scheme          text NOT NULL REFERENCES api_delegation_schemes (identifier),
    consumer_orgno  text NOT NULL CHECK (consumer_orgno ~ '^[0-9]{9}$'),
    supplier_orgno  text NOT NULL CHECK (supplier_orgno ~ '^[0-9]{9}$'),
    created         timestamptz NOT NULL,
    -- Who gave it: a person's national identity number, or '' (control API, seed).
    created_by      text NOT NULL DEFAULT '',
    withdrawn       timestamptz,
    withdrawn_by    text NOT NULL DEFAULT '',
    CHECK (consumer_orgno <> supplier_orgno)
);
CREATE UNIQUE INDEX api_delegations_live ON api_delegations (scheme, consumer_orgno, supplier_orgno) WHERE withdrawn IS NULL;
CREATE INDEX api_delegations_supplier ON api_delegations (supplier_orgno, consumer_orgno) WHERE withdrawn IS NULL;
CREATE INDEX api_delegations_consumer ON api_delegations (consumer_orgno);
