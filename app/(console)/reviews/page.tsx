import type { Metadata } from "next";
import Link from "next/link";
import { FilterSelect } from "@/components/data-table/filter-fields";
import { KeysetPager } from "@/components/data-table/keyset-pager";
import { ReviewInbox, type InboxRow } from "@/components/reviews/review-inbox";
import { EmptyState } from "@/components/ui/empty-state";
import { formatRelative } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { isAppError, type FieldError } from "@/lib/errors";
import { ReviewSource } from "@/lib/generated/prisma/enums";
import { getPolicyLabels, labelOf, labelOptions, type PolicyLabels } from "@/lib/policy/policy-labels";
import { fieldErrors } from "@/lib/validation";
import { listReviewCases, listReviewFacets } from "@/lib/reviews/queries";
import {
  caseReason,
  readReviewListParams,
  REVIEW_LABEL_NAMES,
  REVIEW_LABELS,
  REVIEW_PAGE_SIZES,
  REVIEW_SOURCE_NAMES,
  reviewListQuerySchema,
  reviewsHref,
  type ReviewListParams,
} from "@/lib/reviews/schemas";

export const metadata: Metadata = { title: "Reviews" };

const STATUS_OPTIONS = [
  { value: "active", label: "Open or in review" },
  { value: "open", label: "Open" },
  { value: "in_review", label: "In review" },
  { value: "resolved", label: "Resolved" },
  { value: "dismissed", label: "Dismissed" },
  { value: "all", label: "Any status" },
];

function Filters({ params, facets, labels, errors }: { params: ReviewListParams; facets: Awaited<ReturnType<typeof listReviewFacets>>; labels: PolicyLabels; errors: Record<string, string> }) {
  const active = Object.keys(params).some((k) => k !== "sort" && k !== "size" && k !== "cursor");
  return (
    <form key={reviewsHref(params)} action="/reviews" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter the inbox">
      <FilterSelect name="status" label="Status" value={params.status ?? "active"} options={STATUS_OPTIONS} anyLabel={null} error={errors.status} />
      <FilterSelect
        name="assignee"
        label="Assignee"
        value={params.assignee ?? "anyone"}
        options={[
          { value: "anyone", label: "Anyone" },
          { value: "me", label: "Me" },
          { value: "unassigned", label: "Unassigned" },
        ]}
        anyLabel={null}
        error={errors.assignee}
      />
      <FilterSelect name="source" label="Source" value={params.source} options={Object.values(ReviewSource).map((s) => ({ value: s, label: REVIEW_SOURCE_NAMES[s] }))} error={errors.source} />
      <FilterSelect name="label" label="Label" value={params.label} options={REVIEW_LABELS.map((l) => ({ value: l, label: REVIEW_LABEL_NAMES[l] }))} error={errors.label} />
      <FilterSelect name="action" label="Action" value={params.action} options={labelOptions(labels, "action", facets.actions)} error={errors.action} />
      <FilterSelect name="tier" label="Tier" value={params.tier} options={labelOptions(labels, "tier", facets.tiers)} error={errors.tier} />
      <FilterSelect name="agent" label="Agent" value={params.agent} options={facets.agents} error={errors.agent} />
      {params.view ? <input type="hidden" name="view" value={params.view} /> : null}
      {params.sort ? <input type="hidden" name="sort" value={params.sort} /> : null}
      {params.size ? <input type="hidden" name="size" value={params.size} /> : null}
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm">
        Filter
      </button>
      {active ? (
        <Link href="/reviews" className="text-sm underline underline-offset-2">
          Clear
        </Link>
      ) : null}
    </form>
  );
}

/** Saved views: policy owners find the policy-gap cases that still wait for their change, resolved or not. */
function Views({ params }: { params: ReviewListParams }) {
  const views = [
    { key: undefined, label: "Inbox", href: "/reviews" },
    { key: "policy_change", label: "Waiting for a policy change", href: reviewsHref({ view: "policy_change", status: "all" }) },
  ];
  return (
    <nav aria-label="Inbox views" className="mb-4 flex flex-wrap gap-2 border-b border-slate-200">
      {views.map((view) => {
        const current = params.view === view.key;
        return (
          <Link
            key={view.label}
            href={view.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${current ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {view.label}
          </Link>
        );
      })}
    </nav>
  );
}

function errorMap(errors: FieldError[]): Record<string, string> {
  return Object.fromEntries(errors.map((e) => [e.path || "form", e.message]));
}

export default async function ReviewsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePermission("reviews:read");
  const params = readReviewListParams(await searchParams);
  const db = getPrisma();
  const [facets, labels] = await Promise.all([listReviewFacets(db), getPolicyLabels(db)]);
  const header = (
    <PageHeader
      title="Edge-case reviews"
      description={
        <>
          Cases opened by agents, rejected or expired holds, failed or reverted outcomes, refused reports, limit breaches and sampled decisions.
          <span className="hidden sm:inline"> Keys: j / k to move, x to select, Enter to open.</span>
        </>
      }
    />
  );

  const parsed = reviewListQuerySchema.safeParse(params);
  let problem: { message: string; errors: Record<string, string> } | null = parsed.success ? null : { message: "Some filters are invalid: fix them or clear the filters.", errors: errorMap(fieldErrors(parsed.error)) };
  let page: Awaited<ReturnType<typeof listReviewCases>> | null = null;
  if (parsed.success) {
    try {
      page = await listReviewCases(db, actor.id, parsed.data);
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      problem = { message: error.message, errors: errorMap(error.errors ?? []) };
    }
  }
  if (!page || !parsed.success) {
    return (
      <>
        {header}
        <Views params={params} />
        <Filters params={params} facets={facets} labels={labels} errors={problem?.errors ?? {}} />
        <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {problem?.message}{" "}
          <Link href="/reviews" className="font-medium underline">
            Show the inbox without filters
          </Link>
        </div>
      </>
    );
  }

  const query = parsed.data;
  const now = new Date();
  const rows: InboxRow[] = page.rows.map((r) => ({
    id: r.id,
    source: r.source,
    reason: caseReason(r.source, r.reason),
    action: r.action,
    actionLabel: labelOf(labels, "action", r.action),
    tier: r.tier,
    tierLabel: labelOf(labels, "tier", r.tier),
    agent: r.agent,
    createdAt: r.createdAt,
    age: formatRelative(new Date(r.createdAt), now).replace(" ago", ""),
    assignee: r.assignee ? (r.assignee.id === actor.id ? `${r.assignee.name} (you)` : r.assignee.name) : null,
    status: r.status,
    labels: r.labels,
    draft: r.draft,
  }));
  const filtered = Object.keys(params).some((k) => k !== "sort" && k !== "size" && k !== "cursor");
  const first = !params.cursor;

  return (
    <>
      {header}
      <Views params={params} />
      {query.view === "policy_change" ? (
        <p className="mb-3 text-sm text-slate-700">Cases labelled “policy gap” whose policy change is not published yet, whatever their status. Start a draft from a case: it is listed here until that draft is published.</p>
      ) : null}
      <Filters params={params} facets={facets} labels={labels} errors={{}} />
      {page.total === 0 && first && !filtered ? (
        <EmptyState title="The review inbox is empty">
          Cases open here when an agent flags an edge case, a hold is rejected or expires, an outcome fails or is reverted, a limit is breached, or a decision is sampled for review.
        </EmptyState>
      ) : (
        // A filtered view that empties (say, after a bulk dismiss) keeps its table, so the bulk
        // bar and its result message stay on screen.
        <ReviewInbox
          rows={rows}
          sort={query.sort}
          sortHrefs={{ newest: reviewsHref(params, { sort: undefined, cursor: undefined }), oldest: reviewsHref(params, { sort: "oldest", cursor: undefined }) }}
          canWork={can(actor.roles, "reviews:work")}
          emptyMessage={first && query.view === "policy_change" ? "No policy-gap case is waiting: every change they asked for is published." : first ? "No case matches these filters. Try “Any status”, or clear the filters." : "No more cases on this page: go back to the first page."}
          pagination={
            <KeysetPager
              label="Review pages"
              summary={
                <span aria-live="polite">
                  {page.total.toLocaleString("en-US")} matching case{page.total === 1 ? "" : "s"}, {rows.length} on this page
                </span>
              }
              prevHref={page.prevCursor ? reviewsHref(params, { cursor: page.prevCursor }) : null}
              nextHref={page.nextCursor ? reviewsHref(params, { cursor: page.nextCursor }) : null}
              firstHref={first ? null : reviewsHref(params, { cursor: undefined })}
              pageSize={query.size}
              sizeHrefs={REVIEW_PAGE_SIZES.map((s) => ({ size: Number(s), href: reviewsHref(params, { size: s === "50" ? undefined : s, cursor: undefined }) }))}
            />
          }
        />
      )}
    </>
  );
}
