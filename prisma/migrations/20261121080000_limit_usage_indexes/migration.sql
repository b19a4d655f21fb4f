-- Limit usage is counted on every decision with a limit, inside its scope lock: these partial
-- indexes hold only the rows that count (allowed or approved) and carry the amount, so each
-- count is one index-only range scan. Prisma cannot express partial or covering indexes; the
-- drift test lists them explicitly.
CREATE INDEX "decisions_limit_customer_idx" ON "decisions" ("action", "customer_id", "created_at") INCLUDE ("amount") WHERE "counts_to_limits";
CREATE INDEX "decisions_limit_agent_idx" ON "decisions" ("action", "agent_id", "created_at") INCLUDE ("amount") WHERE "counts_to_limits";
CREATE INDEX "decisions_limit_global_idx" ON "decisions" ("action", "created_at") INCLUDE ("amount") WHERE "counts_to_limits";
