CREATE TABLE "cse_screening" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"tool_version" text NOT NULL,
	"answers" jsonb NOT NULL,
	"items" jsonb NOT NULL,
	"score" integer NOT NULL,
	"level" text NOT NULL,
	"review_on" date NOT NULL,
	"notes" text,
	"screened_by_user_id" uuid,
	"screened_by_agency_id" uuid NOT NULL,
	"screened_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cse_screening_level_known" CHECK ("cse_screening"."level" in ('not_at_risk', 'mild', 'moderate', 'significant')),
	CONSTRAINT "cse_screening_score" CHECK ("cse_screening"."score" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cse_screening" ADD CONSTRAINT "cse_screening_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cse_screening" ADD CONSTRAINT "cse_screening_screened_by_user_id_app_user_id_fk" FOREIGN KEY ("screened_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cse_screening" ADD CONSTRAINT "cse_screening_screened_by_agency_id_agency_id_fk" FOREIGN KEY ("screened_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cse_screening_child_idx" ON "cse_screening" USING btree ("child_id","screened_at");--> statement-breakpoint
CREATE INDEX "cse_screening_level_idx" ON "cse_screening" USING btree ("level","screened_at");