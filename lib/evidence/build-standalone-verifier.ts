import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bundles the standalone evidence verifier (zod and decimal.js included) into one ES module file. */
export async function buildStandaloneVerifier(outfile: string): Promise<void> {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [path.join(here, "verify-bundle-standalone.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(here, "..", "..", "tsconfig.json"),
    banner: { js: "#!/usr/bin/env node\n// Mandate evidence verifier: runs on Node.js 20+ alone. Usage: node <this file> --help" },
    legalComments: "none",
    logLevel: "silent",
  });
}
