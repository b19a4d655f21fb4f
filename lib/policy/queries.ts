import type { Db } from "@/lib/db/prisma";
import type { PolicyDocument } from "./document-schema";

export interface PublishedPolicy {
  id: string;
  version: number;
  document: PolicyDocument;
  reason: string;
  createdAt: Date;
}

/** The policy in force: the highest published version, or null before the first publish. */
export async function getCurrentPolicy(db: Db): Promise<PublishedPolicy | null> {
  const row = await db.policyVersion.findFirst({
    orderBy: { version: "desc" },
    select: { id: true, version: true, document: true, reason: true, createdAt: true },
  });
  return row ? { ...row, document: row.document as unknown as PolicyDocument } : null;
}

export async function getPolicyVersion(db: Db, version: number): Promise<PublishedPolicy | null> {
  const row = await db.policyVersion.findUnique({
    where: { version },
    select: { id: true, version: true, document: true, reason: true, createdAt: true },
  });
  return row ? { ...row, document: row.document as unknown as PolicyDocument } : null;
}

export async function listPolicyVersions(db: Db) {
  const rows = await db.policyVersion.findMany({
    orderBy: { version: "desc" },
    select: {
      id: true,
      version: true,
      document: true,
      reason: true,
      source: true,
      checksum: true,
      restoredFrom: true,
      createdAt: true,
      publishedBy: { select: { email: true, name: true } },
      approvedBy: { select: { email: true, name: true } },
    },
  });
  return rows.map((row) => ({ ...row, document: row.document as unknown as PolicyDocument }));
}

export async function listOpenDrafts(db: Db) {
  const drafts = await db.policyDraft.findMany({
    where: { status: { in: ["open", "in_review"] } },
    orderBy: { updatedAt: "desc" },
    select: { id: true, title: true, status: true, revision: true, authorLabel: true, author: { select: { name: true } }, updatedAt: true },
  });
  // People by name; a draft from the CLI has no user and keeps its operator label.
  return drafts.map(({ author, ...draft }) => ({ ...draft, authorName: author?.name ?? draft.authorLabel }));
}
