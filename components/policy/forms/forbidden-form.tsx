"use client";

import { useId, useState } from "react";
import { describedBy, FieldMessage, INPUT } from "@/components/ui/field";
import { actionKeyWords, deriveActionKey, isActionKey } from "@/lib/policy/action-key";
import type { Forbidden, PolicyDocument } from "@/lib/policy/document-schema";
import type { RequestedAction } from "@/lib/policy/requested-actions";
import { LongText, Text } from "./inputs";
import { ItemFormShell } from "./item-form-shell";

interface ActionChoice {
  key: string;
  label: string;
  /** How often agents asked for it (0: never). */
  count: number;
  inMap: boolean;
}

/** What legal can pick: the actions agents asked for (most asked first), then the permission map's others, each by its label. */
export function actionChoices(document: PolicyDocument, requested: readonly RequestedAction[], except: ReadonlySet<string>): ActionChoice[] {
  const labels = new Map(document.actions.map((a) => [a.key, a.label]));
  const choices: ActionChoice[] = requested.map((r) => ({ key: r.key, label: labels.get(r.key) ?? actionKeyWords(r.key), count: r.count, inMap: labels.has(r.key) }));
  const seen = new Set(choices.map((c) => c.key));
  for (const a of document.actions) if (!seen.has(a.key)) choices.push({ key: a.key, label: a.label, count: 0, inMap: true });
  return choices.filter((c) => !except.has(c.key));
}

function describeChoice(choice: ActionChoice): string {
  const asked = choice.count ? `asked for ${choice.count.toLocaleString("en-US")} time${choice.count === 1 ? "" : "s"}` : "never asked for";
  return `${choice.key} · ${asked}${choice.inMap ? "" : " · not in the permission map"}`;
}

/**
 * Legal names the action in words or picks one agents asked for; the key is made from the words
 * and stays editable. A key no agent ever asked for and the permission map does not list is
 * allowed, with a warning: forbidding it protects nothing until an agent asks for exactly it.
 */
export function ForbiddenForm({ draftId, revision, document, item, requested }: { draftId: string; revision: number; document: PolicyDocument; item: Forbidden | null; requested: readonly RequestedAction[] }) {
  const forbidden = new Set(document.forbidden.map((entry) => entry.action).filter((key) => key !== item?.action));
  const choices = actionChoices(document, requested, forbidden);
  const byKey = new Map(choices.map((c) => [c.key, c]));
  const initial = item ? byKey.get(item.action) : undefined;
  const [name, setName] = useState(item ? (initial?.label ?? actionKeyWords(item.action)) : "");
  const [key, setKey] = useState(item?.action ?? "");
  // Once the person types the key themselves, the name no longer rewrites it.
  const [keyTyped, setKeyTyped] = useState(item !== null);
  const [reason, setReason] = useState(item?.reason ?? "");
  const nameId = useId();

  const onName = (value: string) => {
    setName(value);
    const text = value.trim().toLowerCase();
    const picked = choices.find((c) => c.label.toLowerCase() === text || c.key === text);
    if (picked) {
      setKey(picked.key);
      setKeyTyped(false);
    } else if (!keyTyped) {
      setKey(deriveActionKey(value));
    }
  };
  const onKey = (value: string) => {
    setKey(value);
    setKeyTyped(value.trim() !== "");
  };

  const trimmed = key.trim();
  // The few most asked for, in sight: a datalist shows its choices only once the field has focus.
  const mostAsked = choices.filter((c) => c.count > 0).slice(0, 5);
  const known = byKey.get(trimmed);
  const unheard = trimmed !== "" && isActionKey(trimmed) && (!known || (known.count === 0 && !known.inMap));
  const hint = "Type what the action does, or pick one agents asked for or one of the permission map.";

  return (
    <ItemFormShell draftId={draftId} revision={revision} section="forbidden" originalKey={item?.action ?? null} item={{ action: trimmed, reason: reason.trim() }} label={item ? `Edit forbidden ${item.action}` : "Forbid an action"}>
      {(errors) => (
        <>
          <div>
            <label htmlFor={nameId} className="block text-sm font-medium text-slate-700">
              Action
            </label>
            {/* An input with a list is a combobox to assistive technology; the browser draws the choices with their keys and counts. */}
            <input
              id={nameId}
              type="text"
              value={name}
              placeholder="e.g. negotiate contract terms"
              list={`${nameId}-choices`}
              autoComplete="off"
              onChange={(e) => onName(e.target.value)}
              aria-describedby={describedBy(nameId, undefined, hint)}
              className={INPUT}
            />
            <datalist id={`${nameId}-choices`}>
              {choices.map((choice) => (
                <option key={choice.key} value={choice.label} label={describeChoice(choice)} />
              ))}
            </datalist>
            <FieldMessage id={nameId} hint={hint} />
            {mostAsked.length ? (
              <div className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-600" role="group" aria-label="Asked for most by agents">
                <span>Asked for most:</span>
                {mostAsked.map((choice) => (
                  <button
                    key={choice.key}
                    type="button"
                    onClick={() => onName(choice.label)}
                    aria-pressed={trimmed === choice.key}
                    className="rounded-full border border-slate-300 bg-white px-2 py-1 text-slate-700 hover:bg-slate-50 aria-pressed:border-brand-600 aria-pressed:bg-brand-50"
                  >
                    {choice.label} <span className="text-slate-500" aria-hidden="true">({choice.count.toLocaleString("en-US")})</span>
                    <span className="sr-only">, asked for {choice.count.toLocaleString("en-US")} times</span>
                  </button>
                ))}
              </div>
            ) : null}
          </div>
          <Text
            label="Action key"
            value={key}
            onChange={onKey}
            error={errors.action}
            placeholder="e.g. contract.negotiate"
            hint="Made from the action's name; agents must ask for exactly this key. Change it if they use another."
          />
          <div aria-live="polite">
            {known && known.count > 0 ? (
              <p className="text-sm text-slate-700">
                Agents asked for <span className="font-mono">{known.key}</span> {known.count.toLocaleString("en-US")} time{known.count === 1 ? "" : "s"}: forbidding it denies those requests from now on.
              </p>
            ) : null}
            {unheard ? (
              <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                No agent has asked for <span className="font-mono break-words">{trimmed}</span> yet, and the permission map does not list it: forbidding it protects nothing until an agent asks for exactly this key. Check the key
                agents use before you save.
              </p>
            ) : null}
          </div>
          <LongText label="Legal reason (shown to the agent and in the audit log)" value={reason} onChange={setReason} error={errors.reason} />
        </>
      )}
    </ItemFormShell>
  );
}
