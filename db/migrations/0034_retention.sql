CREATE TABLE "retention_keep" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"kept_until" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"decided_by_user_id" uuid NOT NULL,
	"decided_by_agency_id" uuid NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "retention_keep_type_known" CHECK ("retention_keep"."record_type" in ('child', 'sighting', 'nfa_notice', 'intelligence_entity')),
	CONSTRAINT "retention_keep_reason" CHECK (length(trim("retention_keep"."reason")) > 0),
	CONSTRAINT "retention_keep_later" CHECK ("retention_keep"."kept_until" > "retention_keep"."decided_at")
);
--> statement-breakpoint
ALTER TABLE "retention_keep" ADD CONSTRAINT "retention_keep_decided_by_user_id_app_user_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_keep" ADD CONSTRAINT "retention_keep_decided_by_agency_id_agency_id_fk" FOREIGN KEY ("decided_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "retention_keep_record_idx" ON "retention_keep" USING btree ("record_type","record_id","kept_until");