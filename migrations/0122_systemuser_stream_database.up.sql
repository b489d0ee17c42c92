-- tx_max_safeval (0120) read every database's advisory locks: pg_locks is
-- cluster-wide, and a sequence's oid in one database (one cloned from the
-- same template, say) may be another's. Only this database's writers can
-- hold back this database's feed.
CREATE OR REPLACE FUNCTION tx_max_safeval(seq regclass) RETURNS bigint AS $$
DECLARE
    seq_id  oid;
    max_seq bigint;
BEGIN
    SELECT "oid" INTO seq_id FROM pg_class WHERE "oid" = seq::oid AND "relkind" = 'S';
    IF seq_id IS NULL THEN
        RAISE EXCEPTION 'Relation % is not a sequence', seq;
    END IF;
    SELECT min(val_lock.objid::bigint) INTO max_seq
    FROM pg_locks seq_lock
    JOIN pg_locks val_lock
      ON seq_lock.pid = val_lock.pid
     AND seq_lock.virtualtransaction = val_lock.virtualtransaction
    WHERE seq_lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND val_lock.database = seq_lock.database
      AND seq_lock.classid = seq::oid
      AND seq_lock.objid = 0
      AND seq_lock.locktype = 'advisory'
      AND val_lock.classid = 0
      AND val_lock.locktype = 'advisory';
    IF max_seq IS NULL THEN
        RETURN 9223372036854775807;
    END IF;
    RETURN max_seq;
END;
$$ LANGUAGE plpgsql;
