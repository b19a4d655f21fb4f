import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DiscardButton, RemoveItemButton, ReviewForm, SubmitForm } from "@/components/policy/draft-controls";
import { PolicyDiffView } from "@/components/policy/policy-diff-view";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { describeToolName } from "@/lib/policy/describe";
import { diffPolicy } from "@/lib/policy/diff-policy";
import type { PolicyDocument, ToolMapping } from "@/lib/policy/document-schema";
import { getDraft, listActiveReviewers } from "@/lib/policy/draft-queries";
import { isListSection, LIST_SECTIONS, type ListSection } from "@/lib/policy/edit-draft";
import { canEditSection, policySection } from "@/lib/policy/sections";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { approvalSatisfied, reviewRequirements, unreachableRequirements } from "@/lib/policy/review-requirements";
import { ShadowCard } from "@/components/simulation/shadow-card";
import { SimulateCard } from "@/components/simulation/simulate-card";
import { summarizeImpact } from "@/components/simulation/describe-impact";
import { getCompletedSimulation, getLatestSimulation, getShadowSummary } from "@/lib/simulation/queries";
import { getDraftReviewOrigin } from "@/lib/reviews/queries";
import { isUuid } from "@/lib/validation";

export const metadata: Metadata = { title: "Draft" };

function itemsOf(document: PolicyDocument, section: ListSection): { key: string; title: string }[] {
  const { keyOf } = LIST_SECTIONS[section];
  // A forbidden action is named by its action's label when the policy has one (it need not).
  const actionLabels = new Map(document.actions.map((a) => [a.key, a.label]));
  // Versions stored before the tools section existed have none.
  return ((document[section] ?? []) as unknown as Record<string, unknown>[]).map((item) => {
    const key = keyOf(item);
    if (section === "tools") {
      const mapping = item as unknown as ToolMapping;
      return { key, title: `${describeToolName(mapping)} counts as ${actionLabels.get(mapping.action) ?? mapping.action}` };
    }
    return { key, title: String(item.label ?? item.name ?? actionLabels.get(key) ?? key) };
  });
}

export default async function DraftPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ section?: string }> }) {
  const [{ id }, { section: focus }] = await Promise.all([params, searchParams]);
  const actor = await requirePermission("policy:read");
  if (!isUuid(id)) notFound();
  const db = getPrisma();
  const [draft, current, origin, reviewers] = await Promise.all([getDraft(db, id), getCurrentPolicy(db), getDraftReviewOrigin(db, id), listActiveReviewers(db)]);
  if (!draft) notFound();

  // A published draft keeps showing what it changed: against the version it replaced, not the one in force now (issue #23).
  const against = draft.published ? (draft.published.replaced?.document ?? null) : (current?.document ?? null);
  const diff = diffPolicy(against, draft.document);
  const requirements = reviewRequirements(against, draft.document);
  const approvals = draft.reviews.filter((r) => r.revision === draft.revision && r.verdict === "approve").map((r) => ({ userId: r.reviewerId, roles: r.roles }));
  const satisfied = approvalSatisfied(requirements, approvals, draft.authorId, draft.editors);
  const unreachable = draft.status === "published" || draft.status === "discarded" ? [] : unreachableRequirements(requirements, approvals, draft.authorId, draft.editors, reviewers);
  const editable = draft.status === "open" || draft.status === "in_review";
  const isAuthor = draft.authorId === actor.id;
  const canReview = draft.status === "in_review" && can(actor.roles, "policy:review") && !isAuthor && !draft.reviews.some((r) => r.reviewerId === actor.id && r.revision === draft.revision);
  const stale = current && draft.baseVersion && draft.baseVersion.version !== current.version;
  const [latestRun, simulated, shadow] = await Promise.all([getLatestSimulation(db, draft.id), getCompletedSimulation(db, draft.id, draft.revision), getShadowSummary(db, draft.id)]);
  // Whether this reviewer's approval would be the one that publishes: then the review form shows the impact, or asks to confirm without one.
  const publishes = canReview && approvalSatisfied(requirements, [...approvals, { userId: actor.id, roles: [...actor.roles] }], draft.authorId, draft.editors).ok;
  const canSimulate = editable && can(actor.roles, "policy:review");
  const diffTitle = draft.published
    ? draft.published.replaced
      ? `What version ${draft.published.version} changed against version ${draft.published.replaced.version}`
      : `What version ${draft.published.version}, the first, contained`
    : current
      ? `What changes against version ${current.version}`
      : "What this first version contains";
  // The approval that published it: the last one, on the revision that was published.
  const finalApproval = draft.published ? draft.reviews.filter((r) => r.verdict === "approve" && r.revision === draft.revision).at(-1) : undefined;

  // The sections this person may change come first, and the one they came to change ("Change this") above everything.
  const ordered = (Object.keys(LIST_SECTIONS) as ListSection[]).sort((a, b) => Number(canEditSection(actor.roles, b)) - Number(canEditSection(actor.roles, a)));
  const focused = editable && focus && isListSection(focus) && canEditSection(actor.roles, focus) ? focus : null;
  const rest = ordered.filter((section) => section !== focused);
  const renderSection = (section: ListSection) => {
    const canEdit = editable && canEditSection(actor.roles, section);
    const label = policySection(section).label;
    const items = itemsOf(draft.document, section);
    return (
      <section key={section} id={section} aria-label={label} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="mb-2 flex items-center justify-between">
          <h2 className="text-base font-semibold">{label}</h2>
          {canEdit ? (
            <Link href={`/drafts/${draft.id}/${section}`} className="text-sm font-medium text-brand-700 underline underline-offset-2">
              Add
            </Link>
          ) : (
            <span className="text-xs text-slate-500">{editable ? "read-only for your roles" : ""}</span>
          )}
        </div>
        {items.length === 0 ? (
          <p className="text-sm text-slate-600">None.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {items.map((item) => (
              <li key={item.key} className="flex flex-wrap items-center justify-between gap-2 py-1.5 text-sm">
                <span>
                  {item.title}
                  {item.title !== item.key ? <span className="font-mono text-xs text-slate-500"> {item.key}</span> : null}
                </span>
                {canEdit ? (
                  <span className="flex items-center gap-3">
                    <Link href={`/drafts/${draft.id}/${section}?key=${encodeURIComponent(item.key)}`} className="inline-block py-1 text-sm font-medium text-brand-700 underline underline-offset-2" aria-label={`Edit ${item.title}`}>
                      Edit
                    </Link>
                    <RemoveItemButton draftId={draft.id} revision={draft.revision} section={section} itemKey={item.key} label={item.title} />
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    );
  };

  return (
    <>
      <PageHeader
        title={draft.title}
        description={
          <>
            Draft by {draft.authorName}, revision {draft.revision}, last saved {formatDateTime(draft.updatedAt)}
            {draft.updatedByLabel ? ` by ${draft.updatedByLabel}` : ""}.
          </>
        }
        actions={<Badge tone={draft.status === "published" ? "success" : draft.status === "in_review" ? "warning" : "neutral"}>{draft.status.replace("_", " ")}</Badge>}
      />
      {origin ? (
        <p role="note" className="mb-4 rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm text-slate-800">
          Started from review case{" "}
          {can(actor.roles, "reviews:read") ? (
            <Link href={`/reviews/${origin.id}`} className="font-mono font-medium underline">
              {origin.id}
            </Link>
          ) : (
            <span className="font-mono">{origin.id}</span>
          )}
          : {origin.reason}.
          {origin.action && editable && canEditSection(actor.roles, "actions") && draft.document.actions.some((a) => a.key === origin.action) ? (
            <>
              {" "}
              <Link href={`/drafts/${draft.id}/actions?key=${encodeURIComponent(origin.action)}`} className="font-medium text-brand-700 underline underline-offset-2">
                Edit {origin.action} in this draft
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      {draft.published ? (
        <div role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          <p>
            Published as <Link href="/policy-versions" className="font-medium underline">version {draft.published.version}</Link> on {formatDateTime(draft.published.publishedAt)}
            {draft.published.approvedByName ? `, approved by ${draft.published.approvedByName}` : ""}.
          </p>
          {finalApproval?.comment ? <p className="mt-1">“{finalApproval.comment}”</p> : null}
          <p className="mt-1">
            <span className="font-medium">Why:</span> {draft.published.reason}
          </p>
        </div>
      ) : null}
      {stale && editable ? (
        <p role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Version {current.version} was published after this draft started from version {draft.baseVersion!.version}. The changes below are against version {current.version}: publishing would undo anything that version added and this draft lacks.
        </p>
      ) : null}
      <div className="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          {focused ? renderSection(focused) : null}
          <Card title={diffTitle}>
            <PolicyDiffView diff={diff} />
          </Card>
          {editable || latestRun ? <SimulateCard key={latestRun?.id ?? "none"} draftId={draft.id} revision={draft.revision} inForceVersion={current?.version ?? null} canRun={canSimulate} initial={latestRun} /> : null}
          {shadow && (editable || shadow.evaluated > 0) ? <ShadowCard initial={shadow} canToggle={canSimulate} /> : null}
          {rest.map(renderSection)}
        </div>
        <aside className="space-y-6">
          <Card title="Review">
            <p className="text-sm text-slate-700">{draft.published ? "Publishing it needed:" : requirements.reasons.length ? "Before it can be published:" : "Publishing needs a second person."}</p>
            {requirements.reasons.length ? (
              <ul className="mt-1 list-disc pl-5 text-sm text-slate-700">
                {requirements.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            ) : null}
            <ul className="mt-3 space-y-2 text-sm" aria-label="Reviews">
              {draft.reviews.map((r) => (
                <li key={r.id}>
                  <Badge tone={r.verdict === "approve" ? "success" : "warning"}>{r.verdict === "approve" ? "approved" : "sent back"}</Badge> {r.reviewer.name} ({r.roles.join(", ")}), rev {r.revision}
                  {r.comment ? `: ${r.comment}` : ""}
                </li>
              ))}
            </ul>
            {draft.status === "in_review" && !satisfied.ok ? <p className="mt-2 text-sm text-amber-800">Still needed: {satisfied.missing.join("; ")}.</p> : null}
            {unreachable.map((line) => (
              <p key={line} role="alert" className="mt-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
                {line}
              </p>
            ))}
            {draft.reason ? <p className="mt-3 text-sm"><span className="font-medium">Reason:</span> {draft.reason}</p> : null}
            <div className="mt-4 space-y-4">
              {draft.status === "open" && can(actor.roles, "policy:review") ? <SubmitForm draftId={draft.id} revision={draft.revision} reason={draft.reason} /> : null}
              {canReview ? (
                <ReviewForm draftId={draft.id} revision={draft.revision} publication={{ publishes, simulated: simulated !== null, impact: simulated?.impact ? summarizeImpact(simulated.impact, current?.version ?? null) : null }} />
              ) : null}
              {draft.status === "in_review" && isAuthor ? <p className="text-sm text-slate-600">Waiting for someone else to review: authors never approve their own drafts.</p> : null}
              {editable && (isAuthor || can(actor.roles, "policy:discard_any_draft")) ? <DiscardButton draftId={draft.id} /> : null}
            </div>
          </Card>
        </aside>
      </div>
    </>
  );
}
