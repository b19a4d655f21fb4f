import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildIsCurrent, prepareBuild, sourceDigest } from "./build";

// Issue #24 point 7: `mandate start` rebuilt the console whenever a source had changed, a surprise
// in a deployment. Now it builds only when there is no build, or when asked.
function project(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "mandate-build-"));
  mkdirSync(path.join(root, "lib"));
  writeFileSync(path.join(root, "lib/a.ts"), "export const a = 1;\n");
  return root;
}

async function built(root: string): Promise<void> {
  mkdirSync(path.join(root, ".next"), { recursive: true });
  writeFileSync(path.join(root, ".next/BUILD_ID"), "x");
  writeFileSync(path.join(root, ".next/mandate-build-stamp"), await sourceDigest(root));
}

describe("prepareBuild", () => {
  it("starts a build older than the sources as it is, with a warning, instead of rebuilding", async () => {
    const root = project();
    await built(root);
    expect(await buildIsCurrent(root)).toBe(true);
    writeFileSync(path.join(root, "lib/a.ts"), "export const a = 2;\n");
    expect(await buildIsCurrent(root)).toBe(false);
    const lines: string[] = [];
    await prepareBuild("if-missing", (line) => lines.push(line), root);
    expect(lines).toEqual([expect.stringMatching(/^warning: the production build is older than the sources; starting it as it is/)]);
    expect(await buildIsCurrent(root)).toBe(false); // nothing was built
  });

  it("says nothing for a current build, and never looks with --no-build", async () => {
    const root = project();
    await built(root);
    const lines: string[] = [];
    await prepareBuild("if-missing", (line) => lines.push(line), root);
    await prepareBuild("never", (line) => lines.push(line), root);
    expect(lines).toEqual([]);
  });
});
