import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { CHECKPOINT_TIMEOUT, MAX_WAL_SIZE, sharedBuffersMb, startEmbeddedPostgres } from "../../lib/db/embedded";

describe("embedded PostgreSQL", () => {
  it("starts a real server under the data directory, is joined by a second process, and stops cleanly", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mandate-embedded-"));
    const first = await startEmbeddedPostgres(dir);
    try {
      expect(first.owned).toBe(true);
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      const { rows } = await client.query<{ version: string }>("SELECT version()");
      const buffers = await client.query<{ mb: number }>("SELECT setting::int * 8 / 1024 AS mb FROM pg_settings WHERE name = 'shared_buffers'");
      const wal = await client.query<{ max_wal_size: string; checkpoint_timeout: string }>("SELECT current_setting('max_wal_size') AS max_wal_size, current_setting('checkpoint_timeout') AS checkpoint_timeout");
      await client.end();
      expect(rows[0]!.version).toMatch(/PostgreSQL 17/);
      expect(buffers.rows[0]!.mb).toBe(sharedBuffersMb());
      expect(wal.rows[0]).toEqual({ max_wal_size: MAX_WAL_SIZE, checkpoint_timeout: CHECKPOINT_TIMEOUT });

      const second = await startEmbeddedPostgres(dir);
      expect(second.owned).toBe(false);
      expect(second.url).toBe(first.url);
      await second.stop(); // joining never stops the owner's server
      const again = new pg.Client({ connectionString: first.url });
      await again.connect();
      await again.end();
    } finally {
      await first.stop();
    }
    const after = new pg.Client({ connectionString: first.url, connectionTimeoutMillis: 2000 });
    await expect(after.connect()).rejects.toThrow();
  });

  it("gives PostgreSQL an eighth of the memory for its page cache, from 128 MB to 1 GB", () => {
    expect(sharedBuffersMb(512 * 2 ** 20)).toBe(128);
    expect(sharedBuffersMb(4 * 2 ** 30)).toBe(512);
    expect(sharedBuffersMb(64 * 2 ** 30)).toBe(1024);
  });
});
