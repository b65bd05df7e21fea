CREATE TABLE "child_alias" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "child_search_name" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"given_codes" text[] NOT NULL,
	"family_codes" text[] NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "child_search_name_source" CHECK ("child_search_name"."source" in ('name', 'alias'))
);
--> statement-breakpoint
ALTER TABLE "child" ALTER COLUMN "date_of_birth" SET DATA TYPE date USING "date_of_birth"::date;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "sex" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "ethnicity" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "looked_after" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "legal_status" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "responsible_authority_code" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "upn" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "la_child_id" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "police_person_id" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "home_postcode" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "home_address" text;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "created_by_agency_id" uuid;--> statement-breakpoint
ALTER TABLE "child_alias" ADD CONSTRAINT "child_alias_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_search_name" ADD CONSTRAINT "child_search_name_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "child_alias_child_idx" ON "child_alias" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "child_search_name_child_idx" ON "child_search_name" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "child_search_name_family_codes_idx" ON "child_search_name" USING gin ("family_codes");--> statement-breakpoint
CREATE INDEX "child_search_name_given_codes_idx" ON "child_search_name" USING gin ("given_codes");--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_responsible_authority_code_local_authority_code_fk" FOREIGN KEY ("responsible_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_created_by_agency_id_agency_id_fk" FOREIGN KEY ("created_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "child_dob_idx" ON "child" USING btree ("date_of_birth");--> statement-breakpoint
CREATE INDEX "child_upn_idx" ON "child" USING btree ("upn");--> statement-breakpoint
CREATE INDEX "child_la_id_idx" ON "child" USING btree ("la_child_id");--> statement-breakpoint
CREATE INDEX "child_police_id_idx" ON "child" USING btree ("police_person_id");--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_sex_code" CHECK ("child"."sex" is null or "child"."sex" in ('M', 'F', 'U'));--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_upn_form" CHECK ("child"."upn" is null or "child"."upn" ~ '^([A-Z][0-9]{11}[0-9A-Z]|UN[1-5])$');