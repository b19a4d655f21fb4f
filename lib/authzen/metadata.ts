import { grantIssuer } from "@/lib/grants/make-grant";

export const AUTHZEN_PATHS = {
  metadata: "/.well-known/authzen-configuration",
  evaluation: "/access/v1/evaluation",
  evaluations: "/access/v1/evaluations",
  searchAction: "/access/v1/search/action",
} as const;

/**
 * The PDP metadata (§ Policy Decision Point Metadata). The identifier is the server's public URL,
 * the same as a grant's `iss`; subject and resource search are not offered, so their endpoints are
 * omitted (the standard: an absent parameter means the PDP does not support that API).
 */
export function pdpMetadata(base = grantIssuer()) {
  return {
    policy_decision_point: base,
    access_evaluation_endpoint: base + AUTHZEN_PATHS.evaluation,
    access_evaluations_endpoint: base + AUTHZEN_PATHS.evaluations,
    search_action_endpoint: base + AUTHZEN_PATHS.searchAction,
  };
}
