import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const INPUT_DIRS = ["app", "components", "lib", "public"];
const INPUT_FILES = ["next.config.js", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];
const STAMP = ".next/mandate-build-stamp";

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "generated" || entry.name === "node_modules") continue;
      out.push(...(await listFiles(full)));
    } else if (!/\.(test|int\.test)\.tsx?$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** A digest of everything the production build is made from. */
export async function sourceDigest(root = PROJECT_ROOT): Promise<string> {
  const files = [
    ...(await Promise.all(INPUT_DIRS.map((d) => listFiles(path.join(root, d))))).flat(),
    ...INPUT_FILES.map((f) => path.join(root, f)).filter((f) => existsSync(f)),
  ].sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(root, file)).update("\0").update(await readFile(file)).update("\0");
  }
  return hash.digest("hex");
}

export async function buildIsCurrent(root = PROJECT_ROOT): Promise<boolean> {
  const stamp = path.join(root, STAMP);
  if (!existsSync(path.join(root, ".next/BUILD_ID")) || !existsSync(stamp)) return false;
  return (await readFile(stamp, "utf8")).trim() === (await sourceDigest(root));
}

function run(command: string, args: string[], root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

/** Regenerates the Prisma client and runs `next build`, then stamps the build with its inputs. */
export async function buildApp(root = PROJECT_ROOT): Promise<void> {
  await run("bash", ["scripts/prisma-generate.sh"], root);
  const digest = await sourceDigest(root);
  await run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], root);
  await writeFile(path.join(root, STAMP), digest);
}

/** How `mandate start` treats the production build: build only when there is none (the default), always, or never. */
export type BuildChoice = "if-missing" | "always" | "never";

/**
 * Before starting: a missing build is made; a build older than the sources is used as it is, with
 * a warning (a deployment never rebuilds itself by surprise), unless a rebuild was asked for.
 */
export async function prepareBuild(choice: BuildChoice, log: (line: string) => void, root = PROJECT_ROOT): Promise<void> {
  if (choice === "never") return;
  if (choice === "always") {
    log("building the console (--build)…");
    return buildApp(root);
  }
  if (!existsSync(path.join(root, ".next/BUILD_ID"))) {
    log("no production build yet: building (about a minute)…");
    return buildApp(root);
  }
  if (!(await buildIsCurrent(root))) log("warning: the production build is older than the sources; starting it as it is (run `mandate build`, or start with --build, to rebuild)");
}

export async function ensureBuild(log: (line: string) => void, root = PROJECT_ROOT): Promise<void> {
  if (await buildIsCurrent(root)) return;
  log("the production build is missing or stale: building (about a minute)…");
  await buildApp(root);
}
