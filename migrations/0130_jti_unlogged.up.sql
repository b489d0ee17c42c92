-- The jti register is written on every /token call. As an unlogged table
-- it writes no WAL for those rows (one commit record per token instead of
-- some 450 bytes of heap and index records), and it is still one table
-- every instance reads and writes, so replay is refused across instances
-- as before. What a PostgreSQL crash (not a clean stop) costs: the table
-- comes back empty, so a grant used in the two minutes before the crash
-- could be used once more after it. README.md says so.
ALTER TABLE maskinporten_jti SET UNLOGGED;
