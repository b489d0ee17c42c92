DROP TABLE maskinporten_scope_access;
DROP TABLE maskinporten_scopes;
DROP TABLE maskinporten_scope_prefixes;
