import type { IncomingMessage, ServerResponse } from "node:http";
import { Carrier, CARRIER_PATH } from "./carrier";
import { InventoryLog, INVENTORY_LOG_PATH } from "./inventory-log";
import { ORDER_SERVICE_PATH, OrderService } from "./order-service";
import { PAYMENT_GATEWAY_PATH, PaymentGateway } from "./payment-gateway";
import type { SystemOfRecord, SystemOfRecordOptions } from "./system-of-record";

/**
 * The midnight story's systems of record, each a real MCP server that changes state only with a
 * Mandate grant. One list: start-server mounts them beside Mandate when the demo workspace is on,
 * and the gateway can register them as upstreams under these names (the demo policy's `tools`
 * section maps their tools with `server` = `name`).
 */

export type DemoSystemName = "payments" | "carrier" | "orders" | "inventory";

export interface DemoTool {
  name: string;
  /** Needs a grant for exactly the call (else the tool only reads). */
  changesState: boolean;
}

export interface DemoSystem {
  name: DemoSystemName;
  /** Where start-server answers it, on Mandate's own port. */
  path: string;
  /** For the start-up log: what it is and what it refuses. */
  summary: string;
  tools: readonly DemoTool[];
  create(options: SystemOfRecordOptions): SystemOfRecord;
}

export const DEMO_SYSTEMS: readonly DemoSystem[] = [
  {
    name: "payments",
    path: PAYMENT_GATEWAY_PATH,
    summary: "payment gateway (MCP, refunds only with a Mandate grant)",
    tools: [{ name: "issue_refund", changesState: true }, { name: "list_refunds", changesState: false }],
    create: (options) => new PaymentGateway(options),
  },
  {
    name: "carrier",
    path: CARRIER_PATH,
    summary: "carrier (MCP, reroutes parcels only with a Mandate grant)",
    tools: [{ name: "reroute_parcel", changesState: true }, { name: "track_parcel", changesState: false }],
    create: (options) => new Carrier(options),
  },
  {
    name: "orders",
    path: ORDER_SERVICE_PATH,
    summary: "order service (MCP, cancels orders only with a Mandate grant)",
    tools: [{ name: "cancel_order", changesState: true }, { name: "get_order", changesState: false }],
    create: (options) => new OrderService(options),
  },
  {
    name: "inventory",
    path: INVENTORY_LOG_PATH,
    summary: "inventory log (MCP, records adjustments only with a Mandate grant)",
    tools: [{ name: "record_adjustment", changesState: true }, { name: "list_adjustments", changesState: false }],
    create: (options) => new InventoryLog(options),
  },
];

export interface RunningDemoSystems {
  /** Each system with its instance, in DEMO_SYSTEMS order. */
  systems: { system: DemoSystem; instance: SystemOfRecord }[];
  /** The system a request is for (its path exactly, any query aside), or null. */
  find(url: string | undefined): { handle(req: IncomingMessage, res: ServerResponse): Promise<void> } | null;
}

/** One instance of every demo system, all trusting the same keys and issuer. */
export function startDemoSystems(options: SystemOfRecordOptions): RunningDemoSystems {
  const systems = DEMO_SYSTEMS.map((system) => ({ system, instance: system.create(options) }));
  const byPath = new Map(systems.map(({ system, instance }) => [system.path, instance]));
  return { systems, find: (url) => byPath.get((url ?? "").split("?")[0]!) ?? null };
}
