CREATE TABLE "audit_seal" (
	"chain_pos" bigint PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"sealed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- The head of the audit chain after each sealing, insert-only like the log itself: a log cut short
-- at its end no longer reaches the last head recorded here.
CREATE FUNCTION audit_seal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_seal is insert-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_seal_insert_only
  BEFORE UPDATE OR DELETE ON audit_seal
  FOR EACH ROW EXECUTE FUNCTION audit_seal_guard();
--> statement-breakpoint
CREATE TRIGGER audit_seal_no_truncate
  BEFORE TRUNCATE ON audit_seal
  FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_guard();
--> statement-breakpoint
-- A chain sealed before this table existed starts from the head it has now.
INSERT INTO audit_seal (chain_pos, hash, sealed_at)
  SELECT chain_pos, hash, now() FROM audit_event WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1;
