"use client";

import { useState } from "react";
import type { DataSource, Intent, Owner, PolicyDocument, RiskTier } from "@/lib/policy/document-schema";
import { ROLES } from "@/lib/policy/roles";
import { Checks, Choice, LongText, Text } from "./inputs";
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

export function IntentForm({ draftId, revision, document, item }: Common & { item: Intent | null }) {
  const [value, setValue] = useState({ key: item?.key ?? "", label: item?.label ?? "", handling: item?.handling ?? "autonomous", actions: item?.actions ?? [] });
  return (
    <ItemFormShell draftId={draftId} revision={revision} section="intents" originalKey={item?.key ?? null} item={{ key: value.key.trim(), label: value.label.trim(), handling: value.handling, actions: value.actions }} label={item ? `Edit intent ${item.label}` : "New intent"}>
      {(errors) => (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Text label="Key" value={value.key} onChange={(key) => setValue({ ...value, key })} error={errors.key} />
            <Text label="Label" value={value.label} onChange={(label) => setValue({ ...value, label })} error={errors.label} />
            <Choice label="Handling" value={value.handling} onChange={(handling) => setValue({ ...value, handling: handling as "autonomous" | "human" })} options={[{ value: "autonomous", label: "Agents may handle it" }, { value: "human", label: "Always a person" }]} error={errors.handling} />
          </div>
          <Checks legend="Actions allowed (none ticked: any action)" options={document.actions.map((a) => ({ value: a.key, label: a.label }))} selected={value.actions} onChange={(actions) => setValue({ ...value, actions })} error={errorsUnder(errors, "actions")} />
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
