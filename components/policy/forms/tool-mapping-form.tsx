"use client";

import { useId, useState } from "react";
import { describedBy, FieldMessage, INPUT } from "@/components/ui/field";
import type { PolicyDocument, ToolMapping } from "@/lib/policy/document-schema";
import { Checks, SmallButton, Text } from "./inputs";
import { errorsUnder, ItemFormShell } from "./item-form-shell";

interface ParamRow {
  name: string;
  path: string;
}

const PARAM_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** The path the server names a param's errors at (lib/policy/validate-policy.ts formatPath, relative to the item). */
function paramPath(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `params.${name}` : `params[${JSON.stringify(name)}]`;
}

/**
 * The mapping as JSON text, written by hand so that a param name typed on two rows reaches the
 * server twice and is refused there (an object would silently keep only the last row).
 */
function toJson(value: { server: string; tool: string; action: string; customerId: string; params: ParamRow[]; dataSources: string[] }): string {
  const fields = [
    `"server":${JSON.stringify(value.server.trim())}`,
    `"tool":${JSON.stringify(value.tool.trim())}`,
    `"action":${JSON.stringify(value.action)}`,
    ...(value.customerId.trim() ? [`"customer_id":${JSON.stringify(value.customerId.trim())}`] : []),
    `"params":{${value.params.map((row) => `${JSON.stringify(row.name.trim())}:${JSON.stringify(row.path.trim())}`).join(",")}}`,
    `"data_sources":${JSON.stringify(value.dataSources)}`,
  ];
  return `{${fields.join(",")}}`;
}

/**
 * Which MCP tool is which action. `servers` are offered as the person types the server's name
 * (any other name is still allowed: a server may be registered after the mapping is drafted).
 */
export function ToolMappingForm({ draftId, revision, document, item, servers = [] }: { draftId: string; revision: number; document: PolicyDocument; item: ToolMapping | null; servers?: readonly string[] }) {
  const [server, setServer] = useState(item?.server ?? "");
  const [tool, setTool] = useState(item?.tool ?? "");
  const [action, setAction] = useState(item?.action ?? "");
  const [customerId, setCustomerId] = useState(item?.customer_id ?? "");
  const [params, setParams] = useState<ParamRow[]>(Object.entries(item?.params ?? {}).map(([name, path]) => ({ name, path })));
  const [dataSources, setDataSources] = useState<string[]>(item?.data_sources ?? []);
  // A row left wholly blank is not a param.
  const filled = params.filter((row) => row.name.trim() || row.path.trim());
  const json = toJson({ server, tool, action, customerId, params: filled, dataSources });
  const setRow = (index: number, patch: Partial<ParamRow>) => setParams(params.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const label = item ? `Edit tool ${item.tool} on ${item.server}` : "Map a tool";
  const paramsHeading = useId();

  return (
    <ItemFormShell draftId={draftId} revision={revision} section="tools" originalKey={item ? `${item.server}/${item.tool}` /* toolMappingKey, without the schema in the bundle */ : null} itemJson={json} label={label}>
      {(errors) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Text label="Server" value={server} onChange={setServer} error={errors.server} suggestions={servers} placeholder="e.g. payments" hint="The tool server's name as registered with Mandate." />
            <Text label="Tool name" value={tool} onChange={setTool} error={errors.tool} placeholder="e.g. issue_refund" hint="Exactly as the server lists it." />
          </div>
          <ActionChoice document={document} value={action} onChange={setAction} error={errors.action && !action ? "Choose the action this tool counts as" : errors.action} />
          <Text
            label="Customer id in the arguments (optional)"
            value={customerId}
            onChange={setCustomerId}
            error={errors.customer_id}
            placeholder="e.g. customer_id or account.id"
            hint="Where the tool's arguments name the customer, as a dotted path. Leave empty when only the conversation names the customer. When both do and they differ, the call is denied."
          />
          <section aria-labelledby={paramsHeading}>
            <h3 id={paramsHeading} className="text-sm font-semibold">
              Params
            </h3>
            <p className="text-xs text-slate-500">Each decision param the rules read (such as amount), and the dotted path in the tool&apos;s arguments it comes from.</p>
            {errors.params ? <p className="text-sm text-rose-700">{errors.params}</p> : null}
            <ol className="mt-2 space-y-2">
              {params.map((row, i) => {
                const name = row.name.trim();
                const error = errors[paramPath(name)];
                const first = filled.findIndex((other) => other.name.trim() === name);
                const repeated = name !== "" && filled.some((other, j) => j !== first && other.name.trim() === name);
                const repeat = repeated && first !== filled.indexOf(row);
                // The server refuses a name sent twice at that name: the later rows say so, the first keeps its fields clear.
                // Otherwise an error is about the name when the name is malformed, and about the path when it is not.
                const onName = repeat || !PARAM_NAME.test(name);
                const nameError = error && onName ? (repeat ? `Another row already reads ${name}: keep one of them` : error) : undefined;
                const pathError = error && !onName && !repeated ? error : undefined;
                return (
                  <li key={i} className="grid grid-cols-[minmax(0,1fr)_minmax(0,1.5fr)_auto] items-start gap-2">
                    <Text label={`Param ${i + 1} name`} value={row.name} onChange={(value) => setRow(i, { name: value })} error={nameError} placeholder="e.g. amount" />
                    <Text label={`Param ${i + 1} read from`} value={row.path} onChange={(value) => setRow(i, { path: value })} error={pathError} placeholder="e.g. refund.amount" />
                    <div className="pt-6">
                      <SmallButton onClick={() => setParams(params.filter((_, j) => j !== i))} label={`Remove param ${i + 1}`}>
                        Remove
                      </SmallButton>
                    </div>
                  </li>
                );
              })}
            </ol>
            <div className="mt-2">
              <SmallButton onClick={() => setParams([...params, { name: "", path: "" }])} label="Add a param">
                + Param
              </SmallButton>
            </div>
          </section>
          <Checks
            legend="The tool reads"
            options={document.data_sources.map((source) => ({ value: source.key, label: `${source.label}${source.pii ? " (PII)" : ""}` }))}
            selected={dataSources}
            onChange={setDataSources}
            error={errorsUnder(errors, "data_sources")}
          />
        </>
      )}
    </ItemFormShell>
  );
}

/** The actions of the permission map, then those only forbidden (every call to the tool is then denied with legal's reason). */
function ActionChoice({ document, value, onChange, error }: { document: PolicyDocument; value: string; onChange: (value: string) => void; error?: string }) {
  const id = useId();
  const defined = new Set(document.actions.map((action) => action.key));
  const forbidden = document.forbidden.filter((entry) => !defined.has(entry.action));
  const forbiddenKeys = new Set(document.forbidden.map((entry) => entry.action));
  const hint = "What the policy decides a call to this tool as.";
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Counts as action
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} className={INPUT}>
        <option value="">Choose an action…</option>
        <optgroup label="Permission map">
          {document.actions.map((action) => (
            <option key={action.key} value={action.key}>
              {action.label}
              {forbiddenKeys.has(action.key) ? " (forbidden)" : ""}
            </option>
          ))}
        </optgroup>
        {forbidden.length ? (
          <optgroup label="Forbidden (every call is denied)">
            {forbidden.map((entry) => (
              <option key={entry.action} value={entry.action}>
                {entry.action}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      <FieldMessage id={id} error={error} hint={hint} />
    </div>
  );
}
