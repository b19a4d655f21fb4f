import { describe, expect, it } from "vitest";
import { headersFromForm } from "./form-headers";
import { describeClashes, findToolClashes } from "./read-upstream";
import { parseHeaderLine, registerToolServerSchema } from "./schemas";
import { unmappedTools } from "./unmapped-tools";

const tool = (name: string) => ({ name, inputSchema: { type: "object" } });

describe("tool server input", () => {
  it("takes a policy-key name, an http(s) URL and sane headers", () => {
    expect(registerToolServerSchema.parse({ name: "order-service", url: " https://orders.internal/mcp ", headers: { Authorization: "Bearer abc", "X-Api-Key": "k" } })).toEqual({
      name: "order-service",
      url: "https://orders.internal/mcp",
      headers: { Authorization: "Bearer abc", "X-Api-Key": "k" },
    });
  });

  it.each([
    [{ name: "Payments", url: "https://x/mcp" }, "name"],
    [{ name: "payments", url: "file:///etc/passwd" }, "url"],
    [{ name: "payments", url: "https://a:b@x/mcp" }, "url"],
    [{ name: "payments", url: "https://x/mcp#frag" }, "url"],
    [{ name: "payments", url: "https://x/mcp", headers: { Authorization: "a\nX-Injected: 1" } }, "headers.Authorization"],
    [{ name: "payments", url: "https://x/mcp", headers: { Authorization: "a\r" } }, "headers.Authorization"],
    [{ name: "payments", url: "https://x/mcp", headers: { "X-Key": "" } }, "headers.X-Key"],
    [{ name: "payments", url: "https://x/mcp", headers: { "Content-Type": "text/plain" } }, "headers.Content-Type"],
    [{ name: "payments", url: "https://x/mcp", headers: { "mandate-customer-id": "cus_1" } }, "headers.mandate-customer-id"],
    [{ name: "payments", url: "https://x/mcp", headers: { "X Key": "v" } }, "headers.X Key"],
    [{ name: "payments", url: "https://x/mcp", headers: { "x-key": "a", "X-Key": "b" } }, "headers.X-Key"],
  ])("refuses %j at %s", (input, path) => {
    const result = registerToolServerSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("splits a CLI header at the first colon", () => {
    expect(parseHeaderLine("Authorization: Bearer a:b")).toEqual(["Authorization", "Bearer a:b"]);
    expect(parseHeaderLine("no colon")).toBeNull();
    expect(parseHeaderLine(": value")).toBeNull();
  });

  it("reads the console form's header rows, skipping empty ones and refusing a name given twice", () => {
    const form = new FormData();
    form.set("headerName.0", " Authorization ");
    form.set("headerValue.0", "Bearer a");
    form.set("headerName.3", "");
    form.set("headerValue.3", "");
    form.set("headerName.4", "X-Tenant");
    form.set("headerValue.4", "northwind");
    expect(headersFromForm(form)).toEqual({ Authorization: "Bearer a", "X-Tenant": "northwind" });
    form.set("headerName.5", "authorization");
    form.set("headerValue.5", "other");
    expect(() => headersFromForm(form)).toThrow(/given twice/);
  });
});

describe("tool names across servers", () => {
  it("names the server that already exposes a tool", () => {
    const clashes = findToolClashes([tool("issue_refund"), tool("track")], [{ name: "payments", tools: [tool("issue_refund")] }]);
    expect(clashes).toEqual([{ tool: "issue_refund", server: "payments" }]);
    expect(describeClashes("carrier", clashes)).toBe("carrier lists tools another registered server already exposes: issue_refund is already exposed by payments. Tool names must be unique across tool servers.");
  });

  it("lists the tools the policy does not map for that server", () => {
    const server = { name: "payments", tools: [tool("issue_refund"), tool("list_refunds")] };
    expect(unmappedTools(server, [{ server: "payments", tool: "issue_refund" }, { server: "carrier", tool: "list_refunds" }])).toEqual(["list_refunds"]);
    expect(unmappedTools(server, [])).toEqual(["issue_refund", "list_refunds"]);
  });
});
