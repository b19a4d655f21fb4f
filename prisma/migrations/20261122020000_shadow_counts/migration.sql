-- Shadow mode keeps counts per draft and second, and a row only for a decision the draft would
-- have made differently: a row for every live decision cost about 40 µs of PostgreSQL per
-- decision, 6–8% of a decision's CPU (BENCHMARKS.md, "Shadow mode"). Existing rows become counts;
-- the rows that agreed with the live answer carried nothing the console shows, and go.
CREATE TABLE "shadow_counts" (
    "draft_id" UUID NOT NULL,
    "second" TIMESTAMPTZ(3) NOT NULL,
    "evaluated" INTEGER NOT NULL,
    "differing" INTEGER NOT NULL,
    CONSTRAINT "shadow_counts_pkey" PRIMARY KEY ("draft_id", "second")
);

INSERT INTO "shadow_counts" ("draft_id", "second", "evaluated", "differing")
SELECT "draft_id", date_trunc('second', "created_at"), count(*)::int, (count(*) FILTER (WHERE "differs"))::int
  FROM "shadow_results"
 GROUP BY 1, 2;

DELETE FROM "shadow_results" WHERE NOT "differs";
