CREATE TABLE "sighting" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"access_code_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"area_authority_code" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	"place" text NOT NULL,
	"location_id" uuid,
	"what_seen" text NOT NULL,
	"young_people" text,
	"adults" text,
	"vehicles" text,
	"room_numbers" text,
	"reporter_name" text,
	"reporter_contact" text,
	"created_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"child_id" uuid,
	"triaged_by_user_id" uuid,
	"triaged_at" timestamp with time zone,
	CONSTRAINT "sighting_status_known" CHECK ("sighting"."status" in ('new', 'linked', 'intelligence')),
	CONSTRAINT "sighting_linked_has_child" CHECK (("sighting"."status" = 'linked') = ("sighting"."child_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "sighting_access_code" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"area_authority_code" text NOT NULL,
	"label" text NOT NULL,
	"code_hash" text NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by_user_id" uuid
);
--> statement-breakpoint
ALTER TABLE "sighting" ADD CONSTRAINT "sighting_access_code_id_sighting_access_code_id_fk" FOREIGN KEY ("access_code_id") REFERENCES "public"."sighting_access_code"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting" ADD CONSTRAINT "sighting_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting" ADD CONSTRAINT "sighting_area_authority_code_local_authority_code_fk" FOREIGN KEY ("area_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting" ADD CONSTRAINT "sighting_location_id_location_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."location"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting" ADD CONSTRAINT "sighting_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting" ADD CONSTRAINT "sighting_triaged_by_user_id_app_user_id_fk" FOREIGN KEY ("triaged_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting_access_code" ADD CONSTRAINT "sighting_access_code_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting_access_code" ADD CONSTRAINT "sighting_access_code_area_authority_code_local_authority_code_fk" FOREIGN KEY ("area_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting_access_code" ADD CONSTRAINT "sighting_access_code_created_by_user_id_app_user_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sighting_access_code" ADD CONSTRAINT "sighting_access_code_revoked_by_user_id_app_user_id_fk" FOREIGN KEY ("revoked_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sighting_reference_idx" ON "sighting" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "sighting_queue_idx" ON "sighting" USING btree ("area_authority_code","status","created_at");--> statement-breakpoint
CREATE INDEX "sighting_child_idx" ON "sighting" USING btree ("child_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sighting_access_code_hash_idx" ON "sighting_access_code" USING btree ("code_hash");--> statement-breakpoint
CREATE INDEX "sighting_access_code_agency_idx" ON "sighting_access_code" USING btree ("agency_id");