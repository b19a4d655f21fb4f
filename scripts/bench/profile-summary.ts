import { readFileSync } from "node:fs";
import path from "node:path";

// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time inside a time window, by function
// and by where the code lives (our lib/ files, a package, node internals, GC). Profile timestamps
// are CLOCK_MONOTONIC microseconds, the same clock as process.hrtime in the harness.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  windowMs: number;
  sampledMs: number;
  byFunction: ProfileEntry[];
  byModule: ProfileEntry[];
}

const ROOT_MARKERS = ["/node_modules/", "/lib/", "/app/", "/.next/"];

function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native/builtin)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const file = url.replace(/^file:\/\//, "");
  const modules = file.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const parts = file.slice(modules + "/node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (file.includes("/.next/")) return ".next (bundled app)";
  for (const marker of ROOT_MARKERS) {
    const at = file.lastIndexOf(marker);
    if (at >= 0) return file.slice(at + 1);
  }
  return path.basename(file);
}

function top(totals: Map<string, number>, total: number, limit: number): ProfileEntry[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }));
}

/** Self time between `fromUs` and `toUs` (monotonic microseconds), idle excluded. */
export function summarizeProfile(file: string, fromUs: number, toUs: number, limit = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let sampled = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    const delta = profile.timeDeltas[index + 1] ?? 0;
    if (at < fromUs || at > toUs) return;
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") return;
    const where = moduleOf(frame.url, frame.functionName);
    const name = `${frame.functionName || "(anonymous)"} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
    byModule.set(where, (byModule.get(where) ?? 0) + delta);
    sampled += delta;
  });
  return {
    windowMs: Math.round((toUs - fromUs) / 1000),
    sampledMs: Math.round(sampled / 1000),
    byFunction: top(byFunction, sampled, limit),
    byModule: top(byModule, sampled, limit),
  };
}
