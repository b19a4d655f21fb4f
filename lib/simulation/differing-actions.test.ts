import { describe, expect, it } from "vitest";
import { compilePolicy, type CompiledPolicy } from "../engine";
import type { PolicyDocument, PolicyDocumentInput } from "../policy/document-schema";
import { exampleDocument } from "../policy/fixtures/example-policy";
import { actionsThatMayDiffer } from "./differing-actions";

function policy(edit?: (document: PolicyDocumentInput) => void): CompiledPolicy {
  const document = exampleDocument();
  edit?.(document);
  return compilePolicy(document as PolicyDocument, 0);
}

const action = (d: PolicyDocumentInput, key: string) => d.actions.find((a) => a.key === key)!;
const inForce = policy();
const ALL_ACTIONS = ["account.recover", "billing.adjust", "inventory.adjust", "order.cancel", "order.status", "refund.issue", "return.label", "shipment.reroute"];
const FORBIDDEN = ["contract.negotiate", "credentials.disclose", "legal.agreement.modify"];
const differ = (draft: CompiledPolicy, base: CompiledPolicy | null = inForce) => [...actionsThatMayDiffer(base, draft)].sort();

describe("actionsThatMayDiffer", () => {
  it("finds none for the same rules, nor for labels, owners and reason texts", () => {
    expect(differ(policy())).toEqual([]);
    const cosmetic = policy((d) => {
      action(d, "billing.adjust").label = "Adjust a bill";
      action(d, "refund.issue").owner = "cx-ops";
      d.risk_tiers.find((t) => t.key === "high")!.label = "Needs a supervisor";
      d.intents!.find((i) => i.key === "billing_dispute")!.label = "Billing question";
      d.forbidden![0]!.reason = "Legal negotiates contracts.";
      d.name = "Renamed";
    });
    expect(differ(cosmetic)).toEqual([]);
  });

  it("finds only the action whose own rules change", () => {
    expect(differ(policy((d) => void (action(d, "billing.adjust").authority = "execute")))).toEqual(["billing.adjust"]);
    expect(differ(policy((d) => void (action(d, "refund.issue").risk![0] = { if: { amount: { lte: 100 } }, tier: "low" })))).toEqual(["refund.issue"]);
    expect(differ(policy((d) => void (action(d, "order.cancel").limits = [{ scope: "customer", window: "24h", max_count: 1 }])))).toEqual(["order.cancel"]);
    // A global limit counts one action's decisions for everyone: it covers that action alone.
    expect(differ(policy((d) => void (action(d, "return.label").limits = [{ scope: "global", window: "1h", max_count: 100 }])))).toEqual(["return.label"]);
    expect(differ(policy((d) => void ((d.actions = d.actions.filter((a) => a.key !== "order.cancel")), (d.tools = (d.tools ?? []).filter((t) => t.action !== "order.cancel")))))).toEqual(["order.cancel"]);
  });

  it("finds an action forbidden or no longer forbidden, and only it", () => {
    expect(differ(policy((d) => void d.forbidden!.push({ action: "refund.issue", reason: "Refunds stop during the audit." })))).toEqual(["refund.issue"]);
    expect(differ(policy((d) => void d.forbidden!.push({ action: "wire.transfer", reason: "Never." })))).toEqual(["wire.transfer"]);
    expect(differ(policy((d) => void (d.forbidden = d.forbidden!.filter((f) => f.action !== "credentials.disclose"))))).toEqual(["credentials.disclose"]);
    // Forbidden on both sides: the action's own rules are never read.
    const both = (d: PolicyDocumentInput) => void d.forbidden!.push({ action: "billing.adjust", reason: "Finance only." });
    expect(differ(policy((d) => (both(d), void (action(d, "billing.adjust").authority = "execute"))), policy(both))).toEqual([]);
  });

  it("finds every action a shared setting covers: a tier, the fallback tier, an intent, the currency", () => {
    // "high" is named by the bands of refunds, cancellations and billing.
    expect(differ(policy((d) => void (d.risk_tiers.find((t) => t.key === "high")!.controls = ["step_up", "human_approval"])))).toEqual(["billing.adjust", "order.cancel", "refund.issue"]);
    // Every action falls back to "critical" when no band matches.
    const critical = policy((d) => {
      const tier = d.risk_tiers.find((t) => t.key === "critical")!;
      tier.controls = ["human_approval"];
    });
    expect(differ(critical)).toEqual(ALL_ACTIONS);
    // An intent decides for the actions it lists or no longer lists.
    expect(differ(policy((d) => void d.intents!.find((i) => i.key === "return_request")!.actions!.push("billing.adjust")))).toEqual(["billing.adjust"]);
    expect(differ(policy((d) => void (d.intents!.find((i) => i.key === "billing_dispute")!.handling = "human")))).toEqual(["billing.adjust", "refund.issue"]);
    // An intent's authority for one action decides only that action.
    expect(differ(policy((d) => void (d.intents!.find((i) => i.key === "billing_dispute")!.authority = { "refund.issue": "recommend", "billing.adjust": "execute" })))).toEqual(["billing.adjust"]);
    expect(differ(policy((d) => void (d.intents!.find((i) => i.key === "legal_dispute")!.authority = { "order.cancel": "say" })))).toEqual([]);
    // A new intent for any action lets requests naming it through to every action's rules…
    expect(differ(policy((d) => void d.intents!.push({ key: "fraud", label: "Fraud", handling: "autonomous", actions: [] })))).toEqual(ALL_ACTIONS);
    // …while one handled by people escalates them, as an unknown intent did.
    expect(differ(policy((d) => void d.intents!.push({ key: "fraud", label: "Fraud", handling: "human", actions: [] })))).toEqual([]);
    expect(differ(policy((d) => void (d.currency = "EUR")))).toEqual([...ALL_ACTIONS, ...FORBIDDEN].sort());
  });

  it("spreads a change over every action that shares a limit with it", () => {
    // The document format gives each action its own limits; a compiled policy in which two
    // actions carry one limit (one usage window) must treat them as one.
    const share = (p: CompiledPolicy): CompiledPolicy => {
      const refundLimit = p.actions.get("refund.issue")!.limits[1]!;
      const actions = new Map(p.actions);
      actions.set("order.cancel", { ...p.actions.get("order.cancel")!, limits: [refundLimit] });
      return { ...p, actions };
    };
    const draft = share(policy((d) => void (action(d, "refund.issue").risk![0] = { if: { amount: { lte: 100 } }, tier: "low" })));
    expect(differ(draft, share(inForce))).toEqual(["order.cancel", "refund.issue"]);
    // Unshared, the same change stays with refunds.
    expect(differ(policy((d) => void (action(d, "refund.issue").risk![0] = { if: { amount: { lte: 100 } }, tier: "low" })))).toEqual(["refund.issue"]);
  });

  it("finds every action of the draft when nothing is published", () => {
    expect(differ(inForce, null)).toEqual([...ALL_ACTIONS, ...FORBIDDEN].sort());
  });
});
