// Display formatting shared by server and client components.

export function formatDateTime(date: Date | string): string {
  const d = typeof date === "string" ? new Date(date) : date;
  return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** Exact decimal text as money: "$180.00", "€12.50"; never through a float. */
export function formatMoney(amount: string | null, currency: string | null): string {
  if (amount === null) return "—";
  const exact = amount as unknown as number; // Intl formats decimal strings exactly
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 8 }).format(exact);
  return new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 8 }).format(exact);
}

export function formatRelative(date: Date, now = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit] = abs < 60 ? [abs, "s"] : abs < 3600 ? [Math.round(abs / 60), "min"] : abs < 86_400 ? [Math.round(abs / 3600), "h"] : [Math.round(abs / 86_400), "d"];
  return seconds >= 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}
