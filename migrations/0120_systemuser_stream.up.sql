-- The change feed of system users (GET /authentication/api/v1/systemuser/
-- internal/systemusers/stream), as the platform keeps it
-- (altinn-authentication src/Persistance/Migration/v0.12): every insert
-- and every update takes a new sequence_no, so a reader that follows the
-- feed sees each change (a deletion too) once, in order. tx_nextval holds a
-- shared advisory lock on (the sequence, value - 1) until its transaction
-- ends; tx_max_safeval is the lowest value a running writer may still
-- commit below, so the feed never passes a number that is yet to appear.

CREATE FUNCTION tx_nextval(seq regclass) RETURNS bigint AS $$
DECLARE
    seq_id   oid;
    next_val bigint;
BEGIN
    SELECT "oid" INTO seq_id FROM pg_class WHERE "oid" = seq::oid AND "relkind" = 'S';
    IF seq_id IS NULL THEN
        RAISE EXCEPTION 'Relation % is not a sequence', seq;
    END IF;
    SELECT nextval(seq) INTO next_val;
    PERFORM pg_advisory_xact_lock_shared(seq::oid::int, 0);
    PERFORM pg_advisory_xact_lock_shared(next_val - 1);
    RETURN next_val;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION tx_max_safeval(seq regclass) RETURNS bigint AS $$
DECLARE
    seq_id  oid;
    max_seq bigint;
BEGIN
    SELECT "oid" INTO seq_id FROM pg_class WHERE "oid" = seq::oid AND "relkind" = 'S';
    IF seq_id IS NULL THEN
        RAISE EXCEPTION 'Relation % is not a sequence', seq;
    END IF;
    -- The writers holding the sequence's lock, and the value each locked.
    SELECT min(val_lock.objid::bigint) INTO max_seq
    FROM pg_locks seq_lock
    JOIN pg_locks val_lock
      ON seq_lock.pid = val_lock.pid
     AND seq_lock.virtualtransaction = val_lock.virtualtransaction
    WHERE seq_lock.classid = seq::oid
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

ALTER TABLE system_users ALTER COLUMN sequence_no SET DEFAULT tx_nextval('system_users_sequence_no_seq');

CREATE FUNCTION system_users_next_sequence() RETURNS trigger AS $$
BEGIN
    NEW.sequence_no = tx_nextval('system_users_sequence_no_seq');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER system_users_sequence BEFORE UPDATE ON system_users
    FOR EACH ROW EXECUTE FUNCTION system_users_next_sequence();
