const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The name a draft gets when its author gives none: what it is about, who started it and when
 * ("Forbidden actions: change by Lena, 7 Dec"), never an internal id or a version counter.
 */
export function defaultDraftTitle(input: { topic?: string | null; author: string; at: Date; fromReviewCase?: boolean }): string {
  const author = input.author.trim();
  // A person's first name; an email's local part when there is no name.
  const first = author.includes("@") ? author.split("@")[0]! : (author.split(/\s+/)[0] ?? author);
  const day = `${input.at.getUTCDate()} ${MONTHS[input.at.getUTCMonth()]}`;
  const what = input.fromReviewCase ? "change from a review case" : "change";
  return input.topic ? `${input.topic}: ${what} by ${first}, ${day}` : `Policy ${what} by ${first}, ${day}`;
}

/** Longest name a person may give a draft: it is a heading and a table cell. */
export const DRAFT_TITLE_MAX = 120;
