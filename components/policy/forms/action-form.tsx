"use client";

import { useState } from "react";
import type { Action, PolicyDocument } from "@/lib/policy/document-schema";
import { CLAUSE_FIELDS, CLAUSE_OPERATORS, conditionToRows, rowsToCondition, type ConditionRows } from "./condition-clauses";
import { Checks, Choice, LongText, SmallButton, Text } from "./inputs";
import { errorsUnder, ItemFormShell, type FieldErrors } from "./item-form-shell";

interface BandRow {
  rows: ConditionRows;
  tier: string;
}

interface LimitRow {
  scope: string;
  window: string;
  max_count: string;
  max_amount: string;
  on_exceed: string;
}

function toItem(state: { key: string; label: string; authority: string; owner: string; dataSources: string[]; bands: BandRow[]; limits: LimitRow[] }) {
  return {
    key: state.key.trim(),
    label: state.label.trim(),
    authority: state.authority,
    owner: state.owner,
    data_sources: state.dataSources,
    risk: state.bands.map((band) => {
      const condition = rowsToCondition(band.rows);
      return condition === undefined ? { tier: band.tier } : { if: condition, tier: band.tier };
    }),
    limits: state.limits.map((l) => ({
      scope: l.scope,
      window: l.window.trim(),
      ...(l.max_count.trim() ? { max_count: Number(l.max_count) } : {}),
      ...(l.max_amount.trim() ? { max_amount: l.max_amount.trim() } : {}),
      on_exceed: l.on_exceed,
    })),
  };
}

function BandEditor({ band, index, tiers, errors, onChange, onRemove, onMove, last }: { band: BandRow; index: number; tiers: { value: string; label: string }[]; errors: FieldErrors; onChange: (b: BandRow) => void; onRemove: () => void; onMove: (delta: number) => void; last: boolean }) {
  const n = index + 1;
  const clauses = band.rows.mode === "rows" ? band.rows.clauses : [];
  const setClauses = (next: typeof clauses) => onChange({ ...band, rows: { mode: "rows", clauses: next } });
  return (
    <li className="rounded-md border border-slate-200 p-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm font-medium">Band {n}</p>
        <div className="flex gap-1">
          <SmallButton onClick={() => onMove(-1)} label={`Move band ${n} up`}>↑</SmallButton>
          {!last ? <SmallButton onClick={() => onMove(1)} label={`Move band ${n} down`}>↓</SmallButton> : null}
          <SmallButton onClick={onRemove} label={`Remove band ${n}`}>Remove</SmallButton>
        </div>
      </div>
      {band.rows.mode === "advanced" ? (
        <LongText label={`Band ${n} condition (JSON)`} value={band.rows.json} onChange={(json) => onChange({ ...band, rows: { mode: "advanced", json } })} error={errorsUnder(errors, `risk[${index}].if`)} rows={4} />
      ) : (
        <div className="mt-2 space-y-2">
          {clauses.length === 0 ? <p className="text-sm text-slate-600">Always (no condition): the fallback band.</p> : null}
          {clauses.map((clause, ci) => (
            <div key={ci} className="grid grid-cols-[minmax(0,2fr)_minmax(0,1.2fr)_minmax(0,1.5fr)_auto] items-end gap-2">
              <Choice label={`Band ${n} field ${ci + 1}`} srOnlyLabel value={clause.field} options={CLAUSE_FIELDS} onChange={(field) => setClauses(clauses.map((c, i) => (i === ci ? { ...c, field } : c)))} />
              <Choice label={`Band ${n} test ${ci + 1}`} srOnlyLabel value={clause.op} options={CLAUSE_OPERATORS} onChange={(op) => setClauses(clauses.map((c, i) => (i === ci ? { ...c, op } : c)))} />
              <Text label={`Band ${n} value ${ci + 1}`} srOnlyLabel value={clause.value} onChange={(value) => setClauses(clauses.map((c, i) => (i === ci ? { ...c, value } : c)))} />
              <SmallButton onClick={() => setClauses(clauses.filter((_, i) => i !== ci))} label={`Remove test ${ci + 1} of band ${n}`}>✕</SmallButton>
            </div>
          ))}
          {errorsUnder(errors, `risk[${index}].if`) ? <p className="text-sm text-rose-700">{errorsUnder(errors, `risk[${index}].if`)}</p> : null}
          <div className="flex gap-2">
            <SmallButton onClick={() => setClauses([...clauses, { field: "amount", op: "lte", value: "" }])} label={`Add a test to band ${n}`}>
              + Test
            </SmallButton>
            <SmallButton onClick={() => onChange({ ...band, rows: { mode: "advanced", json: JSON.stringify(rowsToCondition(band.rows) ?? {}, null, 2) } })} label={`Edit band ${n} as JSON`}>
              Advanced
            </SmallButton>
          </div>
        </div>
      )}
      <div className="mt-2 max-w-xs">
        <Choice label={`Band ${n} tier`} value={band.tier} options={tiers} onChange={(tier) => onChange({ ...band, tier })} error={errors[`risk[${index}].tier`]} />
      </div>
    </li>
  );
}

export function ActionForm({ draftId, revision, document, action }: { draftId: string; revision: number; document: PolicyDocument; action: Action | null }) {
  const tiers = document.risk_tiers.map((t) => ({ value: t.key, label: `${t.label} (${t.key})` }));
  const [key, setKey] = useState(action?.key ?? "");
  const [label, setLabel] = useState(action?.label ?? "");
  const [authority, setAuthority] = useState<string>(action?.authority ?? "recommend");
  const [owner, setOwner] = useState(action?.owner ?? document.owners[0]?.key ?? "");
  const [dataSources, setDataSources] = useState<string[]>(action?.data_sources ?? []);
  const [bands, setBands] = useState<BandRow[]>(
    (action?.risk ?? [{ tier: tiers[0]?.value ?? "critical" }]).map((b) => ({ rows: conditionToRows(b.if as Record<string, unknown> | undefined), tier: b.tier })),
  );
  const [limits, setLimits] = useState<LimitRow[]>(
    (action?.limits ?? []).map((l) => ({ scope: l.scope, window: l.window, max_count: l.max_count?.toString() ?? "", max_amount: l.max_amount?.toString() ?? "", on_exceed: l.on_exceed })),
  );
  const item = toItem({ key, label, authority, owner, dataSources, bands, limits });
  const move = (i: number, delta: number) => {
    const j = i + delta;
    if (j < 0 || j >= bands.length) return;
    const next = [...bands];
    [next[i], next[j]] = [next[j]!, next[i]!];
    setBands(next);
  };

  return (
    <ItemFormShell draftId={draftId} revision={revision} section="actions" originalKey={action?.key ?? null} item={item} label={action ? `Edit ${action.label}` : "New action"}>
      {(errors) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Text label="Key" value={key} onChange={setKey} error={errors.key} hint="Dotted, e.g. refund.issue" />
            <Text label="Label" value={label} onChange={setLabel} error={errors.label} />
            <Choice
              label="Authority"
              value={authority}
              onChange={setAuthority}
              error={errors.authority}
              options={[
                { value: "say", label: "Say: may only tell the customer" },
                { value: "recommend", label: "Recommend: a person decides" },
                { value: "execute", label: "Execute: may act" },
              ]}
            />
            <Choice label="Owner" value={owner} onChange={setOwner} error={errors.owner} options={document.owners.map((o) => ({ value: o.key, label: o.name }))} />
          </div>
          <Checks legend="May read" options={document.data_sources.map((d) => ({ value: d.key, label: `${d.label}${d.pii ? " (PII)" : ""}` }))} selected={dataSources} onChange={setDataSources} error={errorsUnder(errors, "data_sources")} />
          <section aria-label="Risk bands">
            <h3 className="text-sm font-semibold">Risk bands</h3>
            <p className="text-xs text-slate-500">The first band whose tests all hold sets the tier; a band with no test catches the rest. No matching band means critical.</p>
            {errors.risk ? <p className="text-sm text-rose-700">{errors.risk}</p> : null}
            <ol className="mt-2 space-y-2">
              {bands.map((band, i) => (
                <BandEditor
                  key={i}
                  band={band}
                  index={i}
                  tiers={tiers}
                  errors={errors}
                  last={i === bands.length - 1}
                  onChange={(b) => setBands(bands.map((x, j) => (j === i ? b : x)))}
                  onRemove={() => setBands(bands.filter((_, j) => j !== i))}
                  onMove={(delta) => move(i, delta)}
                />
              ))}
            </ol>
            <div className="mt-2">
              <SmallButton onClick={() => setBands([...bands, { rows: { mode: "rows", clauses: [{ field: "amount", op: "lte", value: "" }] }, tier: tiers[0]?.value ?? "critical" }])} label="Add a risk band">
                + Risk band
              </SmallButton>
            </div>
          </section>
          <section aria-label="Limits">
            <h3 className="text-sm font-semibold">Limits</h3>
            <p className="text-xs text-slate-500">Counted over allowed or approved decisions in the window. Window like 15m, 1h, 24h, 30d.</p>
            <ol className="mt-2 space-y-2">
              {limits.map((limit, i) => {
                const set = (patch: Partial<LimitRow>) => setLimits(limits.map((l, j) => (j === i ? { ...l, ...patch } : l)));
                return (
                  <li key={i} className="grid items-end gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-3">
                    <Choice label={`Limit ${i + 1} scope`} value={limit.scope} onChange={(scope) => set({ scope })} options={[{ value: "customer", label: "Per customer" }, { value: "agent", label: "Per agent" }, { value: "global", label: "In total" }]} error={errors[`limits[${i}].scope`]} />
                    <Text label={`Limit ${i + 1} window`} value={limit.window} onChange={(window) => set({ window })} error={errors[`limits[${i}].window`]} />
                    <Text label={`Limit ${i + 1} max count`} type="number" value={limit.max_count} onChange={(max_count) => set({ max_count })} error={errors[`limits[${i}].max_count`]} />
                    <Text label={`Limit ${i + 1} max amount`} hint={document.currency} value={limit.max_amount} onChange={(max_amount) => set({ max_amount })} error={errors[`limits[${i}].max_amount`] ?? errors[`limits[${i}]`]} />
                    <Choice label={`Limit ${i + 1} when exceeded`} value={limit.on_exceed} onChange={(on_exceed) => set({ on_exceed })} options={[{ value: "hold", label: "Hold for approval" }, { value: "deny", label: "Deny" }]} />
                    <SmallButton onClick={() => setLimits(limits.filter((_, j) => j !== i))} label={`Remove limit ${i + 1}`}>Remove</SmallButton>
                  </li>
                );
              })}
            </ol>
            <div className="mt-2">
              <SmallButton onClick={() => setLimits([...limits, { scope: "customer", window: "24h", max_count: "1", max_amount: "", on_exceed: "hold" }])} label="Add a limit">
                + Limit
              </SmallButton>
            </div>
          </section>
        </>
      )}
    </ItemFormShell>
  );
}
