import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadUpstreams } from "../../lib/tool-servers/queries";
import { createTestDatabase, type TestDatabase } from "./database";
import { startTestMcpServer, type TestMcpServer } from "./mcp-test-server";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let t: TestDatabase;
let dataDir: string;
let upstream: TestMcpServer;
const SECRET = "Bearer cli-secret-7731";

function mandate(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/mandate.js", ...args],
      { env: { ...process.env, DATABASE_URL: t.url, MANDATE_DATA_DIR: dataDir, NODE_ENV: "test" }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "mandate-cli-data-"));
  upstream = await startTestMcpServer({ tools: ["issue_refund", "list_refunds"], requireHeader: ["x-api-key", SECRET] });
});
afterAll(async () => {
  await upstream.close();
  await t.drop();
});

describe("mandate tools", () => {
  it("add reads the tool list, stores the header sealed and prints its name only", async () => {
    const run = await mandate(["tools", "add", "payments", "--url", upstream.url, "--header", `X-Api-Key: ${SECRET}`, "--header", "X-Tenant: northwind"]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Registered payments");
    expect(run.stdout).toContain("2 tools: issue_refund, list_refunds");
    expect(run.stdout).toContain("Headers stored sealed: X-Api-Key, X-Tenant");
    expect(run.stdout + run.stderr).not.toContain("cli-secret");
    const [row] = await t.query<{ headers_sealed: string; created_by: string }>(`SELECT headers_sealed, created_by FROM tool_servers`);
    expect(row!.headers_sealed).not.toContain("cli-secret");
    expect(row!.created_by).toMatch(/^cli:/);
    expect((await loadUpstreams(t.db))[0]!.headers).toEqual({ "X-Api-Key": SECRET, "X-Tenant": "northwind" });
  });

  it("add refuses with a message and a non-zero exit: a malformed header, wrong credentials, a duplicate tool", async () => {
    const malformed = await mandate(["tools", "add", "carrier", "--url", upstream.url, "--header", "no colon here"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--header takes "Name: value"');
    const wrong = await mandate(["tools", "add", "carrier", "--url", upstream.url, "--header", "X-Api-Key: nope"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/refused the credentials \(HTTP 401\)/);
    const twice = await mandate(["tools", "add", "carrier", "--url", upstream.url, "--header", `X-Api-Key: ${SECRET}`]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("issue_refund is already exposed by payments");
    expect(await t.query(`SELECT name FROM tool_servers`)).toEqual([{ name: "payments" }]);
  });

  it("list shows name, address, status, tool count, header names and no values", async () => {
    const run = await mandate(["tools", "list"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`payments  ${upstream.url}  ok  2 tools  headers: X-Api-Key, X-Tenant`);
    expect(run.stdout).toContain("tools: issue_refund, list_refunds");
    expect(run.stdout).not.toContain("cli-secret");
  });

  it("remove unregisters it, audited as the CLI; removing it again fails", async () => {
    const run = await mandate(["tools", "remove", "payments"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Removed payments (2 tools)");
    expect(await t.query(`SELECT 1 FROM tool_servers`)).toHaveLength(0);
    expect(await t.query(`SELECT action, actor_type FROM audit_entries WHERE action LIKE 'tool_server.%' ORDER BY id`)).toEqual([
      { action: "tool_server.register", actor_type: "cli" },
      { action: "tool_server.remove", actor_type: "cli" },
    ]);
    const again = await mandate(["tools", "remove", "payments"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("No tool server is named payments");
    const empty = await mandate(["tools", "list"]);
    expect(empty.stdout).toContain("No tool servers are registered");
  });
});
