import { AppError } from "@/lib/errors";

/**
 * The header rows of the console form (`headerName.<i>`, `headerValue.<i>`) as name → value.
 * Fully empty rows are skipped; a row with only a value keeps an empty name so validation names it.
 */
export function headersFromForm(formData: FormData): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    const match = /^headerName\.(\d{1,2})$/.exec(key);
    if (!match || typeof value !== "string") continue;
    const name = value.trim();
    const headerValue = String(formData.get(`headerValue.${match[1]}`) ?? "").trim();
    if (!name && !headerValue) continue;
    if (Object.keys(headers).some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw new AppError("validation_failed", `The header ${name || "without a name"} is given twice.`, [{ path: `headers.${name}`, message: "Given twice" }]);
    }
    headers[name] = headerValue;
  }
  return headers;
}
