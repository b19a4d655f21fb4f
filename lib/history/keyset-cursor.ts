import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * A position in a list ordered by (sort value, id): the page after or before a row. Keyset
 * pagination costs the same on page 1 and page 10,000, where OFFSET reads every skipped row.
 */
export interface KeysetCursor {
  /** The sort key of the boundary row, as text (an ISO timestamp or a decimal); null sorts last. */
  value: string | null;
  id: string;
  direction: "next" | "prev";
}

const cursorSchema = z.strictObject({
  v: z.string().max(100).nullable(),
  i: z.string().min(1).max(100),
  d: z.enum(["next", "prev"]),
});

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify({ v: cursor.value, i: cursor.id, d: cursor.direction })).toString("base64url");
}

/** A cursor comes from a URL someone may have edited: anything unreadable is a clear 400, never a 500. */
export function decodeCursor(text: string): KeysetCursor {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    raw = null;
  }
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("validation_failed", "This page link is damaged or out of date: go back to the first page.", [{ path: "cursor", message: "Unreadable page cursor" }]);
  return { value: parsed.data.v, id: parsed.data.i, direction: parsed.data.d };
}

export interface KeysetPage<Row> {
  rows: Row[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * Turns the `size + 1` rows fetched in the direction of travel into a page in display order,
 * with cursors to its neighbours. Rows fetched backwards (for "Previous") arrive reversed.
 */
export function toKeysetPage<Row>(fetched: Row[], size: number, cursor: KeysetCursor | null, keyOf: (row: Row) => { value: string | null; id: string }): KeysetPage<Row> {
  const more = fetched.length > size;
  const rows = fetched.slice(0, size);
  const backwards = cursor?.direction === "prev";
  if (backwards) rows.reverse();
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : cursor !== null;
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    rows,
    nextCursor: hasNext && last ? encodeCursor({ ...keyOf(last), direction: "next" }) : null,
    prevCursor: hasPrev && first ? encodeCursor({ ...keyOf(first), direction: "prev" }) : null,
  };
}
