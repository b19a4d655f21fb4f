import { readFileSync } from "node:fs";
import internals from "@prisma/internals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./database";

// Our runner applies hand-written SQL (no Prisma engine here), so this test is what guarantees
// the migrated database is exactly the one schema.prisma describes.

interface Column {
  type: string;
  nullable: boolean;
}

const SCALAR_UDT: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
  Decimal: "numeric",
  Float: "float8",
};

function nativeUdt(native: [string, string[]] | null | undefined, fallback: string): string {
  if (!native) return fallback;
  const [name, args] = native;
  if (name === "Uuid") return "uuid";
  if (name === "Timestamptz") return `timestamptz(${args[0]})`;
  if (name === "Decimal") return `numeric(${args.join(",")})`;
  throw new Error(`unmapped native type ${name}`);
}

async function expectedSchema() {
  const { datamodel } = await internals.getDMMF({ datamodel: readFileSync("prisma/schema.prisma", "utf8") });
  const tables = new Map<string, Map<string, Column>>();
  const indexes = new Set<string>();
  const foreignKeys = new Set<string>();
  for (const model of datamodel.models) {
    const table = model.dbName ?? model.name;
    const dbName = (field: string) => model.fields.find((f) => f.name === field)?.dbName ?? field;
    const columns = new Map<string, Column>();
    for (const field of model.fields) {
      if (field.kind === "object") continue;
      let type = field.kind === "enum" ? field.type : nativeUdt(field.nativeType as [string, string[]] | null, SCALAR_UDT[field.type]!);
      if (type === "timestamp") type = "timestamp(3)";
      if (type === "numeric") type = "numeric(65,30)";
      if (field.isList) type = `${type}[]`;
      columns.set(field.dbName ?? field.name, { type, nullable: !field.isRequired || field.isList });
    }
    tables.set(table, columns);
    for (const index of datamodel.indexes.filter((i) => i.model === model.name)) {
      const cols = index.fields.map((f) => dbName(f.name));
      const kind = index.type === "id" ? "pkey" : index.type === "unique" ? "unique" : "index";
      indexes.add(`${table}(${cols.join(",")}) ${kind}`);
    }
    for (const field of model.fields) {
      if (field.kind !== "object" || !field.relationFromFields?.length) continue;
      const target = datamodel.models.find((m) => m.name === field.type)!;
      const targetCol = (f: string) => target.fields.find((x) => x.name === f)?.dbName ?? f;
      const required = field.relationFromFields.every((f) => model.fields.find((x) => x.name === f)?.isRequired);
      const onDelete = field.relationOnDelete ? { Cascade: "CASCADE", SetNull: "SET NULL", Restrict: "RESTRICT" }[field.relationOnDelete] : required ? "RESTRICT" : "SET NULL";
      foreignKeys.add(`${table}(${field.relationFromFields.map(dbName).join(",")}) -> ${target.dbName ?? target.name}(${field.relationToFields!.map(targetCol).join(",")}) on delete ${onDelete}`);
    }
  }
  const enums = new Map(datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
  return { tables, indexes, foreignKeys, enums };
}

async function actualSchema(t: TestDatabase) {
  const columns = await t.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string; numeric_precision: number | null; numeric_scale: number | null; datetime_precision: number | null }>(
    `SELECT c.table_name, c.column_name, c.udt_name, c.is_nullable, c.numeric_precision, c.numeric_scale, c.datetime_precision
       FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> '_prisma_migrations'`,
  );
  // information_schema does not report array element modifiers; format_type does.
  const formatted = await t.query<{ table_name: string; column_name: string; type: string }>(
    `SELECT cl.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
      WHERE n.nspname = 'public' AND cl.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const typeOf = new Map(formatted.map((r) => [`${r.table_name}.${r.column_name}`, r.type]));
  const tables = new Map<string, Map<string, Column>>();
  for (const c of columns) {
    let type = c.udt_name.startsWith("_") ? `${c.udt_name.slice(1)}[]` : c.udt_name;
    if (type === "numeric") type = `numeric(${c.numeric_precision},${c.numeric_scale})`;
    if (type === "timestamptz" || type === "timestamp") type = `${type}(${c.datetime_precision})`;
    if (type.endsWith("[]") && !/^"?[A-Z]/.test(type)) type = typeOf.get(`${c.table_name}.${c.column_name}`)!.replace(/^"(.*)"\[\]$/, "$1[]");
    if (!tables.has(c.table_name)) tables.set(c.table_name, new Map());
    tables.get(c.table_name)!.set(c.column_name, { type, nullable: c.is_nullable === "YES" });
  }
  const indexRows = await t.query<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(
    `SELECT t.relname AS table, array_agg(a.attname::text ORDER BY k.ord) AS columns, ix.indisunique AS unique, ix.indisprimary AS primary
       FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations' AND ix.indpred IS NULL AND ix.indexprs IS NULL
      GROUP BY ix.indexrelid, t.relname, ix.indisunique, ix.indisprimary`,
  );
  const indexes = new Set(indexRows.map((r) => `${r.table}(${r.columns.join(",")}) ${r.primary ? "pkey" : r.unique ? "unique" : "index"}`));
  const fkRows = await t.query<{ def: string; table: string }>(
    `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
  );
  const foreignKeys = new Set(
    fkRows.map((r) => {
      const m = /FOREIGN KEY \((.+?)\) REFERENCES (\S+)\((.+?)\)(?: ON UPDATE (\w+))?(?: ON DELETE (SET NULL|CASCADE|RESTRICT))?/.exec(r.def)!;
      const unquote = (s: string) => s.replaceAll('"', "").replaceAll(" ", "");
      return `${unquote(r.table)}(${unquote(m[1]!)}) -> ${unquote(m[2]!)}(${unquote(m[3]!)}) on delete ${m[5] ?? "NO ACTION"}`;
    }),
  );
  const enumRows = await t.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
  );
  return { tables, indexes, foreignKeys, enums: new Map(enumRows.map((r) => [r.name, r.values])) };
}

describe("migrated database matches schema.prisma", () => {
  let t: TestDatabase;
  let expected: Awaited<ReturnType<typeof expectedSchema>>;
  let actual: Awaited<ReturnType<typeof actualSchema>>;
  beforeAll(async () => {
    t = await createTestDatabase();
    [expected, actual] = await Promise.all([expectedSchema(), actualSchema(t)]);
  });
  afterAll(async () => t.drop());

  it("has the same tables", () => {
    expect([...actual.tables.keys()].sort()).toEqual([...expected.tables.keys()].sort());
  });

  it("has the same columns, types and nullability", () => {
    for (const [table, columns] of expected.tables) {
      expect(Object.fromEntries(actual.tables.get(table) ?? []), table).toEqual(Object.fromEntries(columns));
    }
  });

  it("has the same primary keys, unique constraints and indexes", () => {
    expect([...actual.indexes].sort()).toEqual([...expected.indexes].sort());
  });

  it("has the partial and expression indexes that only the SQL migrations can declare", async () => {
    const rows = await t.query<{ indexname: string }>(
      `SELECT c.relname AS indexname FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND (ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL) ORDER BY 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(["approvals_escalation_due_idx", "decisions_holds_denials_idx", "decisions_limit_agent_idx", "decisions_limit_customer_idx", "decisions_limit_global_idx"]);
  });

  it("has the same foreign keys", () => {
    expect([...actual.foreignKeys].sort()).toEqual([...expected.foreignKeys].sort());
  });

  it("has the same enums", () => {
    expect(Object.fromEntries(actual.enums)).toEqual(Object.fromEntries(expected.enums));
  });
});
