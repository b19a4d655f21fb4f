import { pino, type Logger } from "pino";
import { getEnv } from "@/lib/env";

/**
 * The server's one logger (pino), at MANDATE_LOG_LEVEL. JSON lines (time, level, msg and fields)
 * where a machine reads the output; one readable line each on a terminal. MANDATE_LOG_FORMAT
 * (`json` | `pretty`) overrides the choice. Command-line output for people stays on the console.
 */
let root: Logger | null = null;

export function logger(): Logger {
  if (root) return root;
  const env = getEnv();
  const format = env.MANDATE_LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json");
  const options = { level: env.MANDATE_LOG_LEVEL, base: { service: "mandate" }, timestamp: pino.stdTimeFunctions.isoTime };
  root = format === "pretty" ? pino(options, { write: (line: string) => void process.stdout.write(readable(line)) }) : pino(options);
  return root;
}

/** A logger for one part of the server (`component` on every line). */
export function componentLogger(component: string): Logger {
  return logger().child({ component });
}

/** The `(line) => void` the server's parts take, at info level, for one component. */
export function lineLogger(component: string): (line: string) => void {
  return (line) => componentLogger(component).info(line);
}

const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
const OWN = new Set(["time", "level", "msg", "service", "component", "pid", "hostname", "err"]);

/** One JSON line as a person reads it: `12:03:04 warn  [sealer] message key=value`, then a stack if any. */
export function readable(line: string): string {
  const entry = JSON.parse(line) as Record<string, unknown> & { err?: { stack?: string; message?: string } };
  const time = typeof entry.time === "string" ? entry.time.slice(11, 19) : "";
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const component = entry.component ? ` [${String(entry.component)}]` : "";
  const fields = Object.entries(entry)
    .filter(([key]) => !OWN.has(key))
    .map(([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("");
  const stack = entry.err ? `\n${entry.err.stack ?? entry.err.message ?? ""}` : "";
  return `${time} ${level}${component} ${String(entry.msg ?? "")}${fields}${stack}\n`;
}
