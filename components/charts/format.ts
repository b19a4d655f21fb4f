import { formatMoney } from "@/components/ui/format";

// How chart numbers read, in the charts' axes and tooltips, their tables and their summaries.

export type ValueKind = "time" | "text" | "count" | "percent" | "seconds" | "money";
export type Granularity = "hour" | "day";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A bucket's start in UTC, as the console shows times: "Nov 21" for days, "Nov 21 14:00" for hours. */
export function formatBucket(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  return granularity === "day" ? day : `${day} ${String(d.getUTCHours()).padStart(2, "0")}:00`;
}

/** The short axis tick: hours within a day read as "14:00", a new day as "Nov 21". */
export function formatBucketTick(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  if (granularity === "day" || d.getUTCHours() === 0) return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  return `${String(d.getUTCHours()).padStart(2, "0")}:00`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** A fraction (0.924) as "92.4%"; null as "—". */
export function formatPercent(fraction: number | null): string {
  if (fraction === null) return "—";
  return `${(fraction * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;
}

/** Seconds as people say them: "8.5 s", "4.2 min", "3.1 h", "2.5 d". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return "—";
  const one = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 1 });
  if (seconds < 60) return `${one(seconds)} s`;
  if (seconds < 3600) return `${one(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${one(seconds / 3600)} h`;
  return `${one(seconds / 86_400)} d`;
}

export function formatValue(kind: ValueKind, value: string | number | null | undefined, options: { currency: string | null; granularity: Granularity }): string {
  if (value === null || value === undefined || value === "") return "—";
  switch (kind) {
    case "time":
      return formatBucket(String(value), options.granularity);
    case "count":
      return formatCount(Number(value));
    case "percent":
      return formatPercent(Number(value));
    case "seconds":
      return formatSeconds(Number(value));
    case "money":
      return formatMoney(String(value), options.currency);
    case "text":
      return String(value);
  }
}
