import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { publishPolicyVersion } from "./publish-policy-version";
import { parsePolicyText } from "./validate-policy";

/**
 * Imports a whole policy document (JSON or YAML). By default it becomes a draft for review; with
 * `publish` (the operator's path for bootstrap and git pipelines) it is published at once.
 */
export async function importPolicy(
  db: Db,
  actor: Actor,
  input: { text: string; format?: "json" | "yaml"; publish: boolean; reason: string; source: "console" | "cli" | "seed"; title?: string },
) {
  if (input.publish && actor.type === "user") {
    // In the console a publish always goes through a second person's review.
    throw new AppError("forbidden", "Publishing from the console needs a second person's approval: import as a draft instead.");
  }
  if (actor.type === "user") authorize(actor, "policy:review");
  const parsed = parsePolicyText(input.text, input.format);
  if (!parsed.ok) throw new AppError("validation_failed", "The policy document is invalid.", parsed.errors);
  const reason = input.reason.trim();
  if (input.publish && !reason) throw new AppError("validation_failed", "A publish needs a reason.", [{ path: "reason", message: "Say why" }]);

  return db.$transaction(async (tx) => {
    if (input.publish) {
      const version = await publishPolicyVersion(tx, actor, { document: parsed.document, reason, source: input.source });
      return { kind: "published" as const, version: version.version, id: version.id };
    }
    const base = await tx.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { id: true } });
    const draft = await tx.policyDraft.create({
      data: {
        title: input.title ?? "Imported policy",
        document: parsed.document as object,
        baseVersionId: base?.id ?? null,
        authorId: actor.type === "user" ? actor.id : null,
        authorLabel: actor.label,
      },
      select: { id: true },
    });
    await recordAudit(tx, actor, { action: "policy.import", subjectType: "policy_draft", subjectId: draft.id, data: { title: input.title ?? null } });
    return { kind: "draft" as const, id: draft.id };
  });
}
