import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

// lib/<domain>/ folders may depend on each other in one direction only: a cycle between two
// domains (directly or through others) means neither can be understood or changed alone. This
// walks every import under lib/ (types included), folds files into their domains, and fails when
// the domain graph has a cycle, naming one import on each edge of it.
//   node --import tsx scripts/check-domain-cycles.ts

const ROOT = path.resolve(import.meta.dirname, "..");
const LIB = path.join(ROOT, "lib");
const SKIP = new Set(["generated"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The domain of a file (or a folder, imported by its index) under lib/: its first folder; lib's own files are each their own. */
function domainOf(file: string): string | null {
  const relative = path.relative(LIB, file);
  if (relative.startsWith("..")) return null;
  const [first, ...rest] = relative.split(path.sep);
  if (rest.length || (existsSync(file) && statSync(file).isDirectory())) return first!;
  return `lib/${first!.replace(/\.tsx?$/, "")}`;
}

function resolve(from: string, specifier: string): string | null {
  if (specifier.startsWith("@/")) return path.join(ROOT, specifier.slice(2));
  if (specifier.startsWith(".")) return path.resolve(path.dirname(from), specifier);
  return null;
}

export interface Edge {
  from: string;
  to: string;
  /** One import that makes the edge: file and specifier. */
  example: string;
}

export function domainEdges(files: string[]): Edge[] {
  const edges = new Map<string, Edge>();
  for (const file of files) {
    const from = domainOf(file);
    if (!from) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      const target = resolve(file, fileName);
      const to = target ? domainOf(target) : null;
      if (!to || to === from) continue;
      const key = `${from}\0${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, example: `${path.relative(ROOT, file)} imports ${fileName}` });
    }
  }
  return [...edges.values()];
}

/** Every cycle's domains (strongly connected components of more than one domain), with their edges. */
export function domainCycles(edges: Edge[]): { domains: string[]; edges: Edge[] }[] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      for (let member = stack.pop()!; ; member = stack.pop()!) {
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.map((domains) => ({ domains, edges: edges.filter((e) => domains.includes(e.from) && domains.includes(e.to)) }));
}

// The cycles found when the check was introduced, as their edges: debt to pay off (issue #24), not
// a licence. An edge inside a cycle that is not listed fails the check; a listed edge that no
// longer closes a cycle must be deleted from the list (the check says which), so it only shrinks.
const BASELINE = path.join(ROOT, "scripts/domain-cycles-baseline.txt");

function readBaseline(): Set<string> {
  if (!existsSync(BASELINE)) return new Set();
  return new Set(readFileSync(BASELINE, "utf8").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#")));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const cycles = domainCycles(domainEdges(sourceFiles(LIB)));
  const inCycles = cycles.flatMap((cycle) => cycle.edges);
  const name = (edge: Edge) => `${edge.from} -> ${edge.to}`;
  if (process.argv.includes("--write-baseline")) {
    const lines = inCycles.map(name).sort();
    writeFileSync(BASELINE, `# Imports between lib/ domains that close a cycle, known when the check began (scripts/check-domain-cycles.ts).\n# Delete a line once its cycle is broken; never add one.\n${lines.join("\n")}\n`);
    console.log(`domains: wrote ${lines.length} known edges to ${path.relative(ROOT, BASELINE)}`);
    process.exit(0);
  }
  const known = readBaseline();
  const added = inCycles.filter((edge) => !known.has(name(edge)));
  const gone = [...known].filter((line) => !inCycles.some((edge) => name(edge) === line));
  for (const edge of added) console.error(`domains: a new import closes a cycle between lib/ domains: ${name(edge)} (${edge.example}). Depend in one direction only: move the shared piece to the domain that owns it.`);
  for (const line of gone) console.error(`domains: "${line}" no longer closes a cycle: delete it from ${path.relative(ROOT, BASELINE)}.`);
  if (added.length || gone.length) process.exit(1);
  console.log(
    inCycles.length
      ? `domains: no new import cycle between lib/ domains (${inCycles.length} known edges in ${cycles.length} cycle${cycles.length === 1 ? "" : "s"} still to break: ${path.relative(ROOT, BASELINE)})`
      : "domains: no import cycle between lib/ domains",
  );
}
