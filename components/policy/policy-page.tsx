import { NoPolicy } from "@/components/policy/no-policy";
import { PolicyVersionNote } from "@/components/policy/policy-version-note";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { getCurrentPolicy } from "@/lib/policy/queries";

/** The frame every read-only policy section page shares: permission, header, version, empty states. */
export async function PolicySectionPage({
  title,
  description,
  isEmpty,
  emptyTitle,
  emptyHint,
  children,
}: {
  title: string;
  description: string;
  isEmpty: (doc: PolicyDocument) => boolean;
  emptyTitle: string;
  emptyHint: string;
  children: (doc: PolicyDocument) => React.ReactNode;
}) {
  await requirePermission("policy:read");
  const policy = await getCurrentPolicy(getPrisma());
  return (
    <>
      <PageHeader title={title} description={description} />
      {!policy ? (
        <NoPolicy />
      ) : (
        <>
          <PolicyVersionNote version={policy.version} createdAt={policy.createdAt} />
          {isEmpty(policy.document) ? <EmptyState title={emptyTitle}>{emptyHint}</EmptyState> : children(policy.document)}
        </>
      )}
    </>
  );
}
