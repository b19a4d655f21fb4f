import { createHash } from "node:crypto";

// Demo-only credentials, documented in the README. Never use the demo seed for real data.
export const DEMO_PASSWORD = "mandate-demo";
export const DEMO_AGENT_NAME = "support-bot";
export const DEMO_AGENT_KEY = "mdt_" + createHash("sha256").update("mandate demo agent key").digest("base64url");
