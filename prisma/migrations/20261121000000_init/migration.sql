-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'cx_lead', 'legal', 'it', 'supervisor', 'committee', 'auditor');

-- CreateEnum
CREATE TYPE "DraftStatus" AS ENUM ('open', 'in_review', 'published', 'discarded');

-- CreateEnum
CREATE TYPE "ReviewVerdict" AS ENUM ('approve', 'reject');

-- CreateEnum
CREATE TYPE "PolicySource" AS ENUM ('console', 'cli', 'seed');

-- CreateEnum
CREATE TYPE "AgentStatus" AS ENUM ('active', 'disabled');

-- CreateEnum
CREATE TYPE "StopScope" AS ENUM ('all', 'agent', 'action');

-- CreateEnum
CREATE TYPE "DecisionKind" AS ENUM ('allow', 'deny', 'hold', 'step_up', 'escalate');

-- CreateEnum
CREATE TYPE "DecisionStatus" AS ENUM ('allowed', 'denied', 'pending_approval', 'approved', 'rejected', 'expired', 'needs_step_up', 'escalated', 'executed', 'failed', 'reverted');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('pending', 'approved', 'rejected', 'expired');

-- CreateEnum
CREATE TYPE "OutcomeStatus" AS ENUM ('executed', 'failed', 'reverted');

-- CreateEnum
CREATE TYPE "ReviewSource" AS ENUM ('agent', 'approval_rejected', 'hold_expired', 'outcome_failed', 'outcome_reverted', 'execution_refused', 'action_mismatch', 'limit_breach', 'sample');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('open', 'in_review', 'resolved', 'dismissed');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('user', 'agent', 'system', 'cli');

-- CreateEnum
CREATE TYPE "WebhookStatus" AS ENUM ('pending', 'delivered', 'failed');

-- CreateEnum
CREATE TYPE "SimulationStatus" AS ENUM ('queued', 'running', 'completed', 'cancelled', 'failed');

-- CreateEnum
CREATE TYPE "RecommendationStatus" AS ENUM ('open', 'accepted', 'dismissed');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT,
    "roles" "Role"[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_drafts" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "status" "DraftStatus" NOT NULL DEFAULT 'open',
    "revision" INTEGER NOT NULL DEFAULT 1,
    "base_version_id" UUID,
    "author_id" UUID,
    "author_label" TEXT NOT NULL,
    "updated_by_id" UUID,
    "shadow" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "policy_drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_draft_reviews" (
    "id" UUID NOT NULL,
    "draft_id" UUID NOT NULL,
    "reviewer_id" UUID NOT NULL,
    "verdict" "ReviewVerdict" NOT NULL,
    "roles" "Role"[],
    "revision" INTEGER NOT NULL,
    "comment" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "policy_draft_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_versions" (
    "id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "checksum" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" "PolicySource" NOT NULL,
    "draft_id" UUID,
    "published_by_id" UUID,
    "approved_by_id" UUID,
    "restored_from" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "policy_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agents" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" "AgentStatus" NOT NULL DEFAULT 'active',
    "webhook_url" TEXT,
    "webhook_secret" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,
    "name" TEXT NOT NULL DEFAULT 'default',
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "rate_limit_per_second" INTEGER NOT NULL DEFAULT 50,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stop_switches" (
    "id" UUID NOT NULL,
    "scope" "StopScope" NOT NULL,
    "target" TEXT,
    "reason" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lifted_at" TIMESTAMPTZ(3),
    "lifted_by" TEXT,
    "lift_reason" TEXT,
    CONSTRAINT "stop_switches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "decisions" (
    "id" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "policy_version_id" UUID,
    "policy_version" INTEGER,
    "action" TEXT NOT NULL,
    "intent" TEXT,
    "customer_id" TEXT,
    "amount" DECIMAL(28,8),
    "currency" TEXT,
    "channel" TEXT,
    "confidence" DOUBLE PRECISION,
    "conversation_id" TEXT,
    "request" JSONB NOT NULL,
    "decision" "DecisionKind" NOT NULL,
    "status" "DecisionStatus" NOT NULL,
    "authority" TEXT,
    "tier" TEXT,
    "owner" TEXT,
    "reasons" JSONB NOT NULL,
    "reason_codes" TEXT[],
    "action_digest" TEXT NOT NULL,
    "review_sampled" BOOLEAN NOT NULL DEFAULT false,
    "counts_to_limits" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "agent_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "decision_id" TEXT,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("agent_id", "key")
);

-- CreateTable
CREATE TABLE "approvals" (
    "id" UUID NOT NULL,
    "decision_id" TEXT NOT NULL,
    "required" INTEGER NOT NULL,
    "roles" "Role"[],
    "status" "ApprovalStatus" NOT NULL DEFAULT 'pending',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "escalated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_votes" (
    "id" UUID NOT NULL,
    "approval_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "verdict" "ReviewVerdict" NOT NULL,
    "role" "Role" NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "approval_votes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outcomes" (
    "id" UUID NOT NULL,
    "decision_id" TEXT NOT NULL,
    "status" "OutcomeStatus" NOT NULL,
    "action_digest" TEXT,
    "external_ref" TEXT,
    "detail" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outcomes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_cases" (
    "id" TEXT NOT NULL,
    "source" "ReviewSource" NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "decision_id" TEXT,
    "agent_id" UUID,
    "action" TEXT,
    "tier" TEXT,
    "conversation_id" TEXT,
    "status" "ReviewStatus" NOT NULL DEFAULT 'open',
    "labels" TEXT[],
    "assignee_id" UUID,
    "resolution" TEXT,
    "resolved_by_id" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "review_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_notes" (
    "id" UUID NOT NULL,
    "case_id" TEXT NOT NULL,
    "author_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "review_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "txid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT,
    "data" JSONB NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_seals" (
    "id" SERIAL NOT NULL,
    "from_txid" BIGINT NOT NULL,
    "to_txid" BIGINT NOT NULL,
    "entry_count" INTEGER NOT NULL,
    "entries_digest" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "sealed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_seals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "decision_id" TEXT,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "decision_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "decision_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "decision" "DecisionKind" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "amount_sum" DECIMAL(28,8) NOT NULL DEFAULT 0,
    CONSTRAINT "decision_rollups_pkey" PRIMARY KEY ("bucket", "action", "agent_id", "tier", "decision")
);

-- CreateTable
CREATE TABLE "simulation_runs" (
    "id" UUID NOT NULL,
    "draft_id" UUID NOT NULL,
    "draft_revision" INTEGER NOT NULL,
    "status" "SimulationStatus" NOT NULL DEFAULT 'queued',
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" TEXT,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "simulation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shadow_results" (
    "id" UUID NOT NULL,
    "decision_id" TEXT NOT NULL,
    "draft_id" UUID NOT NULL,
    "decision" "DecisionKind" NOT NULL,
    "tier" TEXT,
    "reasons" JSONB NOT NULL,
    "differs" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shadow_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recommendations" (
    "id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "status" "RecommendationStatus" NOT NULL DEFAULT 'open',
    "reason" TEXT,
    "draft_id" UUID,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "recommendations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "policy_drafts_status_updated_at_idx" ON "policy_drafts"("status", "updated_at");

-- CreateIndex
CREATE INDEX "policy_draft_reviews_draft_id_idx" ON "policy_draft_reviews"("draft_id");

-- CreateIndex
CREATE UNIQUE INDEX "policy_versions_version_key" ON "policy_versions"("version");

-- CreateIndex
CREATE UNIQUE INDEX "policy_versions_draft_id_key" ON "policy_versions"("draft_id");

-- CreateIndex
CREATE UNIQUE INDEX "agents_name_key" ON "agents"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- CreateIndex
CREATE INDEX "api_keys_agent_id_idx" ON "api_keys"("agent_id");

-- CreateIndex
CREATE INDEX "stop_switches_lifted_at_idx" ON "stop_switches"("lifted_at");

-- CreateIndex
CREATE INDEX "decisions_created_at_idx" ON "decisions"("created_at");

-- CreateIndex
CREATE INDEX "decisions_status_created_at_idx" ON "decisions"("status", "created_at");

-- CreateIndex
CREATE INDEX "decisions_action_created_at_idx" ON "decisions"("action", "created_at");

-- CreateIndex
CREATE INDEX "decisions_agent_id_created_at_idx" ON "decisions"("agent_id", "created_at");

-- CreateIndex
CREATE INDEX "decisions_customer_id_created_at_idx" ON "decisions"("customer_id", "created_at");

-- CreateIndex
CREATE INDEX "decisions_tier_created_at_idx" ON "decisions"("tier", "created_at");

-- CreateIndex
CREATE INDEX "decisions_owner_created_at_idx" ON "decisions"("owner", "created_at");

-- CreateIndex
CREATE INDEX "decisions_decision_created_at_idx" ON "decisions"("decision", "created_at");

-- CreateIndex
CREATE INDEX "decisions_action_customer_id_created_at_idx" ON "decisions"("action", "customer_id", "created_at");

-- CreateIndex
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_decision_id_key" ON "approvals"("decision_id");

-- CreateIndex
CREATE INDEX "approvals_status_expires_at_idx" ON "approvals"("status", "expires_at");

-- CreateIndex
CREATE INDEX "approvals_status_created_at_idx" ON "approvals"("status", "created_at");

-- CreateIndex
CREATE INDEX "approval_votes_user_id_created_at_idx" ON "approval_votes"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "approval_votes_approval_id_user_id_key" ON "approval_votes"("approval_id", "user_id");

-- CreateIndex
CREATE INDEX "outcomes_status_created_at_idx" ON "outcomes"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "outcomes_decision_id_status_key" ON "outcomes"("decision_id", "status");

-- CreateIndex
CREATE INDEX "review_cases_status_created_at_idx" ON "review_cases"("status", "created_at");

-- CreateIndex
CREATE INDEX "review_cases_decision_id_idx" ON "review_cases"("decision_id");

-- CreateIndex
CREATE INDEX "review_cases_assignee_id_status_idx" ON "review_cases"("assignee_id", "status");

-- CreateIndex
CREATE INDEX "review_notes_case_id_created_at_idx" ON "review_notes"("case_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_entries_subject_type_subject_id_idx" ON "audit_entries"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "audit_entries_occurred_at_idx" ON "audit_entries"("occurred_at");

-- CreateIndex
CREATE INDEX "audit_entries_txid_idx" ON "audit_entries"("txid");

-- CreateIndex
CREATE INDEX "audit_entries_action_occurred_at_idx" ON "audit_entries"("action", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_seals_hash_key" ON "audit_seals"("hash");

-- CreateIndex
CREATE INDEX "webhook_events_status_next_attempt_at_idx" ON "webhook_events"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_events_agent_id_created_at_idx" ON "webhook_events"("agent_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_events_decision_id_idx" ON "webhook_events"("decision_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_event_id_created_at_idx" ON "webhook_deliveries"("event_id", "created_at");

-- CreateIndex
CREATE INDEX "notifications_created_at_idx" ON "notifications"("created_at");

-- CreateIndex
CREATE INDEX "decision_rollups_action_bucket_idx" ON "decision_rollups"("action", "bucket");

-- CreateIndex
CREATE INDEX "simulation_runs_draft_id_created_at_idx" ON "simulation_runs"("draft_id", "created_at");

-- CreateIndex
CREATE INDEX "shadow_results_draft_id_differs_created_at_idx" ON "shadow_results"("draft_id", "differs", "created_at");

-- CreateIndex
CREATE INDEX "recommendations_status_created_at_idx" ON "recommendations"("status", "created_at");

-- AddForeignKey
ALTER TABLE "policy_drafts" ADD CONSTRAINT "policy_drafts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_drafts" ADD CONSTRAINT "policy_drafts_base_version_id_fkey" FOREIGN KEY ("base_version_id") REFERENCES "policy_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_draft_reviews" ADD CONSTRAINT "policy_draft_reviews_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "policy_drafts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_draft_reviews" ADD CONSTRAINT "policy_draft_reviews_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "policy_drafts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_published_by_id_fkey" FOREIGN KEY ("published_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_approved_by_id_fkey" FOREIGN KEY ("approved_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_policy_version_id_fkey" FOREIGN KEY ("policy_version_id") REFERENCES "policy_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_decision_id_fkey" FOREIGN KEY ("decision_id") REFERENCES "decisions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_approval_id_fkey" FOREIGN KEY ("approval_id") REFERENCES "approvals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outcomes" ADD CONSTRAINT "outcomes_decision_id_fkey" FOREIGN KEY ("decision_id") REFERENCES "decisions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_cases" ADD CONSTRAINT "review_cases_decision_id_fkey" FOREIGN KEY ("decision_id") REFERENCES "decisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_cases" ADD CONSTRAINT "review_cases_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_cases" ADD CONSTRAINT "review_cases_resolved_by_id_fkey" FOREIGN KEY ("resolved_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_notes" ADD CONSTRAINT "review_notes_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "review_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_notes" ADD CONSTRAINT "review_notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_decision_id_fkey" FOREIGN KEY ("decision_id") REFERENCES "decisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "simulation_runs" ADD CONSTRAINT "simulation_runs_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "policy_drafts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shadow_results" ADD CONSTRAINT "shadow_results_decision_id_fkey" FOREIGN KEY ("decision_id") REFERENCES "decisions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "policy_drafts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Append-only tables: the database itself refuses to change history.
CREATE FUNCTION "mandate_refuse_change"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "mandate_refuse_change"();
CREATE TRIGGER "audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "mandate_refuse_change"();
CREATE TRIGGER "audit_seals_append_only" BEFORE UPDATE OR DELETE ON "audit_seals"
  FOR EACH ROW EXECUTE FUNCTION "mandate_refuse_change"();
CREATE TRIGGER "audit_seals_no_truncate" BEFORE TRUNCATE ON "audit_seals"
  FOR EACH STATEMENT EXECUTE FUNCTION "mandate_refuse_change"();
CREATE TRIGGER "policy_versions_immutable" BEFORE UPDATE OR DELETE ON "policy_versions"
  FOR EACH ROW EXECUTE FUNCTION "mandate_refuse_change"();
