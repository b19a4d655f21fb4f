import type { Db } from "@/lib/db/prisma";
import { getCurrentPolicy } from "@/lib/policy/queries";
import type { ToolServerStatus, UpstreamTool } from "./schemas";
import { openHeaders } from "./sealed-headers";
import { unmappedTools } from "./unmapped-tools";

/** A registered server as people see it: header names, never their values. */
export interface ToolServerSummary {
  id: string;
  name: string;
  url: string;
  headerNames: string[];
  tools: UpstreamTool[];
  status: ToolServerStatus;
  lastError: string | null;
  lastCheckedAt: Date;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export async function listToolServers(db: Db): Promise<ToolServerSummary[]> {
  const rows = await db.toolServer.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, url: true, headerNames: true, tools: true, status: true, lastError: true, lastCheckedAt: true, createdBy: true, createdAt: true, updatedAt: true },
  });
  return rows.map((row) => ({ ...row, tools: row.tools as unknown as UpstreamTool[], status: row.status as ToolServerStatus }));
}

export interface Upstream {
  name: string;
  url: string;
  /** The clear credentials: server-side only, never sent to a browser or logged. */
  headers: Record<string, string>;
  tools: UpstreamTool[];
  status: string;
}

/** Every registered upstream with its credentials opened, for the gateway. */
export async function loadUpstreams(db: Db): Promise<Upstream[]> {
  const rows = await db.toolServer.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, url: true, headersSealed: true, tools: true, status: true } });
  return rows.map((row) => ({ name: row.name, url: row.url, headers: openHeaders(row.id, row.headersSealed), tools: row.tools as unknown as UpstreamTool[], status: row.status }));
}

/** The console's view: each server with the tools the policy in force leaves unmapped. */
export async function getToolServersOverview(db: Db): Promise<{ servers: (ToolServerSummary & { unmapped: string[] })[]; policyVersion: number | null }> {
  const [servers, policy] = await Promise.all([listToolServers(db), getCurrentPolicy(db)]);
  const mappings = policy?.document.tools ?? [];
  return { servers: servers.map((server) => ({ ...server, unmapped: unmappedTools(server, mappings) })), policyVersion: policy?.version ?? null };
}
