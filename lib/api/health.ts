import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import type { PolicyRuntime } from "@/lib/decisions/policy-runtime";
import { AppError } from "@/lib/errors";
import { json, problem, sendNode, type ApiResponse } from "./http";

export type ReadinessState = { ready: true; policyVersion: number } | { ready: false; reason: string };

/**
 * Readiness (agent-api.md, Health): ready only while the database answers a query and a
 * published policy is loaded and fresh. One check serves every probe for `cacheMs`, so a load
 * balancer polling hard costs one `SELECT 1` a second; a database that hangs fails the check
 * after `timeoutMs` rather than holding the probe.
 */
export class Readiness {
  private last: { at: number; state: Promise<ReadinessState> } | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly runtime: PolicyRuntime,
    private readonly options: { cacheMs?: number; timeoutMs?: number } = {},
  ) {}

  check(): Promise<ReadinessState> {
    const now = Date.now();
    if (this.last && now - this.last.at < (this.options.cacheMs ?? 1000)) return this.last.state;
    const state = this.probe();
    this.last = { at: now, state };
    return state;
  }

  private async probe(): Promise<ReadinessState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), this.options.timeoutMs ?? 1000);
    });
    try {
      await Promise.race([this.pool.query("SELECT 1"), timeout]);
    } catch {
      return { ready: false, reason: "The database does not answer." };
    } finally {
      clearTimeout(timer);
    }
    const policy = this.runtime.snapshot()?.policy;
    if (!policy) return { ready: false, reason: "No published policy is loaded." };
    return { ready: true, policyVersion: policy.version };
  }
}

/** Answers GET /healthz (liveness: the process runs) and /readyz; returns false for any other path. */
export function createHealthHandler(readiness: Readiness): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/healthz" && path !== "/readyz") return false;
    void answer(path, req.method ?? "GET", readiness).then((response) => {
      if (!req.readableEnded) req.resume();
      sendNode(res, response);
    });
    return true;
  };
}

async function answer(path: string, method: string, readiness: Readiness): Promise<ApiResponse> {
  if (method !== "GET" && method !== "HEAD") return problem(new AppError("method_not_allowed", `Use GET on ${path}.`), { allow: "GET, HEAD" });
  if (path === "/healthz") return json(200, { status: "ok" });
  const state = await readiness.check();
  if (state.ready) return json(200, { status: "ready", policy_version: state.policyVersion });
  return problem(new AppError("unavailable", `Not ready: ${state.reason}`), { "retry-after": "1" });
}
