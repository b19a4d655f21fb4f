import type { Db } from "@/lib/db/prisma";
import type { PolicyDocument } from "./document-schema";
import type { Role } from "./roles";

export async function getDraft(db: Db, id: string) {
  const draft = await db.policyDraft.findUnique({
    where: { id },
    select: {
      id: true,
      title: true,
      status: true,
      revision: true,
      document: true,
      reason: true,
      submittedAt: true,
      authorId: true,
      authorLabel: true,
      author: { select: { name: true } },
      updatedByLabel: true,
      updatedAt: true,
      createdAt: true,
      baseVersion: { select: { version: true, document: true } },
      published: { select: { version: true, createdAt: true, reason: true, approvedBy: { select: { name: true } } } },
      reviews: {
        orderBy: { createdAt: "asc" },
        select: { id: true, verdict: true, roles: true, revision: true, comment: true, createdAt: true, reviewerId: true, reviewer: { select: { name: true, email: true } } },
      },
      editors: { select: { userId: true, section: true } },
    },
  });
  if (!draft) return null;
  const { author, published, ...rest } = draft;
  // What a published draft changed is what its version changed against the one before it, which it
  // replaced (its base, unless another version was published meanwhile); never the policy in force now.
  const replaced = published && published.version > 1 ? await db.policyVersion.findUnique({ where: { version: published.version - 1 }, select: { version: true, document: true } }) : null;
  return {
    ...rest,
    published: published
      ? {
          version: published.version,
          publishedAt: published.createdAt,
          reason: published.reason,
          approvedByName: published.approvedBy?.name ?? null,
          replaced: replaced ? { version: replaced.version, document: replaced.document as unknown as PolicyDocument } : null,
        }
      : null,
    authorName: author?.name ?? draft.authorLabel,
    document: draft.document as unknown as PolicyDocument,
    baseVersion: draft.baseVersion ? { version: draft.baseVersion.version, document: draft.baseVersion.document as unknown as PolicyDocument } : null,
  };
}
export type DraftDetail = NonNullable<Awaited<ReturnType<typeof getDraft>>>;

/** Everyone who could review a draft: active people and their roles. */
export async function listActiveReviewers(db: Db): Promise<{ userId: string; roles: Role[] }[]> {
  const users = await db.user.findMany({ where: { disabled: false }, select: { id: true, roles: true } });
  return users.map((user) => ({ userId: user.id, roles: user.roles }));
}

/** The draft a person is working on: their most recently saved open draft (not yet submitted), or null. */
export async function getOpenDraftOf(db: Db, userId: string): Promise<{ id: string; title: string } | null> {
  return db.policyDraft.findFirst({ where: { authorId: userId, status: "open" }, orderBy: { updatedAt: "desc" }, select: { id: true, title: true } });
}
