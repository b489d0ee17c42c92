DROP TABLE idporten_assertion_jti;
DROP TABLE idporten_refresh_tokens;
DROP TABLE idporten_codes;
DROP TABLE idporten_sessions;
DROP TABLE idporten_auth_requests;
DROP TABLE idporten_clients;
DELETE FROM signing_keys WHERE purpose = 'idporten';
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_purpose_check;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_purpose_check
    CHECK (purpose IN ('maskinporten', 'altinn'));
