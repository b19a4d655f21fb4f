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

// Kept on the connection itself, under a global symbol: the Next.js bundle and the custom server
// load their own copies of this module but share the pool's connections.
const PREPARED = Symbol.for("mandate.sqlPreparedStatements");
type Tracked = pg.PoolClient & { [PREPARED]?: Set<string> };

/**
 * Prepares on this connection the statements it has not prepared yet, each in a round trip of its
 * own, once per connection. Call it outside a transaction: a PREPARE that fails inside one aborts it.
 */
export async function ensurePrepared(client: pg.PoolClient, statements: readonly SqlStatement[]): Promise<void> {
  const known = ((client as Tracked)[PREPARED] ??= new Set());
  for (const statement of statements) {
    if (known.has(statement.name)) continue;
    try {
      await client.query(`PREPARE ${statement.name} (${statement.types.join(", ")}) AS ${statement.text}`);
    } catch (error) {
      // duplicate_prepared_statement: prepared already on this connection (by code that did not mark it).
      if ((error as { code?: string }).code !== "42P05") throw error;
    }
    known.add(statement.name);
  }
}

/** Runs `parts` (SQL text, EXECUTEs of prepared statements) as one simple query; returns each part's result, in order. */
export async function simpleQuery(client: pg.PoolClient, parts: readonly string[]): Promise<pg.QueryResult[]> {
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
