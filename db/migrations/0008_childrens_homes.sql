CREATE TABLE "childrens_home" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"urn" text NOT NULL,
	"name" text NOT NULL,
	"provider_name" text NOT NULL,
	"provider_agency_id" uuid,
	"address" text NOT NULL,
	"postcode" text NOT NULL,
	"local_authority_code" text NOT NULL,
	"registered_places" integer NOT NULL,
	"status" text NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"imported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "childrens_home_urn_unique" UNIQUE("urn"),
	CONSTRAINT "childrens_home_places" CHECK ("childrens_home"."registered_places" >= 0),
	CONSTRAINT "childrens_home_status_known" CHECK ("childrens_home"."status" in ('active', 'suspended', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "childrens_home" ADD CONSTRAINT "childrens_home_provider_agency_id_agency_id_fk" FOREIGN KEY ("provider_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "childrens_home" ADD CONSTRAINT "childrens_home_local_authority_code_local_authority_code_fk" FOREIGN KEY ("local_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "childrens_home_authority_idx" ON "childrens_home" USING btree ("local_authority_code");