CREATE TABLE "break_glass" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"reviewed_at" timestamp with time zone,
	"reviewed_by_user_id" uuid,
	"review_outcome" text
);
--> statement-breakpoint
CREATE TABLE "child_share" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"lawful_basis" text NOT NULL,
	"reason" text NOT NULL,
	"approved_by" text NOT NULL,
	"shared_by_user_id" uuid NOT NULL,
	"shared_by_agency_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "child_access" DROP CONSTRAINT "child_access_period";--> statement-breakpoint
ALTER TABLE "break_glass" ADD CONSTRAINT "break_glass_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass" ADD CONSTRAINT "break_glass_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass" ADD CONSTRAINT "break_glass_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass" ADD CONSTRAINT "break_glass_reviewed_by_user_id_app_user_id_fk" FOREIGN KEY ("reviewed_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_share" ADD CONSTRAINT "child_share_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_share" ADD CONSTRAINT "child_share_agency_id_agency_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_share" ADD CONSTRAINT "child_share_shared_by_user_id_app_user_id_fk" FOREIGN KEY ("shared_by_user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_share" ADD CONSTRAINT "child_share_shared_by_agency_id_agency_id_fk" FOREIGN KEY ("shared_by_agency_id") REFERENCES "public"."agency"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "break_glass_agency_idx" ON "break_glass" USING btree ("agency_id","reviewed_at");--> statement-breakpoint
CREATE INDEX "child_share_child_idx" ON "child_share" USING btree ("child_id");--> statement-breakpoint
ALTER TABLE "child_access" ADD CONSTRAINT "child_access_period" CHECK ("child_access"."valid_to" is null or "child_access"."valid_to" >= "child_access"."valid_from");