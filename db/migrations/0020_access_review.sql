ALTER TABLE "app_user" ADD COLUMN "access_reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "app_user" ADD COLUMN "access_reviewed_by_user_id" uuid;