import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getKeyStore } from "@/lib/keys/current-key-store";
import { publicJwks } from "@/lib/keys/key-store";
import { actionDigest, verifyGrant } from "./verify-grant";
import { grantFor, grantIssuer } from "./make-grant";

// docs/api/grants.md shows how a system of record verifies a grant, in TypeScript and in Python.
// Both examples are run here, as written, against real grants: if either drifts from what Mandate
// issues, this fails.

const DOC = readFileSync(path.join(__dirname, "../../docs/api/grants.md"), "utf8");
const example = (check: string) => new RegExp(`<!-- check: ${check} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC)![1]!;

const call = { action: "refund.issue", customerId: "cus_8841", params: { amount: "42.50", currency: "USD", order_id: "ord_1193" } };
const freshGrant = (id: string) =>
  grantFor(
    { id, agentName: "support-bot", action: call.action, status: "allowed", actionDigest: actionDigest(call), customerId: call.customerId, amount: "42.5", currency: "USD", policyVersion: 7, createdAt: new Date(), decidedAt: null },
    [],
  )!;

let jwksServer: http.Server;
let jwksUrl: string;
beforeAll(async () => {
  jwksServer = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/jwk-set+json" }).end(JSON.stringify(publicJwks(getKeyStore()))));
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  jwksServer.closeAllConnections();
  await new Promise((resolve) => jwksServer.close(resolve));
});

describe("grants.md", () => {
  it("the TypeScript example refunds once with a real grant and refuses a reuse and another amount", async () => {
    const source = example("grant-typescript")
      .replace(/^import .*$/m, "")
      .replace("https://mandate.northwind.example/.well-known/jwks.json", jwksUrl)
      .replace('issuer: "https://mandate.northwind.example"', `issuer: ${JSON.stringify(grantIssuer())}`);
    const { code } = await transform(source, { loader: "ts", format: "cjs" });
    const compiled: { exports: { issueRefund?: (args: Record<string, string>, grant: string) => Promise<void> } } = { exports: {} };
    new Function("module", "exports", "verifyGrant", code)(compiled, compiled.exports, verifyGrant);
    const issueRefund = compiled.exports.issueRefund!;
    const args = { customer_id: "cus_8841", order_id: "ord_1193", amount: "42.50", currency: "USD" };

    const grant = freshGrant("dec_docs_ts");
    await expect(issueRefund({ ...args, amount: "425.00" }, grant)).rejects.toThrow("refused (wrong_call, params.amount)");
    await expect(issueRefund(args, grant)).resolves.toBeUndefined();
    await expect(issueRefund(args, grant)).rejects.toThrow("refused (reused)");
    await expect(issueRefund(args, "eyJhbGciOiJub25lIn0.e30.")).rejects.toThrow(/refused \((malformed|bad_signature)\)/);
  });

  const python = spawnSync("python3", ["-c", "import cryptography"]).status === 0;
  it.runIf(python)("the Python example verifies a real grant, its digest recipe matches, and it refuses a tampered call and a reuse", { timeout: 30_000 }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mandate-grant-py-"));
    writeFileSync(path.join(dir, "verify_grant.py"), example("grant-python"));
    const grant = freshGrant("dec_docs_py");
    // One Python process runs every case, in order (the verifier keeps its honoured jtis between calls).
    const amounts = ["100.00", "0.00", "0.10", 7, "1234567890.12345678"];
    const cases = [
      { params: call.params, verify: true },
      { params: call.params, verify: true },
      { params: { ...call.params, amount: "42.5000" }, verify: false },
      { params: { ...call.params, order_id: "ord_2" }, verify: true },
      ...amounts.map((amount) => ({ params: { ...call.params, amount }, verify: false })),
    ];
    const driver = `import json, sys
from verify_grant import verify_grant, action_digest
a = json.loads(sys.argv[1])
out = []
for case in a["cases"]:
    result = {"digest": action_digest(a["action"], a["customer"], case["params"])}
    if case["verify"]:
        try:
            result["jti"] = verify_grant(a["grant"], a["jwks"], a["action"], a["customer"], case["params"], issuer=a["issuer"])["jti"]
        except Exception as e:
            result["refused"] = str(e) or type(e).__name__
    out.append(result)
print(json.dumps(out))`;
    const input = JSON.stringify({ grant, jwks: publicJwks(getKeyStore()), action: call.action, customer: call.customerId, issuer: grantIssuer(), cases });
    const results = JSON.parse(execFileSync("python3", ["-c", driver, input], { cwd: dir, encoding: "utf8" })) as { digest: string; jti?: string; refused?: string }[];
    expect(results[0]).toEqual({ digest: actionDigest(call), jti: "dec_docs_py" });
    expect(results[1]).toEqual({ digest: actionDigest(call), refused: "reused" });
    // "42.5000" normalises like "42.50": the same digest.
    expect(results[2]!.digest).toBe(actionDigest(call));
    expect(results[3]!.refused).toBe("wrong_call");
    // Amount forms the recipe normalises alike in both languages.
    amounts.forEach((amount, i) => expect(results[4 + i]!.digest, String(amount)).toBe(actionDigest({ ...call, params: { ...call.params, amount } })));
  });
});
