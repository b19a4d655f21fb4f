"use client";

import { useState } from "react";
import { AUTHORITIES, type Authority, type DataSource, type Intent, type Owner, type PolicyDocument, type RiskTier } from "@/lib/policy/document-schema";
import type { IntentActionsChoice } from "@/lib/policy/intent-actions-choice";
import { ROLES } from "@/lib/policy/roles";
import { Checks, Choice, LongText, Radios, Text } from "./inputs";
import { errorsUnder, ItemFormShell } from "./item-form-shell";

interface Common {
  draftId: string;
  revision: number;
  document: PolicyDocument;
}

export function OwnerForm({ draftId, revision, item }: Common & { item: Owner | null }) {
  const [value, setValue] = useState({ key: item?.key ?? "", name: item?.name ?? "", contact: item?.contact ?? "", remediation: item?.remediation ?? "" });
  const set = (patch: Partial<typeof value>) => setValue({ ...value, ...patch });
  return (
    <ItemFormShell draftId={draftId} revision={revision} section="owners" originalKey={item?.key ?? null} item={{ key: value.key.trim(), name: value.name.trim(), contact: value.contact.trim(), remediation: value.remediation.trim() }} label={item ? `Edit owner ${item.name}` : "New owner"}>
      {(errors) => (
        <div className="grid gap-4 sm:grid-cols-2">
          <Text label="Key" value={value.key} onChange={(key) => set({ key })} error={errors.key} />
          <Text label="Name" value={value.name} onChange={(name) => set({ name })} error={errors.name} />
          <Text label="Contact" value={value.contact} onChange={(contact) => set({ contact })} error={errors.contact} />
          <LongText label="Remediation plan" value={value.remediation} onChange={(remediation) => set({ remediation })} error={errors.remediation} />
        </div>
      )}
    </ItemFormShell>
  );
}

export function DataSourceForm({ draftId, revision, item }: Common & { item: DataSource | null }) {
  const [value, setValue] = useState({ key: item?.key ?? "", label: item?.label ?? "", pii: item?.pii ?? false });
  return (
    <ItemFormShell draftId={draftId} revision={revision} section="data_sources" originalKey={item?.key ?? null} item={{ key: value.key.trim(), label: value.label.trim(), pii: value.pii }} label={item ? `Edit data source ${item.label}` : "New data source"}>
      {(errors) => (
        <div className="grid gap-4 sm:grid-cols-2">
          <Text label="Key" value={value.key} onChange={(key) => setValue({ ...value, key })} error={errors.key} />
          <Text label="Label" value={value.label} onChange={(label) => setValue({ ...value, label })} error={errors.label} />
          <label className="inline-flex items-center gap-2 text-sm">
            <input type="checkbox" checked={value.pii} onChange={(e) => setValue({ ...value, pii: e.target.checked })} />
            Holds personal data (PII)
          </label>
        </div>
      )}
    </ItemFormShell>
  );
}

const AUTHORITY_WORDS: Record<Authority, string> = { say: "Say only", recommend: "Recommend to a person", execute: "Execute" };

export function IntentForm({ draftId, revision, document, item }: Common & { item: Intent | null }) {
  const [value, setValue] = useState({ key: item?.key ?? "", label: item?.label ?? "", handling: item?.handling ?? "autonomous", actions: item?.actions ?? [] });
  // "Any action" or "only these": an explicit choice, never implied by ticking nothing (policy-document.md).
  const [choice, setChoice] = useState<IntentActionsChoice>(item && item.actions.length === 0 ? "any" : "only");
  const [authority, setAuthority] = useState<Record<string, Authority>>(item?.authority ?? {});
  const actions = choice === "any" ? [] : value.actions;
  // The actions the intent may take, in the permission map's order; an override only for those.
  const allowed = document.actions.filter((a) => choice === "any" || value.actions.includes(a.key));
  const overrides = Object.fromEntries(allowed.flatMap((a) => (authority[a.key] ? [[a.key, authority[a.key]]] : [])));
  const posted = { key: value.key.trim(), label: value.label.trim(), handling: value.handling, actions, ...(Object.keys(overrides).length ? { authority: overrides } : {}) };
  return (
    <ItemFormShell draftId={draftId} revision={revision} section="intents" originalKey={item?.key ?? null} item={posted} label={item ? `Edit intent ${item.label}` : "New intent"}>
      {(errors) => (
        <>
          <input type="hidden" name="actionsChoice" value={choice} />
          <div className="grid gap-4 sm:grid-cols-3">
            <Text label="Key" value={value.key} onChange={(key) => setValue({ ...value, key })} error={errors.key} />
            <Text label="Label" value={value.label} onChange={(label) => setValue({ ...value, label })} error={errors.label} />
            <Choice label="Handling" value={value.handling} onChange={(handling) => setValue({ ...value, handling: handling as "autonomous" | "human" })} options={[{ value: "autonomous", label: "Agents may handle it" }, { value: "human", label: "Always a person" }]} error={errors.handling} />
          </div>
          <Radios
            legend="Which actions may agents take for this intent?"
            name="intent-actions-choice"
            value={choice}
            onChange={(next) => setChoice(next as IntentActionsChoice)}
            options={[
              { value: "any", label: "Any action" },
              { value: "only", label: "Only these actions" },
            ]}
          />
          {choice === "only" ? (
            <Checks legend="Actions allowed" options={document.actions.map((a) => ({ value: a.key, label: a.label }))} selected={value.actions} onChange={(next) => setValue({ ...value, actions: next })} error={errorsUnder(errors, "actions")} />
          ) : null}
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Authority for this intent</legend>
            <p className="text-xs text-slate-500">
              {value.handling === "human" ? "Applies only if agents may handle the intent; today it always goes to a person. " : ""}
              An action left at its own authority follows the permission map.
            </p>
            {allowed.length === 0 ? (
              <p className="mt-1 text-sm text-slate-500">Tick the actions allowed first.</p>
            ) : (
              <div className="mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {allowed.map((a) => (
                  <Choice
                    key={a.key}
                    label={a.label}
                    value={authority[a.key] ?? ""}
                    onChange={(next) => {
                      const copy = { ...authority };
                      if (next === "") delete copy[a.key];
                      else copy[a.key] = next as Authority;
                      setAuthority(copy);
                    }}
                    options={[{ value: "", label: `Its own: ${AUTHORITY_WORDS[a.authority]}` }, ...AUTHORITIES.map((level) => ({ value: level, label: AUTHORITY_WORDS[level] }))]}
                    error={errors[`authority["${a.key}"]`] ?? errors[`authority.${a.key}`]}
                  />
                ))}
              </div>
            )}
            {errors.authority ? <p className="mt-1 text-sm text-rose-700">{errors.authority}</p> : null}
          </fieldset>
        </>
      )}
    </ItemFormShell>
  );
}

const CONTROL_OPTIONS = [
  { value: "step_up", label: "Step-up verification of the customer" },
  { value: "human_approval", label: "Human approval" },
  { value: "review_sample", label: "Sampled quality review" },
];

export function TierForm({ draftId, revision, item }: Common & { item: RiskTier | null }) {
  const [key, setKey] = useState(item?.key ?? "");
  const [label, setLabel] = useState(item?.label ?? "");
  const [controls, setControls] = useState<string[]>(item?.controls ?? []);
  const [approvers, setApprovers] = useState(String(item?.approval?.approvers ?? 1));
  const [roles, setRoles] = useState<string[]>(item?.approval?.roles ?? ["supervisor"]);
  const [expires, setExpires] = useState(item?.approval?.expires_after ?? "4h");
  const [sample, setSample] = useState(item?.sample_rate !== undefined ? String(item.sample_rate * 100) : "5");
  const approval = controls.includes("human_approval");
  const sampled = controls.includes("review_sample");
  const value = {
    key: key.trim(),
    label: label.trim(),
    controls,
    ...(approval ? { approval: { approvers: Number(approvers), roles, expires_after: expires.trim() } } : {}),
    ...(sampled ? { sample_rate: Number(sample) / 100 } : {}),
  };
  return (
    <ItemFormShell draftId={draftId} revision={revision} section="risk_tiers" originalKey={item?.key ?? null} item={value} label={item ? `Edit tier ${item.label}` : "New risk tier"}>
      {(errors) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Text label="Key" value={key} onChange={setKey} error={errors.key} />
            <Text label="Label" value={label} onChange={setLabel} error={errors.label} />
          </div>
          <Checks legend="Controls" options={CONTROL_OPTIONS} selected={controls} onChange={setControls} error={errorsUnder(errors, "controls")} />
          {approval ? (
            <div className="grid gap-4 sm:grid-cols-3">
              <Text label="Approvals needed" type="number" value={approvers} onChange={setApprovers} error={errors["approval.approvers"] ?? errors.approval} />
              <Text label="Expires after" value={expires} onChange={setExpires} error={errors["approval.expires_after"]} hint="e.g. 4h, 24h" />
              <Checks legend="Who may approve" options={ROLES.map((r) => ({ value: r, label: r }))} selected={roles} onChange={setRoles} error={errorsUnder(errors, "approval.roles")} />
            </div>
          ) : null}
          {sampled ? <Text label="Share sampled for review (%)" type="number" value={sample} onChange={setSample} error={errors.sample_rate} /> : null}
        </>
      )}
    </ItemFormShell>
  );
}
