import type { Metadata } from "next";
import Link from "next/link";
import { FilterSelect, FilterText } from "@/components/data-table/filter-fields";
import { KeysetPager } from "@/components/data-table/keyset-pager";
import { HistoryTable, type HistoryTableRow } from "@/components/history/history-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { isAppError, type FieldError } from "@/lib/errors";
import { DecisionKind, DecisionStatus } from "@/lib/generated/prisma/enums";
import { historyHref, historyQuerySchema, PAGE_SIZES, readHistoryParams, timeWindow, type HistoryParams } from "@/lib/history/history-filters";
import { countHistory, listHistoryPage, type HistoryCount } from "@/lib/history/queries";
import { getPolicyLabels, labelOf, labelOptions, type PolicyLabels } from "@/lib/policy/policy-labels";
import { fieldErrors } from "@/lib/validation";

export const metadata: Metadata = { title: "History" };

type Option = { value: string; label: string };
type Facets = { actions: Option[]; tiers: Option[]; owners: Option[]; agents: { id: string; name: string }[]; labels: PolicyLabels };

async function loadFacets(): Promise<Facets> {
  const db = getPrisma();
  const [labels, agents] = await Promise.all([getPolicyLabels(db), db.agent.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } })]);
  return { actions: labelOptions(labels, "action"), tiers: labelOptions(labels, "tier"), owners: labelOptions(labels, "owner"), agents, labels };
}

const FILTER_NAMES = ["range", "from", "to", "action", "agent", "decision", "status", "tier", "owner", "customer", "min", "max"] as const;

function Filters({ params, facets, errors, impliedRange }: { params: HistoryParams; facets: Facets; errors: Record<string, string>; impliedRange?: string | null }) {
  const custom = !params.range && Boolean(params.from || params.to);
  const agentOptions = facets.agents.map((a) => ({ value: a.name, label: a.name }));
  const byId = facets.agents.find((a) => a.id === params.agent);
  if (byId) agentOptions.unshift({ value: byId.id, label: byId.name });
  return (
    <form key={historyHref("/history", params)} action="/history" className="mb-4 space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Filter decisions">
      {/* When and in what order, then what, then who and how much; tops aligned so an error under one field moves nothing else. */}
      <div className="flex flex-wrap items-start gap-3">
        <FilterSelect
          name="range"
          label="Time range"
          value={custom ? "" : (params.range ?? impliedRange ?? undefined)}
          anyLabel={custom ? "Custom (from / to)" : "Any time"}
          options={[
            { value: "24h", label: "Last 24 hours" },
            { value: "7d", label: "Last 7 days" },
            { value: "30d", label: "Last 30 days" },
            { value: "90d", label: "Last 90 days" },
          ]}
          error={errors.range}
        />
        <FilterText name="from" label="From (UTC)" value={params.range ? undefined : params.from} placeholder="2026-11-01" error={errors.from} width="w-44" />
        <FilterText name="to" label="To (UTC)" value={params.range ? undefined : params.to} placeholder="2026-11-30T18:00Z" error={errors.to} width="w-44" />
        <FilterSelect
          name="sort"
          label="Sort by"
          value={params.sort ?? "created_at"}
          anyLabel={null}
          options={[
            { value: "created_at", label: "Time" },
            { value: "amount", label: "Amount" },
          ]}
          error={errors.sort}
        />
        <FilterSelect
          name="dir"
          label="Order"
          value={params.dir ?? "desc"}
          anyLabel={null}
          options={[
            { value: "desc", label: "Newest / largest first" },
            { value: "asc", label: "Oldest / smallest first" },
          ]}
          error={errors.dir}
        />
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <FilterSelect name="action" label="Action" value={params.action} options={facets.actions} error={errors.action} />
        <FilterSelect name="agent" label="Agent" value={params.agent} options={agentOptions} error={errors.agent} />
        <FilterSelect name="decision" label="Decision" value={params.decision} options={Object.values(DecisionKind).map((d) => ({ value: d, label: d.replaceAll("_", " ") }))} error={errors.decision} />
        <FilterSelect name="status" label="Status" value={params.status} options={Object.values(DecisionStatus).map((s) => ({ value: s, label: s.replaceAll("_", " ") }))} error={errors.status} />
        <FilterSelect name="tier" label="Tier" value={params.tier} options={facets.tiers} error={errors.tier} />
        <FilterSelect name="owner" label="Owner" value={params.owner} options={facets.owners} error={errors.owner} />
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <FilterText name="customer" label="Customer id" value={params.customer} placeholder="cus_8841" error={errors.customer} />
        <FilterText name="min" label="Amount from" value={params.min} placeholder="0" error={errors.min} width="w-28" />
        <FilterText name="max" label="Amount to" value={params.max} placeholder="500" error={errors.max} width="w-28" />
        {params.size ? <input type="hidden" name="size" value={params.size} /> : null}
        <button type="submit" className="mt-5 rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700">
          Apply filters
        </button>
        {FILTER_NAMES.some((n) => params[n]) ? (
          <Link href="/history" className="mt-6 text-sm underline underline-offset-2">
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}

function CountText({ count }: { count: HistoryCount }) {
  if (count.exact) return <>{count.value.toLocaleString("en-US")} matching</>;
  return (
    <>
      Many matching{" "}
      <span className="text-slate-500">
        (about {new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 2 }).format(count.estimate)} by the database&apos;s estimate: too many to count exactly on every page; narrow the time range for an exact number)
      </span>
    </>
  );
}

// The filter each error is about, as the form labels it (the address's names mean nothing to most readers).
const FILTER_LABELS: Record<string, string> = {
  range: "Time range",
  from: "From",
  to: "To",
  action: "Action",
  agent: "Agent",
  decision: "Decision",
  status: "Status",
  tier: "Tier",
  owner: "Owner",
  customer: "Customer id",
  min: "Amount from",
  max: "Amount to",
  sort: "Sort by",
  dir: "Order",
  size: "Per page",
  cursor: "Page",
  form: "Filters",
};

function errorMap(errors: FieldError[]): Record<string, string> {
  return Object.fromEntries(errors.map((e) => [e.path || "form", e.message]));
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("history:read");
  const params = readHistoryParams(await searchParams);
  const facets = await loadFacets();
  const header = <PageHeader title="Action history" description="Every decision agents asked for, with the policy version that made it. Filters live in the address, so any view can be shared or linked." />;

  const parsed = historyQuerySchema.safeParse(params);
  let problem: { message: string; errors: Record<string, string> } | null = parsed.success ? null : { message: "Some filters are invalid.", errors: errorMap(fieldErrors(parsed.error)) };
  let result: [Awaited<ReturnType<typeof listHistoryPage>>, HistoryCount] | null = null;
  const now = new Date();
  if (parsed.success) {
    try {
      const db = getPrisma();
      result = await Promise.all([listHistoryPage(db, parsed.data, now), countHistory(db, parsed.data, now)]);
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      problem = { message: error.message, errors: errorMap(error.errors ?? []) };
    }
  }
  if (!parsed.success || !result) {
    return (
      <>
        {header}
        <Filters params={params} facets={facets} errors={problem?.errors ?? {}} />
        <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          <p className="font-medium">{problem?.message}</p>
          <ul className="mt-1 list-disc pl-5">
            {Object.entries(problem?.errors ?? {}).map(([field, message]) => (
              <li key={field}>
                <span className="font-medium">{FILTER_LABELS[field] ?? field}</span>: {message}
              </li>
            ))}
          </ul>
          <Link href="/history" className="mt-1 inline-block font-medium underline">
            Show all decisions
          </Link>
        </div>
      </>
    );
  }

  const query = parsed.data;
  const [page, count] = result;
  const window = timeWindow(query, now);
  const first = !params.cursor;
  const rows: HistoryTableRow[] = page.rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    action: r.action,
    actionLabel: labelOf(facets.labels, "action", r.action),
    decision: r.decision,
    status: r.status,
    tier: r.tier,
    tierLabel: labelOf(facets.labels, "tier", r.tier),
    owner: r.owner,
    ownerLabel: labelOf(facets.labels, "owner", r.owner),
    amount: r.amount,
    currency: r.currency,
    customerId: r.customerId,
    agent: r.agent,
    policyVersion: r.policyVersion,
  }));
  const reset = { cursor: undefined };
  const sortHref = (sort: "created_at" | "amount", dir: "asc" | "desc") => historyHref("/history", params, { ...reset, sort: sort === "created_at" ? undefined : sort, dir: dir === "desc" ? undefined : dir });
  const exportHref = historyHref("/history/export", params, { cursor: undefined, size: undefined });
  const empty = count.exact ? count.value === 0 : rows.length === 0 && first;

  return (
    <>
      {header}
      <Filters params={params} facets={facets} errors={{}} impliedRange={window.implied ? window.range : null} />
      {window.implied ? (
        <p role="note" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Sorting by amount looks at the last 30 days unless you choose a time range: amounts are not indexed, so sorting all of history by amount would read every decision.
        </p>
      ) : null}
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm font-medium text-slate-900" aria-live="polite" data-testid="history-count">
          <CountText count={count} />
        </p>
        {empty ? null : (
          <a href={exportHref} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:border-brand-600">
            Export CSV
          </a>
        )}
      </div>
      {empty ? (
        <EmptyState title="No decisions match">
          {FILTER_NAMES.some((n) => params[n]) ? (
            <>
              Widen the time range or <Link href="/history" className="underline">clear the filters</Link>.
            </>
          ) : (
            "Decisions appear here as soon as an agent calls the decision API with its key."
          )}
        </EmptyState>
      ) : (
        <HistoryTable
          rows={rows}
          sort={query.sort}
          dir={query.dir}
          sortHrefs={{ created_at: { asc: sortHref("created_at", "asc"), desc: sortHref("created_at", "desc") }, amount: { asc: sortHref("amount", "asc"), desc: sortHref("amount", "desc") } }}
          pagination={
            <KeysetPager
              label="History pages"
              summary={<>{rows.length} on this page</>}
              prevHref={page.prevCursor ? historyHref("/history", params, { cursor: page.prevCursor }) : null}
              nextHref={page.nextCursor ? historyHref("/history", params, { cursor: page.nextCursor }) : null}
              firstHref={first ? null : historyHref("/history", params, reset)}
              pageSize={query.size}
              sizeHrefs={PAGE_SIZES.map((size) => ({ size, href: historyHref("/history", params, { ...reset, size: size === 50 ? undefined : String(size) }) }))}
            />
          }
        />
      )}
    </>
  );
}
