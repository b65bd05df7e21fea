CREATE TABLE "commission" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"commissioner_agency_id" uuid NOT NULL,
	"provider_agency_id" uuid NOT NULL,
	"service" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "return_interview" ADD COLUMN "assigned_agency_id" uuid;--> statement-breakpoint
ALTER TABLE "return_interview" ADD COLUMN "reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "return_interview" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "commission" ADD CONSTRAINT "commission_commissioner_agency_id_agency_id_fk" FOREIGN KEY ("commissioner_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission" ADD CONSTRAINT "commission_provider_agency_id_agency_id_fk" FOREIGN KEY ("provider_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "commission_commissioner_idx" ON "commission" USING btree ("commissioner_agency_id","service");--> statement-breakpoint
ALTER TABLE "return_interview" ADD CONSTRAINT "return_interview_assigned_agency_id_agency_id_fk" FOREIGN KEY ("assigned_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "return_interview_assigned_idx" ON "return_interview" USING btree ("assigned_agency_id","status","due_at");