import { RefreshToolServerButton, RemoveToolServerButton } from "@/components/console/tool-server-forms";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import type { ToolServerSummary } from "@/lib/tool-servers/queries";
import type { ToolServerStatus } from "@/lib/tool-servers/schemas";

const STATUS: Record<ToolServerStatus, { label: string; tone: BadgeTone }> = {
  ok: { label: "Reachable", tone: "success" },
  unreachable: { label: "Unreachable", tone: "danger" },
  error: { label: "Error", tone: "warning" },
};

type Server = ToolServerSummary & { unmapped: string[] };

/** Every registered server with its status and tools; the tools no mapping covers are flagged. */
export function ToolServerList({ servers, policyVersion }: { servers: Server[]; policyVersion: number | null }) {
  if (servers.length === 0) {
    return (
      <EmptyState title="No tool servers yet">
        Add one above, or with <code className="rounded bg-slate-100 px-1">npm run mandate -- tools add payments --url https://payments.internal/mcp --header &quot;Authorization: Bearer …&quot;</code>.
      </EmptyState>
    );
  }
  const unmapped = servers.flatMap((s) => s.unmapped.map((tool) => ({ server: s.name, tool })));
  return (
    <div className="space-y-6">
      <Card title="Unmapped tools">
        {unmapped.length === 0 ? (
          <p className="text-sm text-slate-600">Every tool is mapped to an action in {policyVersion ? `policy version ${policyVersion}` : "the policy"}.</p>
        ) : (
          <>
            <p className="mb-2 text-sm text-slate-600">
              Agents cannot see or call these tools: {policyVersion ? `policy version ${policyVersion}, the one in force,` : "no policy is published yet, so it"} does not map them to an action. A call to one is denied and recorded. Map them in the
              policy&apos;s tools section.
            </p>
            <ul className="flex flex-wrap gap-2" aria-label="Unmapped tools">
              {unmapped.map((u) => (
                <li key={`${u.server}/${u.tool}`}>
                  <Badge tone="warning">
                    {u.server} · {u.tool}
                  </Badge>
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
      {servers.map((server) => (
        <ServerCard key={server.id} server={server} />
      ))}
    </div>
  );
}

function ServerCard({ server }: { server: Server }) {
  const status = STATUS[server.status] ?? STATUS.error;
  const unmapped = new Set(server.unmapped);
  return (
    <Card title={server.name}>
      <div className="flex flex-col gap-4 lg:flex-row lg:justify-between">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Status</dt>
          <dd>
            <Badge tone={status.tone}>{status.label}</Badge>
          </dd>
          <dt className="text-slate-500">Address</dt>
          <dd className="font-mono text-xs break-all">{server.url}</dd>
          <dt className="text-slate-500">Headers</dt>
          <dd>{server.headerNames.length ? `${server.headerNames.join(", ")} (values hidden)` : "none"}</dd>
          <dt className="text-slate-500">Last checked</dt>
          <dd>{formatDateTime(server.lastCheckedAt)}</dd>
          <dt className="text-slate-500">Added by</dt>
          <dd>
            {server.createdBy}, {formatDateTime(server.createdAt)}
          </dd>
          {server.lastError ? (
            <>
              <dt className="text-slate-500">Last error</dt>
              <dd className="text-rose-800">{server.lastError}</dd>
            </>
          ) : null}
        </dl>
        <div className="flex shrink-0 flex-col gap-2 sm:flex-row lg:flex-col">
          <RefreshToolServerButton name={server.name} />
          <RemoveToolServerButton name={server.name} />
        </div>
      </div>
      <h3 className="mt-4 mb-2 text-sm font-semibold text-slate-900">
        Tools ({server.tools.length}
        {unmapped.size ? `, ${unmapped.size} unmapped` : ""})
      </h3>
      {server.tools.length === 0 ? (
        <p className="text-sm text-slate-600">This server lists no tools.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label={`Tools of ${server.name}`}>
          {server.tools.map((tool) => (
            <li key={tool.name} className="flex flex-col gap-1 px-3 py-2 sm:flex-row sm:items-start sm:justify-between">
              <div className="min-w-0">
                <p className="text-sm">
                  <span className="font-mono">{tool.name}</span>
                  {tool.title ? <span className="text-slate-600"> — {tool.title}</span> : null}
                </p>
                {tool.description ? <p className="text-xs text-slate-500">{tool.description}</p> : null}
              </div>
              <div className="flex shrink-0 gap-1">
                {tool.annotations?.readOnlyHint === true ? <Badge>Reads only</Badge> : null}
                {unmapped.has(tool.name) ? <Badge tone="warning">Not mapped</Badge> : <Badge tone="success">Mapped</Badge>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
