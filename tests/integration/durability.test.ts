import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAgentKey, publishExamplePolicy } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
});
afterAll(async () => t.drop());

describe("durability", () => {
  it("a decision the agent received survives the server being killed right after the response", async () => {
    const key = await newAgentKey(t, "support-bot");
    const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/fixtures/api-child.ts", t.url], { stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        const match = /port=(\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      child.on("exit", (code) => reject(new Error(`child exited ${code}`)));
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/decisions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ action: "return.label", customer: { id: `cus_${i}` } }),
      });
      ids.push(((await res.json()) as { id: string }).id);
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const decisions = await t.query(`SELECT id FROM decisions WHERE id = ANY($1)`, [ids]);
    const audits = await t.query(`SELECT subject_id FROM audit_entries WHERE action = 'decision.create' AND subject_id = ANY($1)`, [ids]);
    expect(decisions).toHaveLength(5);
    expect(audits).toHaveLength(5);
  });
});
