// A small typed client for agents calling Mandate's decision API (docs/api/agent-api.md), and the
// grant verifier for systems of record (docs/api/grants.md; built on jose).
export { actionDigest, GRANT_TYPE, verifyGrant, type GrantClaims, type GrantedCall, type GrantRefusalCode, type GrantVerification, type VerifyGrantOptions } from "@/lib/grants/verify-grant";

export type DecisionKind = "allow" | "deny" | "hold" | "step_up" | "escalate";
export type DecisionStatus =
  | "allowed"
  | "denied"
  | "pending_approval"
  | "approved"
  | "rejected"
  | "expired"
  | "needs_step_up"
  | "escalated"
  | "executed"
  | "failed"
  | "reverted"
  /** The MCP gateway forwarded the call and could not learn whether it happened. */
  | "outcome_unknown";

export interface DecisionRequest {
  action: string;
  intent?: string;
  customer?: { id?: string; verified?: boolean; segment?: string };
  params?: { amount?: string | number; currency?: string; [name: string]: string | number | boolean | null | undefined };
  data_sources?: string[];
  context?: { conversation_id?: string; channel?: string; confidence?: number; summary?: string; [name: string]: string | number | boolean | null | undefined };
}

export interface Reason {
  code: string;
  message: string;
  rule: string;
}

export interface Decision {
  id: string;
  decision: DecisionKind;
  status: DecisionStatus;
  action: string;
  authority: "say" | "recommend" | "execute" | null;
  tier: string | null;
  owner: string | null;
  /** Why. On a read, an allowed or approved decision covered by a stop switch carries `paused` first. */
  reasons: Reason[];
  approval: { required: number; roles: string[]; expires_at: string; approvals?: number; decided_by?: string[]; decided_at?: string | null } | null;
  policy_version: number | null;
  action_digest: string;
  created_at: string;
  /**
   * A signed action grant for the system of record (docs/api/grants.md): on an allow, and on
   * reads while the decision may be executed. Pass it with the call (`Mandate-Grant` header or
   * `_meta["mandate/grant"]`); the system verifies it with verifyGrant (verify-grant.ts).
   */
  grant?: string;
}

export interface Outcome {
  status: "executed" | "failed" | "reverted";
  action_digest?: string;
  external_ref?: string;
  detail?: Record<string, string | number | boolean | null>;
}

export class MandateApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "MandateApiError";
  }
}

/**
 * The `paused` reason of an allowed or approved decision while a stop switch covers it (on
 * `getDecision`, `waitForDecision` and an idempotent replay), or null: wait while there is one.
 */
export function executionPause(decision: Decision): Reason | null {
  if (decision.status !== "allowed" && decision.status !== "approved") return null;
  return decision.reasons.find((r) => r.code === "paused") ?? null;
}

/** Whether the agent may carry the action out now: allowed or approved, and no stop in force. */
export function mayExecute(decision: Decision): boolean {
  return (decision.status === "allowed" || decision.status === "approved") && !executionPause(decision);
}

const FINAL: ReadonlySet<DecisionStatus> = new Set(["approved", "rejected", "expired", "executed", "failed", "reverted", "outcome_unknown"]);

export class MandateClient {
  private readonly baseUrl: string;

  constructor(private readonly options: { baseUrl: string; apiKey: string; fetch?: typeof fetch }) {
    this.baseUrl = options.baseUrl.replace(/\/$/, "");
  }

  /** Ask before acting. Pass an idempotency key to retry safely after a network error. */
  decide(request: DecisionRequest, options: { idempotencyKey?: string } = {}): Promise<Decision> {
    return this.call("POST", "/api/v1/decisions", request, options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : {});
  }

  getDecision(id: string): Promise<Decision> {
    return this.call("GET", `/api/v1/decisions/${encodeURIComponent(id)}`);
  }

  /** Report what was done. `executed` needs the decision's action_digest. */
  reportOutcome(id: string, outcome: Outcome): Promise<Decision> {
    return this.call("POST", `/api/v1/decisions/${encodeURIComponent(id)}/outcome`, outcome);
  }

  flagReview(review: { decision_id?: string; conversation_id?: string; reason: "agent_uncertain" | "customer_complaint" | "low_confidence" | "policy_gap" | "other"; note?: string }): Promise<{ id: string; status: "open" }> {
    return this.call("POST", "/api/v1/reviews", review);
  }

  /** Polls a held decision until a person decides it or it expires. */
  async waitForDecision(id: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Decision> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const decision = await this.getDecision(id);
      if (FINAL.has(decision.status) || Date.now() >= deadline) return decision;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await (this.options.fetch ?? fetch)(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.options.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const payload = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const retry = response.headers.get("retry-after");
      throw new MandateApiError(
        response.status,
        String(payload.code ?? "http_error"),
        String(payload.detail ?? payload.title ?? response.statusText),
        (payload.errors as { path: string; message: string }[] | undefined) ?? [],
        retry ? Number(retry) : null,
      );
    }
    return payload as T;
  }
}
