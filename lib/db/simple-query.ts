import type pg from "pg";

// Several statements in one round trip. The extended protocol that node-postgres uses for
// parameters sends one statement per round trip; the simple protocol takes many at once, each
// with its own snapshot, but no parameters. So the statements are prepared once per connection
// with SQL PREPARE (their plans are cached like any prepared statement's), and run with EXECUTE
// and literal arguments, quoted by the helpers below.

/** A statement prepared with SQL PREPARE the first time a connection runs it. */
export interface SqlStatement {
  name: string;
  /** PostgreSQL types of $1, $2, … */
  types: readonly string[];
  text: string;
}

const prepared = new WeakMap<pg.PoolClient, Set<string>>();

/**
 * Runs `parts` (SQL text, EXECUTEs built with `execute`) as one simple query, after preparing the
 * statements they use on this connection if it has not prepared them yet (each in its own round
 * trip, once: a PREPARE that shared a failed query could not be told apart from one that did not
 * run). Returns each part's result, in order.
 */
export async function simpleQuery(client: pg.PoolClient, statements: readonly SqlStatement[], parts: readonly string[]): Promise<pg.QueryResult[]> {
  let known = prepared.get(client);
  if (!known) prepared.set(client, (known = new Set()));
  for (const statement of statements) {
    if (known.has(statement.name)) continue;
    await client.query(`PREPARE ${statement.name} (${statement.types.join(", ")}) AS ${statement.text}`);
    known.add(statement.name);
  }
  const results = (await client.query(parts.join(";\n"))) as unknown as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(results) ? results : [results];
}

/** `EXECUTE name(arg, …)` with arguments already quoted. */
export function execute(statement: SqlStatement, args: readonly string[]): string {
  return `EXECUTE ${statement.name}(${args.join(", ")})`;
}

/** A text literal. Dollar-quoted, so no character inside needs escaping whatever the server's settings. */
export function textLiteral(value: string): string {
  let tag = "$m$";
  for (let i = 0; value.includes(tag); i++) tag = `$m${i}$`;
  return `${tag}${value}${tag}`;
}

/** A literal of `type`, or NULL. */
export function literal(value: string | number | null, type: string): string {
  if (value === null) return `NULL::${type}`;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return `${value}::${type}`;
  }
  return `${textLiteral(value)}::${type}`;
}

/** An array literal of `type` (an element type such as text or uuid). */
export function arrayLiteral(values: readonly (string | number | null)[], type: string): string {
  return `ARRAY[${values.map((value) => literal(value, type)).join(", ")}]::${type}[]`;
}
