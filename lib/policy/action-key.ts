import { actionKeySchema } from "./document-schema";

// Little words that name nothing: "negotiate the terms of a contract" → negotiate.terms.contract.
const FILLER = new Set(["a", "an", "the", "of", "to", "for", "and", "or", "on", "in", "with", "by", "from", "any", "some"]);
const MAX = 128;

/**
 * An action key made from words a person typed ("Negotiate contract terms" → negotiate.contract.terms):
 * lowercase letters and digits, accents dropped, filler words left out, words joined by dots, at
 * most 128 characters cut at a word. Always satisfies the document's action-key rule, or is "".
 */
export function deriveActionKey(text: string): string {
  const words = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const kept = words.filter((word) => !FILLER.has(word));
  let key = "";
  for (const word of kept.length ? kept : words) {
    const next = key ? `${key}.${word}` : word;
    if (next.length > MAX) break;
    key = next;
  }
  return key || (words[0] ?? "").slice(0, MAX);
}

/** Whether the document accepts this action key. */
export function isActionKey(key: string): boolean {
  return actionKeySchema.safeParse(key).success;
}

/** An action key read as words ("contract.negotiate" → "contract negotiate"), for keys the policy has no label for. */
export function actionKeyWords(key: string): string {
  return key.replace(/[._-]+/g, " ");
}
