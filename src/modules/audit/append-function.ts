/*
 * The server side of an append on PostgreSQL, apart from store.ts so that the migration (schema.ts) can
 * install it without importing the queries, which are typed by the tables schema.ts declares.
 */

/** Arbitrary, fixed key of the PostgreSQL advisory lock that serialises appends across processes. */
export const APPEND_LOCK_KEY = 0x6261_7374; // "bast"

/** The PostgreSQL side of appendIfHead. Each statement in a function sees what committed before it ran. */
export const appendFunctionSql = `
CREATE OR REPLACE FUNCTION bastion_audit_append(expected_seq bigint, expected_hash bytea, new_body text, new_hash bytea)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE head record;
BEGIN
  PERFORM pg_advisory_xact_lock(${APPEND_LOCK_KEY});
  SELECT seq, hash INTO head FROM audit_records ORDER BY seq DESC LIMIT 1;
  IF coalesce(head.seq, 0) <> expected_seq OR (head.seq IS NOT NULL AND head.hash <> expected_hash) THEN
    RETURN false;
  END IF;
  INSERT INTO audit_records (seq, body, hash) VALUES (expected_seq + 1, new_body, new_hash);
  RETURN true;
END $$`;
