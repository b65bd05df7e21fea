CREATE TABLE "child_correction" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text,
	"reason" text NOT NULL,
	"corrected_by_user_id" uuid,
	"corrected_by_agency_id" uuid NOT NULL,
	"corrected_at" timestamp with time zone NOT NULL,
	CONSTRAINT "child_correction_field_known" CHECK ("child_correction"."field" in ('givenName', 'familyName', 'dateOfBirth', 'sex', 'ethnicity', 'upn', 'localAuthorityChildId', 'policePersonId', 'legalStatus', 'lookedAfter', 'responsibleAuthorityCode', 'homePostcode', 'homeAddress')),
	CONSTRAINT "child_correction_changes" CHECK ("child_correction"."old_value" is distinct from "child_correction"."new_value"),
	CONSTRAINT "child_correction_reason" CHECK (length(trim("child_correction"."reason")) > 0)
);
--> statement-breakpoint
ALTER TABLE "child_correction" ADD CONSTRAINT "child_correction_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_correction" ADD CONSTRAINT "child_correction_corrected_by_user_id_app_user_id_fk" FOREIGN KEY ("corrected_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_correction" ADD CONSTRAINT "child_correction_corrected_by_agency_id_agency_id_fk" FOREIGN KEY ("corrected_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "child_correction_child_idx" ON "child_correction" USING btree ("child_id","corrected_at");