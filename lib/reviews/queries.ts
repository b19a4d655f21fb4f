import type { Db } from "@/lib/db/prisma";
import type { DecisionResponse } from "@/lib/decisions/schemas";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { DraftStatus, ReviewSource, ReviewStatus } from "@/lib/generated/prisma/enums";
import { decodeCursor, toKeysetPage, type KeysetPage } from "@/lib/history/keyset-cursor";
import { describeCaseActivity } from "./describe-case-activity";
import type { ReviewListQuery } from "./schemas";

export interface ReviewRow {
  id: string;
  source: ReviewSource;
  reason: string;
  action: string | null;
  tier: string | null;
  agent: string | null;
  createdAt: string;
  assignee: { id: string; name: string } | null;
  status: ReviewStatus;
  labels: string[];
  decisionId: string | null;
  /** The latest draft started from the case, and the version it became once published. */
  draft: { id: string; title: string; status: DraftStatus; publishedVersion: number | null } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function agentNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const agents = await db.agent.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(agents.map((a) => [a.id, a.name]));
}

function reviewWhere(query: ReviewListQuery, actorId: string, agentId: string | null | undefined): Prisma.ReviewCaseWhereInput {
  const where: Prisma.ReviewCaseWhereInput = {};
  if (query.status === "active") where.status = { in: ["open", "in_review"] };
  else if (query.status !== "all") where.status = query.status;
  if (query.assignee === "me") where.assigneeId = actorId;
  else if (query.assignee === "unassigned") where.assigneeId = null;
  if (query.source) where.source = query.source;
  if (query.label) where.labels = { has: query.label };
  if (query.action) where.action = query.action;
  if (query.tier) where.tier = query.tier;
  if (agentId !== undefined) where.agentId = agentId;
  if (query.view === "policy_change") {
    where.AND = [{ labels: { has: "policy_gap" } }, { drafts: { none: { status: "published" } } }];
  }
  return where;
}

/**
 * One page of the inbox, keyset-paginated on (created_at, id) like the history, with the exact
 * number of matching cases (cases are thousands, not millions: counting them is cheap).
 */
export async function listReviewCases(db: Db, actorId: string, query: ReviewListQuery): Promise<KeysetPage<ReviewRow> & { total: number }> {
  let agentId: string | null | undefined;
  if (query.agent) {
    const agent = UUID.test(query.agent) ? { id: query.agent } : await db.agent.findUnique({ where: { name: query.agent }, select: { id: true } });
    // An unknown agent name matches nothing (rather than being ignored).
    agentId = agent?.id ?? "00000000-0000-0000-0000-000000000000";
  }
  const where = reviewWhere(query, actorId, agentId);
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  if (cursor && (cursor.value === null || Number.isNaN(Date.parse(cursor.value)))) throw new AppError("validation_failed", "This page link is damaged: go back to the first page.", [{ path: "cursor", message: "Unreadable page cursor" }]);

  const newestFirst = query.sort === "newest";
  const backwards = cursor?.direction === "prev";
  const descending = newestFirst !== backwards;
  const dir = descending ? "desc" : "asc";
  const seek: Prisma.ReviewCaseWhereInput | undefined = cursor
    ? descending
      ? { OR: [{ createdAt: { lt: new Date(cursor.value!) } }, { createdAt: new Date(cursor.value!), id: { lt: cursor.id } }] }
      : { OR: [{ createdAt: { gt: new Date(cursor.value!) } }, { createdAt: new Date(cursor.value!), id: { gt: cursor.id } }] }
    : undefined;

  const [fetched, total] = await Promise.all([
    db.reviewCase.findMany({
      where: seek ? { AND: [where, seek] } : where,
      orderBy: [{ createdAt: dir }, { id: dir }],
      take: query.size + 1,
      select: {
        id: true, source: true, reason: true, action: true, tier: true, agentId: true, createdAt: true, status: true, labels: true, decisionId: true, assignee: { select: { id: true, name: true } },
        drafts: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, title: true, status: true, published: { select: { version: true } } } },
      },
    }),
    db.reviewCase.count({ where }),
  ]);
  const names = await agentNames(db, fetched.map((c) => c.agentId));
  const rows: ReviewRow[] = fetched.map((c) => ({
    id: c.id,
    source: c.source,
    reason: c.reason,
    action: c.action,
    tier: c.tier,
    agent: c.agentId ? (names.get(c.agentId) ?? null) : null,
    createdAt: c.createdAt.toISOString(),
    assignee: c.assignee,
    status: c.status,
    // The column is nullable: cases opened through Prisma without labels hold NULL, not '{}'.
    labels: c.labels ?? [],
    decisionId: c.decisionId,
    draft: c.drafts[0] ? { id: c.drafts[0].id, title: c.drafts[0].title, status: c.drafts[0].status, publishedVersion: c.drafts[0].published?.version ?? null } : null,
  }));
  return { ...toKeysetPage(rows, query.size, cursor, (r) => ({ value: r.createdAt, id: r.id })), total };
}

/** Values for the inbox's filter menus: the policy's actions and tiers, and the agents. */
export async function listReviewFacets(db: Db) {
  const [agents, actions, tiers] = await Promise.all([
    db.agent.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    db.reviewCase.findMany({ where: { action: { not: null } }, distinct: ["action"], select: { action: true }, orderBy: { action: "asc" }, take: 200 }),
    db.reviewCase.findMany({ where: { tier: { not: null } }, distinct: ["tier"], select: { tier: true }, orderBy: { tier: "asc" }, take: 50 }),
  ]);
  return { agents: agents.map((a) => a.name), actions: actions.map((a) => a.action!), tiers: tiers.map((t) => t.tier!) };
}

/** Everything the case page shows: the case, its thread, its decision, the drafts it started and its audit trail. */
export async function getReviewCase(db: Db, id: string) {
  const found = await db.reviewCase.findUnique({
    where: { id },
    select: {
      id: true, source: true, reason: true, detail: true, decisionId: true, agentId: true, action: true, tier: true, conversationId: true, status: true, labels: true,
      resolution: true, resolvedAt: true, createdAt: true, updatedAt: true,
      assignee: { select: { id: true, name: true } },
      resolvedBy: { select: { name: true } },
      notes: { orderBy: { createdAt: "asc" }, select: { id: true, body: true, createdAt: true, author: { select: { name: true } } } },
      decision: {
        select: {
          id: true, action: true, intent: true, decision: true, status: true, tier: true, owner: true, amount: true, currency: true, customerId: true, policyVersion: true, reasons: true, createdAt: true,
          request: true, agent: { select: { name: true } }, outcomes: { orderBy: { createdAt: "asc" }, select: { status: true, externalRef: true, createdAt: true } },
        },
      },
    },
  });
  if (!found) return null;
  const [names, trail] = await Promise.all([
    agentNames(db, [found.agentId]),
    db.auditEntry.findMany({ where: { subjectType: "review_case", subjectId: id }, orderBy: { id: "asc" }, take: 200, select: { id: true, occurredAt: true, actorType: true, actorId: true, actorLabel: true, action: true, data: true } }),
  ]);
  // People by name in the activity: the actor, and whoever a case was assigned to.
  const userIds = new Set<string>();
  for (const a of trail) {
    if (a.actorType === "user" && a.actorId) userIds.add(a.actorId);
    const to = (a.data as { to?: unknown } | null)?.to;
    if (a.action === "review.assign" && typeof to === "string") userIds.add(to);
  }
  const agentIds = trail.filter((a) => a.actorType === "agent" && a.actorId).map((a) => a.actorId!);
  const [users, trailAgents] = await Promise.all([
    userIds.size ? db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, name: true } }) : [],
    agentNames(db, agentIds),
  ]);
  const people = new Map(users.map((u) => [u.id, u.name]));
  const actorName = (a: (typeof trail)[number]) => (a.actorId ? (a.actorType === "user" ? people.get(a.actorId) : a.actorType === "agent" ? trailAgents.get(a.actorId) : undefined) : undefined) ?? a.actorLabel;
  const drafts = (
    await db.policyDraft.findMany({ where: { reviewCaseId: id }, select: { id: true, title: true, status: true, createdAt: true, published: { select: { version: true } } }, orderBy: { createdAt: "asc" } })
  ).map(({ published, ...draft }) => ({ ...draft, publishedVersion: published?.version ?? null }));
  const { decision, agentId, ...rest } = found;
  const context = ((decision?.request as { context?: { summary?: unknown } } | undefined)?.context ?? {}) as { summary?: unknown };
  return {
    ...rest,
    labels: rest.labels ?? [],
    agent: agentId ? (names.get(agentId) ?? null) : null,
    decision: decision
      ? {
          id: decision.id, action: decision.action, intent: decision.intent, decision: decision.decision, status: decision.status, tier: decision.tier, owner: decision.owner,
          amount: decision.amount?.toString() ?? null, currency: decision.currency, customerId: decision.customerId, policyVersion: decision.policyVersion, createdAt: decision.createdAt,
          agent: decision.agent.name, reasons: decision.reasons as DecisionResponse["reasons"], outcomes: decision.outcomes,
          summary: typeof context.summary === "string" ? context.summary : null,
        }
      : null,
    drafts,
    trail: trail.map((a) => ({ id: a.id.toString(), at: a.occurredAt, action: a.action, text: describeCaseActivity({ action: a.action, actor: actorName(a), data: a.data }, people) })),
  };
}

export type ReviewCaseDetail = NonNullable<Awaited<ReturnType<typeof getReviewCase>>>;

/** The review case a draft was started from; null for other drafts. */
export async function getDraftReviewOrigin(db: Db, draftId: string): Promise<{ id: string; action: string | null; reason: string; status: ReviewStatus } | null> {
  const draft = await db.policyDraft.findUnique({ where: { id: draftId }, select: { reviewCase: { select: { id: true, action: true, reason: true, status: true } } } });
  return draft?.reviewCase ?? null;
}
