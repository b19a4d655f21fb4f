import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AssignForm, LabelToggles, NoteForm, ResolveForm, StartDraftForm } from "@/components/reviews/case-forms";
import { ReviewLabelBadges, ReviewStatusBadge } from "@/components/reviews/review-badges";
import { Badge, TIER_TONES } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatDateTime, formatMoney, formatRelative } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getPolicyLabels, labelOf } from "@/lib/policy/policy-labels";
import { getReviewCase } from "@/lib/reviews/queries";
import { caseReason, REVIEW_SOURCE_NAMES, REVIEW_STATUS_NAMES } from "@/lib/reviews/schemas";

export const metadata: Metadata = { title: "Review case" };

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-600">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

export default async function ReviewCasePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePermission("reviews:read");
  if (!/^rev_[A-Za-z0-9_-]{1,60}$/.test(id)) notFound();
  const [c, labels] = await Promise.all([getReviewCase(getPrisma(), id), getPolicyLabels(getPrisma())]);
  if (!c) notFound();
  const now = new Date();
  const canWork = can(actor.roles, "reviews:work");
  const canDraft = canWork && can(actor.roles, "policy:review");
  const closed = c.status === "resolved" || c.status === "dismissed";
  const d = c.decision;

  return (
    <>
      <PageHeader
        title={caseReason(c.source, c.reason)}
        description={
          <>
            Case <span className="font-mono">{c.id}</span>, {REVIEW_SOURCE_NAMES[c.source]}, opened {formatRelative(c.createdAt, now)} ({formatDateTime(c.createdAt)}).{" "}
            <Link href="/reviews" className="underline">
              Back to the inbox
            </Link>
          </>
        }
        actions={<ReviewStatusBadge status={c.status} />}
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          <Card title="The case">
            <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-1 text-sm">
              <Row term="Source">{REVIEW_SOURCE_NAMES[c.source]}</Row>
              <Row term="Reason">{caseReason(c.source, c.reason)}</Row>
              {c.detail ? <Row term="Agent's note">“{c.detail}”</Row> : null}
              <Row term="Action">{c.action ? <span title={c.action}>{labelOf(labels, "action", c.action)}</span> : "—"}</Row>
              <Row term="Tier">{c.tier ? <Badge tone={TIER_TONES[c.tier] ?? "neutral"}>{labelOf(labels, "tier", c.tier)}</Badge> : "—"}</Row>
              <Row term="Agent">{c.agent ?? "—"}</Row>
              <Row term="Conversation">{c.conversationId ? <span className="font-mono text-xs">{c.conversationId}</span> : "—"}</Row>
              <Row term="Assignee">{c.assignee ? (c.assignee.id === actor.id ? `${c.assignee.name} (you)` : c.assignee.name) : "unassigned"}</Row>
              <Row term="Labels">
                <ReviewLabelBadges labels={c.labels} />
              </Row>
              {closed ? (
                <Row term={c.status === "resolved" ? "Resolved" : "Dismissed"}>
                  {c.resolution} <span className="text-xs text-slate-500">({c.resolvedBy?.name ?? "system"}, {c.resolvedAt ? formatDateTime(c.resolvedAt) : "—"})</span>
                </Row>
              ) : null}
            </dl>
          </Card>

          <Card title="The decision">
            {d ? (
              <div className="space-y-3 text-sm">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium" title={d.action}>{labelOf(labels, "action", d.action)}</span>
                  <span className="tabular-nums">{formatMoney(d.amount, d.currency)}</span>
                  <Badge tone="brand">{d.decision}</Badge>
                  <Badge>{d.status.replaceAll("_", " ")}</Badge>
                  {d.tier ? <Badge tone={TIER_TONES[d.tier] ?? "neutral"}>{labelOf(labels, "tier", d.tier)}</Badge> : null}
                </p>
                <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-1">
                  <Row term="Customer">{d.customerId ?? "—"}</Row>
                  <Row term="Intent">{d.intent ? <span title={d.intent}>{labelOf(labels, "intent", d.intent)}</span> : "—"}</Row>
                  <Row term="Owner">{d.owner ? <span title={d.owner}>{labelOf(labels, "owner", d.owner)}</span> : "—"}</Row>
                  <Row term="Agent">{d.agent}</Row>
                  {d.summary ? <Row term="Conversation">“{d.summary}”</Row> : null}
                  <Row term="Why">{d.reasons.map((r) => r.message).join("; ")}</Row>
                  <Row term="Outcomes">{d.outcomes.length ? d.outcomes.map((o) => `${o.status}${o.externalRef ? ` (${o.externalRef})` : ""} ${formatDateTime(o.createdAt)}`).join(" → ") : "none reported"}</Row>
                  <Row term="Decided">
                    {formatDateTime(d.createdAt)} under policy version {d.policyVersion ?? "—"}
                  </Row>
                </dl>
                <Link href={`/history/${d.id}`} className="inline-block font-medium text-brand-700 underline underline-offset-2">
                  See the whole lineage of {d.id}
                </Link>
              </div>
            ) : (
              <p className="text-sm text-slate-600">This case is not tied to a decision (the agent flagged a conversation).</p>
            )}
          </Card>

          <Card title="Notes">
            {c.notes.length === 0 ? (
              <p className="mb-3 text-sm text-slate-600">No notes yet.</p>
            ) : (
              <ol className="mb-4 space-y-3" aria-label="Notes thread">
                {c.notes.map((n) => (
                  <li key={n.id} className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2">
                    <p className="text-xs text-slate-500">
                      <span className="font-medium text-slate-700">{n.author.name}</span> · <time dateTime={n.createdAt.toISOString()}>{formatDateTime(n.createdAt)}</time>
                    </p>
                    <p className="mt-1 text-sm whitespace-pre-wrap text-slate-900">{n.body}</p>
                  </li>
                ))}
              </ol>
            )}
            {canWork ? <NoteForm caseId={c.id} /> : null}
          </Card>

          <Card title="Activity">
            <ol className="space-y-1 text-sm" aria-label="Case activity">
              <li className="text-slate-700">
                <time className="text-xs text-slate-500">{formatDateTime(c.createdAt)}</time> opened ({REVIEW_SOURCE_NAMES[c.source]})
              </li>
              {c.trail.map((a) => (
                <li key={a.id} className="text-slate-700">
                  <time className="text-xs text-slate-500">{formatDateTime(a.at)}</time> <span title={a.action}>{a.text}</span>
                </li>
              ))}
            </ol>
          </Card>
        </div>

        <aside className="space-y-6">
          {canWork ? (
            <Card title="Work on this case">
              <div className="space-y-4">
                <AssignForm caseId={c.id} mine={c.assignee?.id === actor.id} assignee={c.assignee?.name ?? null} closed={closed} />
                <LabelToggles caseId={c.id} labels={c.labels} />
              </div>
            </Card>
          ) : (
            <Card title="Read-only">
              <p className="text-sm text-slate-600">Your roles can read cases. Working on them (assigning, labelling, notes, closing) needs a supervisor, committee, CX lead or administrator.</p>
            </Card>
          )}
          {canWork && !closed ? (
            <Card title="Close the case">
              <ResolveForm caseId={c.id} hasLabels={c.labels.length > 0} />
            </Card>
          ) : null}
          {closed ? (
            <Card title={`This case is ${REVIEW_STATUS_NAMES[c.status]}`}>
              <p className="text-sm text-slate-700">{c.resolution}</p>
            </Card>
          ) : null}
          <Card title="Change the policy">
            {canDraft ? (
              <StartDraftForm caseId={c.id} action={c.action} actionLabel={labelOf(labels, "action", c.action)} />
            ) : (
              <p className="text-sm text-slate-600">
                Starting a policy draft needs a policy role (CX lead, oversight committee or administrator).{canWork ? " Label the case “policy gap” and leave a note so they pick it up." : ""}
              </p>
            )}
            {c.drafts.length ? (
              <div className="mt-3">
                <p className="text-sm font-medium text-slate-700">Drafts started from this case</p>
                <ul className="mt-1 space-y-1 text-sm" aria-label="Drafts from this case">
                  {c.drafts.map((draft) => (
                    <li key={draft.id}>
                      <Link href={`/drafts/${draft.id}`} className="underline underline-offset-2">
                        {draft.title}
                      </Link>{" "}
                      {draft.publishedVersion !== null ? (
                        <Badge tone="success">changed in version {draft.publishedVersion}</Badge>
                      ) : (
                        <Badge>{draft.status.replace("_", " ")}</Badge>
                      )}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </Card>
        </aside>
      </div>
    </>
  );
}
