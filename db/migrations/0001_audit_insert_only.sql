-- The audit log is insert-only for the application. The sealer may set prev_hash and hash once;
-- nothing may change any other column, reseal a row, or delete one.
CREATE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit_event is insert-only: DELETE refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_event is insert-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.hash IS NOT NULL
     OR NEW.hash IS NULL
     OR (NEW.seq, NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_agency_id, NEW.actor_credential_id,
         NEW.action, NEW.subject_type, NEW.subject_id, NEW.child_id, NEW.reason_id, NEW.request_id)
        IS DISTINCT FROM
        (OLD.seq, OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_agency_id, OLD.actor_credential_id,
         OLD.action, OLD.subject_type, OLD.subject_id, OLD.child_id, OLD.reason_id, OLD.request_id) THEN
    RAISE EXCEPTION 'audit_event is insert-only: UPDATE refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_event_insert_only
  BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_guard();
--> statement-breakpoint
CREATE TRIGGER audit_event_no_truncate
  BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_guard();
