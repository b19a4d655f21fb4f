// The agent API test server (api-server.ts) in a process of its own, so the fuzz test can read
// the server's resident memory without counting the test runner's. Prints its URL when ready.
import { startApiServer } from "./api-server";
import type { TestDatabase } from "./database";

const url = process.env.FUZZ_DATABASE_URL;
if (!url) throw new Error("FUZZ_DATABASE_URL is required");
const api = await startApiServer({ url } as TestDatabase, { url });
process.stdout.write(`ready ${api.url}\n`);
process.on("SIGTERM", () => void api.close().finally(() => process.exit(0)));
