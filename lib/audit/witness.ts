import { closeSync, createReadStream, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { SealHead } from "./signed-head";

/**
 * The witness: every signed seal head, and every re-anchoring, appended as it is made to a
 * place the database cannot reach (an append-only NDJSON file, by default in the data directory;
 * a shared folder when several servers seal). A rollback or truncation of the database leaves
 * heads here that the database no longer has; `mandate audit verify` compares the two.
 */

export type WitnessedSeal = SealHead & { type: "seal"; signature: string };

export interface ReanchorRecord {
  type: "reanchor";
  at: string;
  by: string;
  reason: string;
  /** The newest seal of the restored log, from which the log continues (null: no seal). */
  continue_from: { seal_id: number; hash: string } | null;
  /** The newest head the witness held before (what the restore gave up). */
  last_witnessed: { seal_id: number; hash: string } | null;
  kid: string;
  signature: string;
}

export type WitnessRecord = WitnessedSeal | ReanchorRecord;

export interface Witness {
  /** Where it lives, for messages. */
  readonly location: string;
  append(records: readonly WitnessRecord[]): Promise<void>;
  /** Every record in the order written; a line that is not JSON is reported by its number. */
  read(): AsyncGenerator<{ line: number; record: WitnessRecord | null }>;
  exists(): boolean;
  /** The last record written (read from the end of the file, cheap however long it is). */
  last(): WitnessRecord | null;
}

/** A file (or `<folder>/witness.ndjson` when given a folder). HTTPS endpoints are not built yet. */
export function openWitness(location: string): Witness {
  if (/^https?:\/\//i.test(location)) {
    throw new Error(`MANDATE_AUDIT_WITNESS: an HTTPS witness is not supported yet (${location}); give a file or a shared folder`);
  }
  const resolved = path.resolve(location);
  const file = existsSync(resolved) && statSync(resolved).isDirectory() ? path.join(resolved, "witness.ndjson") : resolved;
  return fileWitness(file);
}

function fileWitness(file: string): Witness {
  return {
    location: file,
    exists: () => existsSync(file),
    async append(records) {
      if (records.length === 0) return;
      // Only the witness's own folder is private (see lib/keys/key-store.ts).
      mkdirSync(path.dirname(path.dirname(file)), { recursive: true });
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // O_APPEND: each write lands at the end even when several processes share the file.
      const fd = openSync(file, "a+", 0o600);
      try {
        // A line left half-written by a crash is closed first, so the next record starts a line.
        const size = fstatSync(fd).size;
        const lastByte = Buffer.alloc(1);
        const torn = size > 0 && readSync(fd, lastByte, 0, 1, size - 1) === 1 && lastByte[0] !== 0x0a;
        writeSync(fd, (torn ? "\n" : "") + records.map((r) => JSON.stringify(r)).join("\n") + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    last() {
      if (!existsSync(file)) return null;
      const fd = openSync(file, "r");
      try {
        const size = fstatSync(fd).size;
        const length = Math.min(size, 64 * 1024);
        const buffer = Buffer.alloc(length);
        readSync(fd, buffer, 0, length, size - length);
        const lines = buffer.toString("utf8").split("\n").filter((l) => l.trim());
        for (let i = lines.length - 1; i >= 0; i -= 1) {
          try {
            const record = JSON.parse(lines[i]!) as WitnessRecord;
            if (record?.type === "seal" || record?.type === "reanchor") return record;
          } catch {
            // a torn last line: the record before it is the last whole one
          }
        }
        return null;
      } finally {
        closeSync(fd);
      }
    },
    async *read() {
      if (!existsSync(file)) return;
      const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
      let number = 0;
      for await (const text of lines) {
        number += 1;
        if (!text.trim()) continue;
        let record: WitnessRecord | null = null;
        try {
          const parsed = JSON.parse(text) as WitnessRecord;
          if (parsed && (parsed.type === "seal" || parsed.type === "reanchor")) record = parsed;
        } catch {
          record = null;
        }
        yield { line: number, record };
      }
    },
  };
}
