CREATE TABLE "placement" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"home_id" uuid,
	"postcode" text NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"placement_type" text NOT NULL,
	"provider" text,
	"placing_authority_code" text NOT NULL,
	"host_authority_code" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"distance_from_home_miles" double precision,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "placement_dates" CHECK ("placement"."end_date" is null or "placement"."end_date" >= "placement"."start_date"),
	CONSTRAINT "placement_provider_given" CHECK ("placement"."placement_type" in ('T0','T1','T2','T3','T4','Z11','Z12','Z13','Z14') or "placement"."provider" is not null)
);
--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "home_latitude" double precision;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "home_longitude" double precision;--> statement-breakpoint
ALTER TABLE "placement" ADD CONSTRAINT "placement_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement" ADD CONSTRAINT "placement_home_id_childrens_home_id_fk" FOREIGN KEY ("home_id") REFERENCES "public"."childrens_home"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement" ADD CONSTRAINT "placement_placing_authority_code_local_authority_code_fk" FOREIGN KEY ("placing_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement" ADD CONSTRAINT "placement_host_authority_code_local_authority_code_fk" FOREIGN KEY ("host_authority_code") REFERENCES "public"."local_authority"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "placement_child_idx" ON "placement" USING btree ("child_id","start_date");--> statement-breakpoint
CREATE INDEX "placement_host_idx" ON "placement" USING btree ("host_authority_code");