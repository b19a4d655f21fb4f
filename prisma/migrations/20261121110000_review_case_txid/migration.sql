-- Review cases are opened at the decision rate (sampled reviews, escalations): the rollup refresher
-- counts openings incrementally, like decisions, by the transaction that inserted each case
-- (docs/decisions/0003-dashboard-rollups.md). Existing cases all get this migration's txid, so the
-- watermark is dropped: the next round rebuilds the incremental rollups from the raw rows.
ALTER TABLE "review_cases" ADD COLUMN "txid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint;
CREATE INDEX "review_cases_txid_idx" ON "review_cases"("txid");
DELETE FROM "rollup_watermarks";
