import { describe, expect, it } from "vitest";
import { setAgentWebhookSchema, webhookUrlProblem } from "./webhook-url";

describe("webhookUrlProblem", () => {
  it("allows https anywhere and http only to loopback hosts", () => {
    expect(webhookUrlProblem("https://agent.example.com/hooks?x=1")).toBeNull();
    expect(webhookUrlProblem("https://10.0.0.5:8443/hooks")).toBeNull();
    for (const local of ["http://localhost:3000/h", "http://127.0.0.1:9/h", "http://127.8.9.10/h", "http://[::1]:8080/h"]) {
      expect(webhookUrlProblem(local), local).toBeNull();
    }
    for (const remote of ["http://agent.example.com/h", "http://10.0.0.5/h", "http://localhost.evil.com/h", "http://127.0.0.1.nip.io/h"]) {
      expect(webhookUrlProblem(remote), remote).toMatch(/https/);
    }
  });

  it("refuses other schemes, credentials and non-URLs", () => {
    expect(webhookUrlProblem("ftp://example.com/h")).toMatch(/https/);
    expect(webhookUrlProblem("javascript:alert(1)")).toMatch(/https/);
    expect(webhookUrlProblem("https://user:pw@example.com/h")).toMatch(/credentials/);
    expect(webhookUrlProblem("example.com/h")).toMatch(/full URL/);
  });
});

describe("setAgentWebhookSchema", () => {
  const agentId = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";

  it("trims, treats an empty field as clearing, and caps the length", () => {
    expect(setAgentWebhookSchema.parse({ agentId, url: "  https://a.example/h " }).url).toBe("https://a.example/h");
    expect(setAgentWebhookSchema.parse({ agentId, url: "   " }).url).toBeNull();
    expect(setAgentWebhookSchema.parse({ agentId, url: null }).url).toBeNull();
    const long = `https://a.example/${"x".repeat(2_000)}`;
    expect(setAgentWebhookSchema.safeParse({ agentId, url: long }).success).toBe(false);
  });
});
