import type { Db } from "@/lib/db/prisma";

export async function listUsers(db: Db) {
  return db.user.findMany({
    orderBy: { email: "asc" },
    select: { id: true, email: true, name: true, roles: true, disabled: true, lastLoginAt: true, createdAt: true },
  });
}
export type UserRow = Awaited<ReturnType<typeof listUsers>>[number];
