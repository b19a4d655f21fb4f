import { ChangeThis } from "@/components/policy/change-this";
import { NoPolicy } from "@/components/policy/no-policy";
import { PolicyVersionNote } from "@/components/policy/policy-version-note";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import type { ListSection } from "@/lib/policy/edit-draft";
import { getCurrentPolicy } from "@/lib/policy/queries";

/** The frame every read-only policy section page shares: permission, header, version, empty states. */
export async function PolicySectionPage({
  section,
  title,
  description,
  isEmpty,
  emptyTitle,
  emptyHint,
  children,
}: {
  /** The draft section this page shows: people who may change it get "Change this". */
  section: ListSection;
  title: string;
  description: string;
  isEmpty: (doc: PolicyDocument) => boolean;
  emptyTitle: string;
  emptyHint: string;
  children: (doc: PolicyDocument) => React.ReactNode;
}) {
  const actor = await requirePermission("policy:read");
  const policy = await getCurrentPolicy(getPrisma());
  return (
    <>
      <PageHeader title={title} description={description} actions={policy ? <ChangeThis actor={actor} section={section} /> : null} />
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
