import { createHash } from "node:crypto";
import type { Role } from "@/lib/policy/roles";

// Demo-only credentials, documented in the README. Never use the demo seed for real data.
export const DEMO_PASSWORD = "mandate-demo";
export const DEMO_AGENT_NAME = "support-bot";
export const DEMO_AGENT_KEY = "mdt_" + createHash("sha256").update("mandate demo agent key").digest("base64url");

export const DEMO_USERS: { email: string; name: string; roles: Role[] }[] = [
  { email: "admin@northwind.example", name: "Ada Admin", roles: ["admin"] },
  { email: "cx@northwind.example", name: "Carla CX Lead", roles: ["cx_lead"] },
  { email: "legal@northwind.example", name: "Lena Legal", roles: ["legal"] },
  { email: "legal2@northwind.example", name: "Leo Legal", roles: ["legal"] },
  { email: "it@northwind.example", name: "Ivan IT", roles: ["it"] },
  { email: "supervisor@northwind.example", name: "Sam Supervisor", roles: ["supervisor"] },
  { email: "supervisor2@northwind.example", name: "Sofia Supervisor", roles: ["supervisor"] },
  { email: "committee@northwind.example", name: "Chris Committee", roles: ["committee"] },
  { email: "committee2@northwind.example", name: "Cora Committee", roles: ["committee"] },
  { email: "auditor@northwind.example", name: "Aldo Auditor", roles: ["auditor"] },
];
