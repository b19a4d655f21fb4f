import type { Metadata } from "next";
import Link from "next/link";
import { FilterText } from "@/components/data-table/filter-fields";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getEnv } from "@/lib/env";
import { getKeyStore } from "@/lib/keys/current-key-store";
import { getEvidencePreview, getLatestSeal } from "@/lib/evidence/queries";
import { evidencePeriodInput, MAX_PERIOD_DAYS, type EvidencePeriod } from "@/lib/evidence/schemas";
import { retentionCutoff } from "@/lib/retention/retention-window";
import { fieldErrors } from "@/lib/validation";

export const metadata: Metadata = { title: "Evidence" };

// Whole UTC days ending today, so the fields show them as the dates they are.
const QUICK = [
  { label: "Today", days: 1 },
  { label: "Last 7 days", days: 7 },
  { label: "Last 30 days", days: 30 },
  { label: "Last 90 days", days: 90 },
] as const;

const DAY_MS = 86_400_000;
const dateOf = (instant: Date) => instant.toISOString().slice(0, 10);
const isMidnight = (instant: Date) => instant.getTime() % DAY_MS === 0;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() || undefined;

/** The form's values for a period: its first day and its last day included (a period given as instants shows the days it touches). */
function periodFields(period: EvidencePeriod): { from: string; through: string } {
  return { from: dateOf(period.from), through: dateOf(new Date(period.to.getTime() - 1)) };
}

function periodQuery(period: EvidencePeriod): string {
  return new URLSearchParams({ from: period.from.toISOString(), to: period.to.toISOString() }).toString();
}

export default async function EvidencePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("audit:read");
  const raw = await searchParams;
  const input = { from: first(raw.from), to: first(raw.to), through: first(raw.through) };
  const asked = Boolean(input.from || input.to || input.through);
  const parsed = asked ? evidencePeriodInput.safeParse(input) : null;
  const errors = Object.fromEntries((parsed && !parsed.success ? fieldErrors(parsed.error) : []).map((e) => [e.path, e.message]));
  const period = parsed?.success ? parsed.data : null;

  const db = getPrisma();
  const clock = new Date();
  const [preview, seal] = await Promise.all([period ? getEvidencePreview(db, period, clock) : null, getLatestSeal(db)]);
  const retentionDays = getEnv().MANDATE_RETENTION_DAYS;
  const keys = getKeyStore().signing.map((key) => ({ kid: key.kid, createdAt: key.createdAt }));
  const today = dateOf(clock);
  // What the fields show: the period asked for as dates; what was typed when it did not parse.
  const fields = period ? periodFields(period) : { from: input.from, through: input.through };
  const partialDays = period !== null && !(isMidnight(period.from) && isMidnight(period.to));

  return (
    <>
      <PageHeader
        title="Evidence for auditors"
        description="One downloadable file per period with the decisions, approvals, outcomes and review cases, and the audit entries and seals that prove them. Auditors check it offline, without access to Mandate."
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Choose a period">
          <form action="/evidence" className="space-y-3" aria-label="Evidence period">
            <div className="flex flex-wrap items-end gap-3">
              <FilterText name="from" type="date" label="First day (UTC)" value={fields.from} error={errors.from} width="w-44" />
              <FilterText name="through" type="date" label="Last day (UTC, included)" value={fields.through} error={errors.through ?? errors.to} width="w-44" />
              <button type="submit" className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700">
                Preview
              </button>
            </div>
            <p className="text-xs text-slate-500">At most {MAX_PERIOD_DAYS} days per bundle; export longer periods in parts.</p>
            {partialDays ? <p className="text-xs text-slate-500">The period asked for starts or ends inside a day; the fields show the days it touches. Preview again to export whole days.</p> : null}
          </form>
          <ul className="mt-4 flex flex-wrap gap-2 text-sm" aria-label="Quick periods">
            {QUICK.map((q) => (
              <li key={q.label}>
                <Link
                  href={`/evidence?${new URLSearchParams({ from: dateOf(new Date(Date.parse(`${today}T00:00:00Z`) - (q.days - 1) * DAY_MS)), through: today }).toString()}`}
                  className="inline-block rounded-full border border-slate-300 px-3 py-1 text-slate-700 hover:border-brand-600 hover:text-brand-700"
                >
                  {q.label}
                </Link>
              </li>
            ))}
          </ul>
        </Card>

        {period && preview ? (
          <Card title="Bundle for this period">
            <p className="text-sm text-slate-700">
              {formatDateTime(period.from)} up to {formatDateTime(period.to)}
            </p>
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3" aria-label="Bundle contents">
              {[
                ["Decisions made", preview.decisions],
                ["Approvals decided", preview.approvalsDecided],
                ["Outcomes reported", preview.outcomes],
                ["Review cases opened", preview.reviewCases],
                ["Audit entries in the file", preview.auditEntries],
              ].map(([label, value]) => (
                <div key={label}>
                  <dt className="text-slate-500">{label}</dt>
                  <dd className="font-semibold tabular-nums text-slate-900" data-testid={label === "Audit entries in the file" ? "preview-audit-entries" : undefined}>
                    {Number(value).toLocaleString("en-US")}
                  </dd>
                </div>
              ))}
            </dl>
            <p className="mt-2 text-xs text-slate-600" data-testid="audit-entry-breakdown">
              Of the {preview.auditEntries.toLocaleString("en-US")} audit entries, {preview.auditEntriesInPeriod.toLocaleString("en-US")} occurred in the period; the others share a seal with
              those (or fall in the two-minute margin around it), and an auditor needs them to check the seals
              {period.to.getTime() > clock.getTime() ? ". The period reaches now: the count includes the entry that records your download; entries written before you download are added too" : ""}.
            </p>
            <a
              href={`/evidence/download?${periodQuery(period)}`}
              download
              className="mt-4 inline-block rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
            >
              Download evidence bundle
            </a>
            <p className="mt-2 text-xs text-slate-500">
              Gzip-compressed NDJSON. The audit entries are widened to whole seals, so the file may hold entries from just before or after the period. The download is recorded in the audit log.
            </p>
          </Card>
        ) : (
          <Card title="What is in a bundle">
            <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
              <li>Every decision made in the period, and earlier decisions the period&apos;s records refer to.</li>
              <li>Approvals with each person&apos;s vote, outcomes the agents reported, review cases with their notes.</li>
              <li>The audit entries of the period with the seals that chain them, anchored to the seal before.</li>
            </ul>
          </Card>
        )}

        <Card title="Verify a bundle offline">
          <p className="text-sm text-slate-700">
            Auditors check a bundle on their own machine with the{" "}
            <a href="/downloads/mandate-verify-evidence.mjs" download className="font-medium text-brand-700 underline">
              standalone verifier
            </a>{" "}
            (one file, Node.js 20 or later, no database, no network), against this server&apos;s signing key:
          </p>
          <pre className="mt-2 overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 text-xs text-slate-100">
            <code>node mandate-verify-evidence.mjs mandate-evidence_….ndjson.gz --fingerprint {keys[keys.length - 1]?.kid ?? "…"}</code>
          </pre>
          <p className="mt-2 text-sm text-slate-700">
            It recomputes every audit entry&apos;s hash and every seal&apos;s digest, checks each seal&apos;s signature and that the seals chain from the anchor to the head, and that every
            decision, approval, vote, outcome, review case and note has an audit entry about it, and names the first thing that does not hold.
          </p>
          <h3 className="mt-3 text-sm font-semibold text-slate-900">Signing keys</h3>
          <p className="text-xs text-slate-500">
            Give auditors a fingerprint by a channel other than the bundle (or the key set at{" "}
            <a href="/.well-known/jwks.json" className="underline">
              /.well-known/jwks.json
            </a>
            ). Older keys stay valid for what they signed.
          </p>
          <ul className="mt-1 space-y-1 text-sm" aria-label="Signing key fingerprints">
            {keys.map((key, i) => (
              <li key={key.kid}>
                <code className="font-mono text-xs break-all">{key.kid}</code>{" "}
                <span className="text-slate-500">
                  since {formatDateTime(new Date(key.createdAt))}
                  {i === keys.length - 1 ? " (current)" : ""}
                </span>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-sm text-slate-700">
            To tie a bundle to this server&apos;s log, compare its head seal with the latest seal here:{" "}
            {seal ? (
              <>
                seal <span className="font-medium">#{seal.id}</span>, sealed {formatDateTime(seal.sealedAt)},{" "}
                <code className="font-mono text-xs break-all" aria-label="Latest seal hash">
                  {seal.hash}
                </code>
              </>
            ) : (
              "no seal yet."
            )}
          </p>
        </Card>

        <Card title="Retention">
          <p className="text-sm text-slate-700">
            Raw decision records are kept at least <span className="font-medium">{retentionDays} days</span> (<code className="text-xs">MANDATE_RETENTION_DAYS</code>, never fewer than 183).
            Records made before {formatDateTime(retentionCutoff(clock, retentionDays))} may be pruned by an operator with{" "}
            <code className="text-xs">mandate retention prune --before &lt;date&gt;</code>, which refuses any date inside the window.
          </p>
          <p className="mt-2 text-sm text-slate-700">
            The audit log and its seals are never pruned: the chain keeps verifying, and a bundle of a pruned period still holds its audit entries, though not the raw records.
            Export the evidence you must keep before pruning.
          </p>
        </Card>
      </div>
    </>
  );
}
