import type pg from "pg";
import { hashApiKey } from "@/lib/agents/api-key";
import { AppError } from "@/lib/errors";

export interface AgentPrincipal {
  keyId: string;
  agentId: string;
  agentName: string;
  rateLimitPerSecond: number;
}

interface CachedKey {
  principal: AgentPrincipal | null;
  refusal: AppError | null;
  at: number;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{10,200})$/;

/**
 * Agent API keys → the agent. Lookups are cached for `ttlMs` (so a revocation or a disabled
 * agent takes effect within that time) and last-used times are written in batches, off the
 * request path. One lookup per key at a time: concurrent requests share it, and a key in use is
 * looked up again in the background once half its time is gone, so requests seldom wait on one.
 */
export class AgentAuthenticator {
  private readonly cache = new Map<string, CachedKey>();
  private readonly lookups = new Map<string, Promise<CachedKey>>();
  private readonly used = new Set<string>();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs = 1000,
  ) {
    this.flushTimer = setInterval(() => void this.flushLastUsed().catch(() => {}), 10_000);
    this.flushTimer.unref();
  }

  async authenticate(header: string | undefined): Promise<AgentPrincipal> {
    const match = header ? BEARER.exec(header) : null;
    if (!match) throw new AppError("unauthenticated", "Send your agent API key as Authorization: Bearer <key>.");
    const hash = hashApiKey(match[1]!);
    const cached = this.cache.get(hash);
    const age = cached ? Date.now() - cached.at : Infinity;
    if (cached && age > this.ttlMs / 2 && age <= this.ttlMs) void this.refresh(hash).catch(() => {});
    const entry = cached && age <= this.ttlMs ? cached : await this.refresh(hash);
    if (entry.refusal) throw entry.refusal;
    this.used.add(entry.principal!.keyId);
    return entry.principal!;
  }

  private refresh(hash: string): Promise<CachedKey> {
    let pending = this.lookups.get(hash);
    if (!pending) {
      pending = this.lookup(hash, Date.now())
        .then((entry) => {
          if (this.cache.size > 10_000) this.cache.clear();
          this.cache.set(hash, entry);
          return entry;
        })
        .finally(() => this.lookups.delete(hash));
      this.lookups.set(hash, pending);
    }
    return pending;
  }

  private async lookup(hash: string, now: number): Promise<CachedKey> {
    const { rows } = await this.pool.query<{ id: string; agent_id: string; name: string; rate_limit_per_second: number; revoked_at: Date | null; status: string }>({
      name: "mandate_agent_key",
      text: `SELECT k.id, k.agent_id, a.name, k.rate_limit_per_second, k.revoked_at, a.status
               FROM api_keys k JOIN agents a ON a.id = k.agent_id WHERE k.hash = $1`,
      values: [hash],
    });
    const row = rows[0];
    if (!row) return { principal: null, refusal: new AppError("unauthenticated", "This API key is not valid."), at: now };
    if (row.revoked_at) return { principal: null, refusal: new AppError("forbidden", "This API key was revoked."), at: now };
    if (row.status !== "active") return { principal: null, refusal: new AppError("forbidden", `Agent ${row.name} is disabled.`), at: now };
    return { principal: { keyId: row.id, agentId: row.agent_id, agentName: row.name, rateLimitPerSecond: row.rate_limit_per_second }, refusal: null, at: now };
  }

  async flushLastUsed(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    await this.pool.query(`UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed().catch(() => {});
  }
}
