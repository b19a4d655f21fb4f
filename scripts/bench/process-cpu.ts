import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// CPU time from /proc, to split a run's CPU between the server's node process, its PostgreSQL
// and everything else on the machine (other sessions share these 2 cores). Linux only; elsewhere
// every figure reads as zero.

export interface CpuSample {
  wallMs: number;
  /** Seconds of CPU: the server's node process (and any non-postgres children). */
  server: number;
  /** Seconds of CPU: the embedded PostgreSQL (postmaster and backends). */
  postgres: number;
  /** Seconds of CPU: this process, which runs the load generator, and its children once reaped (wrk). */
  loadGenerator: number;
  /** Seconds of CPU busy on the whole machine, steal included. */
  machine: number;
  /** Seconds of CPU the hypervisor gave to other guests while this one wanted it (steal). */
  steal: number;
}

export interface CpuSplit {
  /** Average cores in use during the run, per consumer (2.0 = both cores of a 2-core box). */
  serverCores: number;
  postgresCores: number;
  loadGeneratorCores: number;
  otherCores: number;
  /** Cores' worth of time taken by the hypervisor (on a VM, the part of "slow minutes" we can see). */
  stolenCores: number;
  machineCores: number;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readProcStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may itself contain spaces or parentheses.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    const ppid = Number(fields[1]);
    // utime + stime, plus cutime + cstime: the CPU of children it has reaped. A PostgreSQL backend
    // that exits mid-run (the pool closes idle connections) leaves its time to the postmaster
    // this way; without it the postgres total could fall during a run and read as zero.
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid, ppid, comm, ticks };
  } catch {
    return null; // exited while we looked
  }
}

/** Every process under `rootPid`, the root included. */
export function descendants(rootPid: number): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const all = entries.filter((name) => /^\d+$/.test(name)).map((name) => readProcStat(Number(name)));
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    if (!stat) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  }
  const root = all.find((stat) => stat?.pid === rootPid);
  if (!root) return [];
  const out: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const next = queue.shift()!;
    out.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return out;
}

function machineTicks(): { busy: number; steal: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return { busy: (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0), steal: steal ?? 0 };
  } catch {
    return { busy: 0, steal: 0 };
  }
}

export function sampleCpu(serverPid: number): CpuSample {
  let server = 0;
  let postgres = 0;
  for (const stat of descendants(serverPid)) {
    if (stat.comm.startsWith("postgres")) postgres += stat.ticks;
    else server += stat.ticks;
  }
  const own = readProcStat(process.pid);
  const machine = machineTicks();
  return {
    wallMs: performance.now(),
    server: server / TICKS_PER_SECOND,
    postgres: postgres / TICKS_PER_SECOND,
    loadGenerator: (own?.ticks ?? 0) / TICKS_PER_SECOND,
    machine: machine.busy / TICKS_PER_SECOND,
    steal: machine.steal / TICKS_PER_SECOND,
  };
}

export function cpuSplit(before: CpuSample, after: CpuSample): CpuSplit {
  const seconds = (after.wallMs - before.wallMs) / 1000;
  const cores = (value: number) => Math.round((Math.max(0, value) / seconds) * 100) / 100;
  const server = after.server - before.server;
  const postgres = after.postgres - before.postgres;
  const loadGenerator = after.loadGenerator - before.loadGenerator;
  const machine = after.machine - before.machine;
  const steal = after.steal - before.steal;
  return {
    serverCores: cores(server),
    postgresCores: cores(postgres),
    loadGeneratorCores: cores(loadGenerator),
    otherCores: cores(machine - server - postgres - loadGenerator - steal),
    stolenCores: cores(steal),
    machineCores: cores(machine),
  };
}
