ALTER TABLE maskinporten_jti SET LOGGED;
