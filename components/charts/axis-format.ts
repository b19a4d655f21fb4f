import { formatPercent, formatSeconds, type ValueKind } from "./format";

/** Short axis labels: "12k", "$1.2M", "40%", "5 min". */
export function axisTickFormatter(kind: ValueKind, currency: string | null): (value: number) => string {
  switch (kind) {
    case "percent":
      return (v) => formatPercent(v);
    case "seconds":
      return (v) => formatSeconds(v);
    case "money": {
      const money = new Intl.NumberFormat("en-US", currency && /^[A-Z]{3}$/.test(currency) ? { notation: "compact", style: "currency", currency } : { notation: "compact" });
      return (v) => money.format(v);
    }
    default: {
      const compact = new Intl.NumberFormat("en-US", { notation: "compact" });
      return (v) => compact.format(v);
    }
  }
}
