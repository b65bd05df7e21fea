CREATE INDEX "child_responsible_idx" ON "child" USING btree ("responsible_authority_code");--> statement-breakpoint
CREATE INDEX "allocation_child_idx" ON "allocation" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "return_interview_child_idx" ON "return_interview" USING btree ("child_id","due_at");