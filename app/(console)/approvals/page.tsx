import type { Metadata } from "next";
import Link from "next/link";
import { LiveRefresh } from "@/components/approvals/live-refresh";
import { QueueKeyboard } from "@/components/approvals/queue-keyboard";
import { Badge, TIER_TONES } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatMoney, formatRelative } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { listApprovalQueue } from "@/lib/approvals/queries";
import { roleNames } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { listActiveStops } from "@/lib/stop-switches/queries";
import { describeStopForPeople, getStopCovering } from "@/lib/stop-switches/stop-covering";

export const metadata: Metadata = { title: "Approvals" };

type Search = { action?: string; tier?: string; agent?: string; owner?: string };

type Option = { value: string; label: string };
const plain = (values: string[]): Option[] => values.map((value) => ({ value, label: value }));

function Filter({ name, label, value, options }: { name: string; label: string; value?: string; options: Option[] }) {
  return (
    <div>
      <label htmlFor={`filter-${name}`} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={`filter-${name}`} name={name} defaultValue={value ?? ""} className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePermission("approvals:read");
  const filters = await searchParams;
  const db = getPrisma();
  const [policy, agents, stops] = await Promise.all([getCurrentPolicy(db), db.agent.findMany({ select: { name: true }, orderBy: { name: "asc" } }), listActiveStops(db)]);
  const doc = policy?.document;
  const tierOrder = doc?.risk_tiers.map((t) => t.key) ?? [];
  const labels = new Map(doc?.actions.map((a) => [a.key, a.label]) ?? []);
  const intents = new Map(doc?.intents.map((i) => [i.key, i.label]) ?? []);
  const owners = new Map(doc?.owners.map((o) => [o.key, o.name]) ?? []);
  const clean = Object.fromEntries(Object.entries(filters).filter(([, v]) => typeof v === "string" && v)) as Search;
  const items = await listApprovalQueue(db, clean, tierOrder);
  const now = new Date();
  const filtered = Object.keys(clean).length > 0;

  return (
    <>
      <LiveRefresh intervalMs={1000} />
      <QueueKeyboard />
      <PageHeader
        title="Approvals"
        description={
          <>
            Held actions: an agent is waiting with a customer. Highest tier first, then oldest. New items appear by themselves.
            <span className="hidden sm:inline"> Keys: j / k to move, Enter to open.</span>
          </>
        }
      />
      <form className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter the queue">
        <Filter name="action" label="Action" value={clean.action} options={doc?.actions.map((a) => ({ value: a.key, label: a.label })) ?? []} />
        <Filter name="tier" label="Tier" value={clean.tier} options={plain(tierOrder)} />
        <Filter name="agent" label="Agent" value={clean.agent} options={plain(agents.map((a) => a.name))} />
        <Filter name="owner" label="Owner" value={clean.owner} options={doc?.owners.map((o) => ({ value: o.key, label: o.name })) ?? []} />
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium">
          Filter
        </button>
        {filtered ? (
          <Link href="/approvals" className="text-sm underline underline-offset-2">
            Clear
          </Link>
        ) : null}
      </form>
      <p className="mb-2 text-sm text-slate-600" aria-live="polite">
        {items.length} waiting{filtered ? " (filtered)" : ""}
      </p>
      {items.length === 0 ? (
        <EmptyState title={filtered ? "Nothing matches these filters" : "No held actions are waiting"}>
          {filtered ? "Clear the filters to see every held action." : "When an agent asks for an action its tier holds for approval, it appears here within a second."}
        </EmptyState>
      ) : (
        <ul className="space-y-2" aria-label="Held actions">
          {items.map((item) => {
            const total = item.expiresAt.getTime() - item.createdAt.getTime();
            const left = item.expiresAt.getTime() - now.getTime();
            const urgent = left < total / 4;
            const stop = getStopCovering(stops, { agentName: item.agent, action: item.action });
            return (
              <li key={item.id}>
                <Link
                  href={`/approvals/${item.id}`}
                  data-queue-link
                  className={`block rounded-lg border bg-white p-4 shadow-sm hover:border-brand-600 focus:border-brand-600 ${urgent ? "border-amber-400 bg-amber-50" : "border-slate-200"}`}
                  aria-label={`${labels.get(item.action) ?? item.action}${item.amount === null ? "" : ` ${formatMoney(item.amount, item.currency)}`} for ${item.customerId ?? "unknown customer"}, ${item.tier ?? "no"} tier${stop ? ", stopped: cannot be approved now" : ""}`}
                >
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={TIER_TONES[item.tier ?? ""] ?? "neutral"}>{item.tier ?? "—"}</Badge>
                    <span className="font-medium">{labels.get(item.action) ?? item.action}</span>
                    {labels.has(item.action) ? <code className="text-xs text-slate-500">{item.action}</code> : null}
                    {item.amount === null ? null : <span className="tabular-nums">{formatMoney(item.amount, item.currency)}</span>}
                    <span className="text-sm text-slate-600">customer {item.customerId ?? "—"} · agent {item.agent}{item.intent ? ` · ${intents.get(item.intent) ?? item.intent}` : ""}</span>
                    {urgent ? <Badge tone="warning">expires {formatRelative(item.expiresAt, now)}</Badge> : null}
                    {stop ? <Badge tone="danger">stopped: cannot be approved now</Badge> : null}
                  </div>
                  {stop ? <p className="mt-1 text-sm text-rose-800">{describeStopForPeople(stop)} Approving is refused until it is lifted; rejecting is still possible.</p> : null}
                  {item.summary ? <p className="mt-1 text-sm text-slate-700">“{item.summary}”{item.confidence !== null ? ` (confidence ${Math.round(item.confidence * 100)}%)` : ""}</p> : null}
                  <p className="mt-1 text-sm text-slate-600">Held because: {item.reasons.map((r) => r.message).join("; ")}</p>
                  <p className="mt-1 text-xs text-slate-500">
                    Owner {item.owner ? (owners.get(item.owner) ?? item.owner) : "—"} · waiting {formatRelative(item.createdAt, now).replace(" ago", "")} · expires {formatRelative(item.expiresAt, now)} · {item.approvals} of {item.required} approvals ({roleNames(item.roles, " or ")})
                    {item.approvedBy.length ? `, approved by ${item.approvedBy.join(", ")}` : ""}
                  </p>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
