import net from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, isUnstorableText } from "./unavailable";

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

// Bug: some connection failures (a pool already ended, a client whose connection broke) were
// not recognised, so the agent API answered 500 instead of 503.
describe("isDatabaseUnavailable", () => {
  it("recognises the errors node-postgres raises when the database is out of reach", async () => {
    const dead = net.createServer();
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
    const port = (dead.address() as net.AddressInfo).port;
    await new Promise((resolve) => dead.close(resolve)); // nothing listens there now

    const pool = new pg.Pool({ connectionString: `postgres://x:y@127.0.0.1:${port}/db`, connectionTimeoutMillis: 500 });
    expect(isDatabaseUnavailable(await errorOf(() => pool.query("SELECT 1")))).toBe(true); // ECONNREFUSED
    await pool.end();
    expect(isDatabaseUnavailable(await errorOf(() => pool.query("SELECT 1")))).toBe(true); // a pool after end()

    // A server that accepts and hangs up: "Connection terminated unexpectedly".
    const hangUp = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, "127.0.0.1", resolve));
    const client = new pg.Client({ connectionString: `postgres://x:y@127.0.0.1:${(hangUp.address() as net.AddressInfo).port}/db` });
    expect(isDatabaseUnavailable(await errorOf(() => client.connect()))).toBe(true);
    await new Promise((resolve) => hangUp.close(resolve));

    for (const shape of [
      { code: "57P01", message: "terminating connection due to administrator command" },
      { code: "57P03", message: "the database system is starting up" },
      { code: "53300", message: "sorry, too many clients already" },
      { message: "Client has encountered a connection error and is not queryable" },
      { message: "timeout exceeded when trying to connect" },
      new Error("wrapped", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) }),
    ]) {
      expect(isDatabaseUnavailable(shape), JSON.stringify(shape)).toBe(true);
    }
  });

  it("does not call a statement's own error an outage", () => {
    expect(isDatabaseUnavailable({ code: "23505", message: "duplicate key value violates unique constraint" })).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isUnstorableText({ code: "22P05", message: "unsupported Unicode escape sequence" })).toBe(true);
  });
});
