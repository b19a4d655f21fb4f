-- Decision rollups are counted incrementally (docs/decisions/0003-dashboard-rollups.md): the
-- refresher adds the decisions whose audit entries became visible since the snapshot stored here,
-- then stores its own snapshot, in the same transaction. No row yet means "rebuild first".
CREATE TABLE "rollup_watermarks" (
    "name" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rollup_watermarks_pkey" PRIMARY KEY ("name")
);
