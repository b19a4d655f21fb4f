import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeFetch } from "./node-fetch";

// Against a real HTTP server on loopback: what the SDK's client transport relies on from fetch.
let server: http.Server;
let base: string;
const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === "/json") return res.writeHead(200, { "content-type": "application/json", "x-one": "1" }).end(JSON.stringify({ echo: body }));
      if (req.url === "/accepted") return res.writeHead(202).end();
      if (req.url === "/redirect") return res.writeHead(307, { location: "/json" }).end();
      if (req.url === "/sse") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n");
        setTimeout(() => res.end("data: two\n\n"), 20);
        return;
      }
      if (req.url === "/slow") return void setTimeout(() => res.writeHead(200).end("late"), 2_000);
      res.writeHead(500, { "content-type": "text/plain" }).end("broken");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("nodeFetch", () => {
  it("posts a body with the given headers and reads a JSON answer with its status and headers", async () => {
    const headers = new Headers({ "content-type": "application/json" });
    headers.set("Mandate-Grant", "g.r.ant");
    const response = await nodeFetch(new URL(`${base}/json`), { method: "POST", headers, body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-one")).toBe("1");
    expect(await response.json()).toEqual({ echo: '{"a":1}' });
    expect(seen.at(-1)).toMatchObject({ method: "POST", headers: { "mandate-grant": "g.r.ant", "content-type": "application/json" } });
  });

  it("gives 202 and error statuses as they are, bodies readable", async () => {
    expect((await nodeFetch(`${base}/accepted`, { method: "POST", body: "{}" })).status).toBe(202);
    const broken = await nodeFetch(`${base}/nowhere`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect([broken.status, broken.ok, await broken.text()]).toEqual([500, false, "broken"]);
  });

  it("never follows a redirect: the caller sees it (the SDK follows within the origin itself)", async () => {
    const response = await nodeFetch(`${base}/redirect`, { method: "POST", body: "{}", redirect: "manual" });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/json");
  });

  it("streams an event stream as it arrives", async () => {
    const response = await nodeFetch(`${base}/sse`, { method: "POST", body: "{}" });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe("data: one\n\n");
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe("data: two\n\n");
  });

  it("rejects with the signal's reason when aborted, and as fetch does when nothing listens", async () => {
    const aborted = nodeFetch(`${base}/slow`, { method: "POST", body: "{}", signal: AbortSignal.timeout(50) });
    await expect(aborted).rejects.toMatchObject({ name: "TimeoutError" });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await nodeFetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{}" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect(refused).toMatchObject({ message: "fetch failed", cause: { code: "ECONNREFUSED" } });
  });
});
