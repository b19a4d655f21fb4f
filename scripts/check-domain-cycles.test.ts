import { describe, expect, it } from "vitest";
import { domainCycles, type Edge } from "./check-domain-cycles";

const edge = (from: string, to: string): Edge => ({ from, to, example: `${from}/x.ts imports @/lib/${to}/y` });

describe("domainCycles", () => {
  it("finds nothing in a graph that only goes one way", () => {
    expect(domainCycles([edge("api", "decisions"), edge("decisions", "engine"), edge("api", "engine")])).toEqual([]);
  });

  it("finds a cycle through several domains, with exactly the edges inside it", () => {
    const edges = [edge("api", "decisions"), edge("decisions", "audit"), edge("audit", "api"), edge("api", "engine"), edge("engine", "money"), edge("dashboards", "history"), edge("history", "dashboards")];
    const cycles = domainCycles(edges);
    expect(cycles.map((c) => c.domains.join(",")).sort()).toEqual(["api,audit,decisions", "dashboards,history"]);
    expect(cycles.find((c) => c.domains.includes("api"))!.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(["api->decisions", "audit->api", "decisions->audit"]);
  });
});
