CREATE TABLE "child_profile_change" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text,
	"reason" text,
	"changed_by_user_id" uuid,
	"changed_by_agency_id" uuid,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "child_profile_change_changes" CHECK ("child_profile_change"."old_value" is distinct from "child_profile_change"."new_value")
);
--> statement-breakpoint
ALTER TABLE "child_profile_change" ADD CONSTRAINT "child_profile_change_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_profile_change" ADD CONSTRAINT "child_profile_change_changed_by_user_id_app_user_id_fk" FOREIGN KEY ("changed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_profile_change" ADD CONSTRAINT "child_profile_change_changed_by_agency_id_agency_id_fk" FOREIGN KEY ("changed_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "child_profile_change_child_idx" ON "child_profile_change" USING btree ("child_id","changed_at");