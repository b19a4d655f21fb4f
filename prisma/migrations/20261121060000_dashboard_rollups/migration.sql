-- Dashboards read hourly rollups, never raw history (docs/decisions/0003-dashboard-rollups.md).
-- decision_rollups exists since the first migration; these complete it. Missing keys are stored as
-- '' (tier, intent, action) or the zero UUID (agent), since primary-key columns cannot be NULL.

-- Non-allow decisions by reason and intent: denials by reason, and what went to people.
CREATE TABLE "reason_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "intent" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "decision" "DecisionKind" NOT NULL,
    "reason" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "reason_rollups_pkey" PRIMARY KEY ("bucket", "action", "intent", "agent_id", "tier", "decision", "reason")
);

-- Approvals by the hour they were decided. Their latencies are a sparse histogram, bucket number of
-- lib/dashboards/latency-buckets.ts → count ({"9": 4, "12": 1}), so p50/p95 come from counts
-- without a row per bucket.
CREATE TABLE "approval_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "status" "ApprovalStatus" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "amount_sum" DECIMAL(28,8) NOT NULL DEFAULT 0,
    "latency_histogram" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "approval_rollups_pkey" PRIMARY KEY ("bucket", "action", "agent_id", "tier", "status")
);

-- Outcomes by the hour they were reported.
CREATE TABLE "outcome_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "status" "OutcomeStatus" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "amount_sum" DECIMAL(28,8) NOT NULL DEFAULT 0,
    CONSTRAINT "outcome_rollups_pkey" PRIMARY KEY ("bucket", "action", "agent_id", "tier", "status")
);

-- Review cases opened (by created_at) and closed (by resolved_at; event = resolved | dismissed).
CREATE TABLE "review_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "event" TEXT NOT NULL,
    "source" "ReviewSource" NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "review_rollups_pkey" PRIMARY KEY ("bucket", "event", "source", "action", "agent_id", "tier"),
    CONSTRAINT "review_rollups_event_check" CHECK ("event" IN ('opened', 'resolved', 'dismissed'))
);

-- Votes by approver and verdict, with time to decide as a sparse histogram: the rubber-stamp watch.
CREATE TABLE "approver_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "user_id" UUID NOT NULL,
    "verdict" "ReviewVerdict" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "latency_histogram" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "approver_rollups_pkey" PRIMARY KEY ("bucket", "user_id", "verdict")
);

-- The same rollups by UTC day, re-aggregated from the hourly ones: 30- and 90-day views read
-- these, a twenty-fourth of the rows.
CREATE TABLE "decision_daily_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "decision" "DecisionKind" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "amount_sum" DECIMAL(28,8) NOT NULL DEFAULT 0,
    CONSTRAINT "decision_daily_rollups_pkey" PRIMARY KEY ("bucket", "action", "agent_id", "tier", "decision")
);

CREATE TABLE "reason_daily_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "intent" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "decision" "DecisionKind" NOT NULL,
    "reason" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "reason_daily_rollups_pkey" PRIMARY KEY ("bucket", "action", "intent", "agent_id", "tier", "decision", "reason")
);

CREATE TABLE "approval_daily_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "status" "ApprovalStatus" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "amount_sum" DECIMAL(28,8) NOT NULL DEFAULT 0,
    "latency_histogram" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "approval_daily_rollups_pkey" PRIMARY KEY ("bucket", "action", "agent_id", "tier", "status")
);

CREATE TABLE "outcome_daily_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "status" "OutcomeStatus" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "amount_sum" DECIMAL(28,8) NOT NULL DEFAULT 0,
    CONSTRAINT "outcome_daily_rollups_pkey" PRIMARY KEY ("bucket", "action", "agent_id", "tier", "status")
);

CREATE TABLE "review_daily_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "event" TEXT NOT NULL,
    "source" "ReviewSource" NOT NULL,
    "action" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "tier" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "review_daily_rollups_pkey" PRIMARY KEY ("bucket", "event", "source", "action", "agent_id", "tier"),
    CONSTRAINT "review_daily_rollups_event_check" CHECK ("event" IN ('opened', 'resolved', 'dismissed'))
);

CREATE TABLE "approver_daily_rollups" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "user_id" UUID NOT NULL,
    "verdict" "ReviewVerdict" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "latency_histogram" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "approver_daily_rollups_pkey" PRIMARY KEY ("bucket", "user_id", "verdict")
);

-- The refresher reads recent rows by event time.
CREATE INDEX "approvals_decided_at_idx" ON "approvals"("decided_at");
CREATE INDEX "outcomes_created_at_idx" ON "outcomes"("created_at");
CREATE INDEX "review_cases_created_at_idx" ON "review_cases"("created_at");
CREATE INDEX "review_cases_resolved_at_idx" ON "review_cases"("resolved_at");

-- The refresher reads recent votes for approver_rollups.
CREATE INDEX "approval_votes_created_at_idx" ON "approval_votes"("created_at");

-- The history explorer's amount filter: without it "amount over 5,000" walks the whole table.
CREATE INDEX "decisions_amount_idx" ON "decisions"("amount");
