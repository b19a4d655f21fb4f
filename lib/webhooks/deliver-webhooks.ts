import { currentGrant } from "@/lib/decisions/get-decision";
import { openSecret } from "@/lib/keys/secret-box";
import { readStopsInForce } from "@/lib/stop-switches/stop-covering";
import type { Db } from "@/lib/db/prisma";
import { nextRetry } from "./retry-schedule";
import { ownerWebhookSecretBinding } from "./owner-webhook-schema";
import { signWebhook } from "./signature";
import { webhookUrlProblem } from "./webhook-url";

export interface DeliverWebhooksOptions {
  /** Most events claimed per call; they are sent in parallel. */
  batch?: number;
  fetch?: typeof fetch;
  /** The clock for due times, backoff, give-up and `webhook-timestamp` (tests move it forward). */
  now?: () => Date;
  timeoutMs?: number;
  /** The jitter draw in [0, 1) (tests pin it). */
  random?: () => number;
}

export const USER_AGENT = "Mandate-Webhooks/1";
export const DEFAULT_BATCH = 20;
const DEFAULT_TIMEOUT_MS = 5_000;
// A claim hides an event from other dispatchers for longer than one attempt can take; only a
// process that dies mid-attempt lets the lease run out, and then the event is sent again
// (at-least-once: receivers de-duplicate on webhook-id).
const LEASE_MARGIN_MS = 60_000;
const MAX_ERROR_LENGTH = 500;

interface ClaimedEvent {
  id: string;
  type: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
  webhook_url: string | null;
  webhook_secret: string | null;
  /** Set for an agent's decision webhook; owner_key for an owner's notification (never both). */
  agent_id: string | null;
  agent_name: string | null;
  owner_key: string | null;
  owner_webhook_id: string | null;
  /** An owner webhook's body format: the signed envelope, or Slack's `{ "text": … }`. */
  format: "generic" | "slack" | null;
  decision_id: string | null;
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
}

/**
 * One round of the outbox: claims the due events, POSTs each to its agent's current URL, and
 * records the attempt. Safe to run from several processes at once: the claim skips rows another
 * process has locked and leases them forward in the same statement, so no attempt is sent twice.
 */
export async function deliverDueWebhooks(db: Db, options: DeliverWebhooksOptions = {}): Promise<{ attempted: number; delivered: number }> {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const claimedAt = now();
  const leaseUntil = new Date(claimedAt.getTime() + timeoutMs + LEASE_MARGIN_MS);

  // One statement, so the lock is held only for the claim itself, never across the HTTP call.
  const events = await db.$queryRaw<ClaimedEvent[]>`
    UPDATE webhook_events e
       SET next_attempt_at = ${leaseUntil}::timestamptz
      FROM (SELECT id FROM webhook_events
             WHERE status = 'pending' AND next_attempt_at <= ${claimedAt}::timestamptz
             ORDER BY next_attempt_at
             LIMIT ${options.batch ?? DEFAULT_BATCH}::int
             FOR UPDATE SKIP LOCKED) due
     WHERE e.id = due.id
    RETURNING e.id, e.type, e.payload, e.attempts, e.created_at,
              COALESCE((SELECT a.webhook_url FROM agents a WHERE a.id = e.agent_id),
                       (SELECT o.url FROM owner_webhooks o WHERE o.owner_key = e.owner_key)) AS webhook_url,
              COALESCE((SELECT a.webhook_secret FROM agents a WHERE a.id = e.agent_id),
                       (SELECT o.secret_sealed FROM owner_webhooks o WHERE o.owner_key = e.owner_key)) AS webhook_secret,
              e.agent_id::text AS agent_id, e.decision_id, e.owner_key,
              (SELECT o.id::text FROM owner_webhooks o WHERE o.owner_key = e.owner_key) AS owner_webhook_id,
              (SELECT o.format FROM owner_webhooks o WHERE o.owner_key = e.owner_key) AS format,
              (SELECT a.name FROM agents a WHERE a.id = e.agent_id) AS agent_name`;
  await addGrants(db, events);

  const results = await Promise.allSettled(events.map((event) => deliverOne(db, event, { ...options, now, timeoutMs })));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  return { attempted: events.length, delivered: results.filter((r) => r.status === "fulfilled" && r.value).length };
}

/**
 * A `decision.approved` delivery carries a grant made for this attempt (never stored in the
 * outbox): a retry gets a fresh one, or none once the decision was executed, its grant expired
 * or a stop switch covers it.
 */
async function addGrants(db: Db, events: ClaimedEvent[]): Promise<void> {
  const approved = events.filter((e) => e.type === "decision.approved" && e.decision_id !== null);
  if (approved.length === 0) return;
  const stops = await readStopsInForce(db);
  for (const event of approved) {
    const grant = await currentGrant(db, event.decision_id!, event.agent_name ?? "", stops);
    const { grant: _stored, ...data } = (event.payload ?? {}) as Record<string, unknown>;
    void _stored;
    event.payload = grant === null ? data : { ...data, grant };
  }
}

async function deliverOne(
  db: Db,
  event: ClaimedEvent,
  options: DeliverWebhooksOptions & { now: () => Date; timeoutMs: number },
): Promise<boolean> {
  const attempt = event.attempts + 1;
  const started = performance.now();
  let result: AttemptResult;
  let giveUpNow = false;

  if (!event.webhook_url || !event.webhook_secret) {
    // The webhook was cleared after this event was queued: nobody is listening any more.
    result = { statusCode: null, error: event.owner_key ? "The owner no longer has a notification webhook." : "The agent no longer has a webhook URL." };
    giveUpNow = true;
  } else {
    const problem = webhookUrlProblem(event.webhook_url);
    let secret: string | null = null;
    try {
      secret = openSecret(event.webhook_secret, event.agent_id ? `agent:${event.agent_id}:webhook` : ownerWebhookSecretBinding(event.owner_webhook_id ?? ""));
    } catch {
      // The key store lost the key or the value was tampered with: record it, never loop on it.
      giveUpNow = true;
    }
    result = problem
      ? { statusCode: null, error: `Webhook URL refused: ${problem}.` }
      : secret === null
        ? { statusCode: null, error: "The webhook's signing secret cannot be decrypted with this server's keys: set the webhook again to get a new secret." }
        : await post(event, event.webhook_url, secret, options);
  }

  const durationMs = Math.round(performance.now() - started);
  const at = options.now();
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const retry = ok || giveUpNow ? null : nextRetry({ attempt, createdAt: event.created_at, now: at, random: options.random });

  await db.$transaction([
    db.webhookDelivery.create({ data: { eventId: event.id, attempt, statusCode: result.statusCode, error: result.error, durationMs } }),
    // Guarded on the claimed attempt count so a stale claim (lease ran out) cannot overwrite a newer outcome.
    db.webhookEvent.updateMany({
      where: { id: event.id, status: "pending", attempts: event.attempts },
      data: ok
        ? { status: "delivered", attempts: attempt, deliveredAt: at }
        : retry && !retry.giveUp
          ? { attempts: attempt, nextAttemptAt: retry.at }
          : { status: "failed", attempts: attempt },
    }),
  ]);
  return ok;
}

async function post(event: ClaimedEvent, url: string, secret: string, options: { fetch?: typeof fetch; now: () => Date; timeoutMs: number }): Promise<AttemptResult> {
  // The same body on every attempt; only webhook-timestamp and the signature are fresh.
  // A Slack incoming webhook takes `{ "text": … }` and ignores the signature headers.
  const body =
    event.format === "slack"
      ? JSON.stringify({ text: String((event.payload as { text?: unknown } | null)?.text ?? event.type) })
      : JSON.stringify({ type: event.type, timestamp: event.created_at.toISOString(), data: event.payload });
  const timestamp = Math.floor(options.now().getTime() / 1000);
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook(secret, event.id, timestamp, body),
      },
      body,
      // A redirect could send a signed payload somewhere IT never approved: a 3xx is a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Only the status matters; dropping the body frees the connection.
    await response.body?.cancel().catch(() => {});
    if (response.status >= 300 && response.status < 400) {
      return { statusCode: response.status, error: "Redirects are not followed." };
    }
    return { statusCode: response.status, error: null };
  } catch (error) {
    return { statusCode: null, error: describeFetchError(error, options.timeoutMs) };
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `Timed out after ${timeoutMs} ms.`;
  // fetch reports network failures as "fetch failed" with the useful part (ECONNREFUSED…) in cause.
  const cause = error instanceof Error ? error.cause : undefined;
  const message =
    cause instanceof AggregateError
      ? cause.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join("; ")
      : cause instanceof Error
        ? cause.message || String((cause as NodeJS.ErrnoException).code ?? cause.name)
        : error instanceof Error
          ? error.message
          : String(error);
  return message.slice(0, MAX_ERROR_LENGTH);
}
