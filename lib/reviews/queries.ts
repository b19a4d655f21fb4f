import type { Db } from "@/lib/db/prisma";

export async function listReviewCases(db: Db, take = 100) {
  return db.reviewCase.findMany({
    orderBy: [{ status: "asc" }, { createdAt: "desc" }],
    take,
    select: {
      id: true,
      source: true,
      reason: true,
      action: true,
      tier: true,
      status: true,
      labels: true,
      createdAt: true,
      assignee: { select: { name: true } },
    },
  });
}
