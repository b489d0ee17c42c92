-- System register (spec altinn-authentication-api §1, §7): vendors'
-- systems, the Maskinporten client ids bound to them (globally unique while
-- bound; freed on soft delete) and the change log.
CREATE TABLE system_register (
    internal_id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    system_id              text NOT NULL UNIQUE,
    vendor_org_no          text NOT NULL CHECK (vendor_org_no ~ '^[0-9]{9}$'),
    -- name and description must carry nb, nn and en, as the platform's
    -- translated_text domain demands.
    name                   jsonb NOT NULL CHECK (name ?& ARRAY['nb', 'nn', 'en']),
    description            jsonb NOT NULL CHECK (description ?& ARRAY['nb', 'nn', 'en']),
    rights                 jsonb NOT NULL DEFAULT '[]',
    access_packages        jsonb NOT NULL DEFAULT '[]',
    client_ids             text[] NOT NULL DEFAULT '{}',
    allowed_redirect_urls  text[] NOT NULL DEFAULT '{}',
    is_visible             boolean NOT NULL DEFAULT true,
    is_deleted             boolean NOT NULL DEFAULT false,
    -- version is bumped on every change; it is the ETag of the system.
    version                bigint NOT NULL DEFAULT 1,
    created                timestamptz NOT NULL,
    last_changed           timestamptz NOT NULL
);
CREATE INDEX system_register_vendor ON system_register (vendor_org_no) WHERE NOT is_deleted;

CREATE TABLE system_register_clients (
    client_id           text PRIMARY KEY,
    system_internal_id  uuid NOT NULL REFERENCES system_register(internal_id) ON DELETE CASCADE,
    created             timestamptz NOT NULL
);
CREATE INDEX system_register_clients_system ON system_register_clients (system_internal_id);

CREATE TABLE system_register_changelog (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    system_internal_id  uuid NOT NULL REFERENCES system_register(internal_id) ON DELETE CASCADE,
    changed_by_org_no   text NOT NULL DEFAULT '',
    change_type         text NOT NULL CHECK (change_type IN ('create', 'update', 'rightsupdate', 'accesspackageupdate', 'delete', 'unknown')),
    changed_data        jsonb NOT NULL,
    client_id           text NOT NULL DEFAULT '',
    created             timestamptz NOT NULL
);
CREATE INDEX system_register_changelog_system ON system_register_changelog (system_internal_id, created);
