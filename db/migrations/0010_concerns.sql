CREATE TABLE "concern" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"raised_by_user_id" uuid,
	"raised_by_agency_id" uuid NOT NULL,
	"details" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "concern" ADD CONSTRAINT "concern_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concern" ADD CONSTRAINT "concern_raised_by_user_id_app_user_id_fk" FOREIGN KEY ("raised_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concern" ADD CONSTRAINT "concern_raised_by_agency_id_agency_id_fk" FOREIGN KEY ("raised_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "concern_child_idx" ON "concern" USING btree ("child_id","raised_at");