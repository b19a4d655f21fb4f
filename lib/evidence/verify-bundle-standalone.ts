// The standalone evidence verifier: `mandate audit verifier --output verify-evidence.mjs` bundles
// this file with everything it imports into one file that runs on Node.js 20+ alone, from any
// folder, with no network unless --jwks is given. For auditors, who have no Mandate install.
import { parseArgs } from "node:util";
import { loadBundleTrust } from "./bundle-trust";
import { formatEvidenceVerification, verifyEvidenceBundle } from "./verify-evidence-bundle";

const USAGE = `Usage: node mandate-verify-evidence.mjs <bundle.ndjson.gz> (--key <jwks.json> | --jwks <url> | --fingerprint <fingerprint>) [--json]

Verifies a Mandate evidence bundle offline: every audit entry against its hash, every seal against
its entries and its Ed25519 signature by a key you trust, the seal chain, and that every record has
audit evidence. Give the key you obtained from the server separately (its /.well-known/jwks.json,
a key file, or the fingerprint shown on its Evidence page). Exit code 0: verified; 1: not.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { key: { type: "string" }, jwks: { type: "string" }, fingerprint: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const trust = await loadBundleTrust(values);
  const result = await verifyEvidenceBundle(positionals[0]!, trust);
  console.log(values.json ? JSON.stringify(result, null, 2) : formatEvidenceVerification(result));
  process.exitCode = result.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`verify-evidence: ${(error as Error).message}`);
  process.exitCode = 2;
});
