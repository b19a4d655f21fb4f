import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { StartDraftForm } from "@/components/policy/draft-controls";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getOpenDraftOf } from "@/lib/policy/draft-queries";
import { defaultDraftTitle } from "@/lib/policy/draft-title";
import { isListSection } from "@/lib/policy/edit-draft";
import { canEditSection, policySection } from "@/lib/policy/sections";

export const metadata: Metadata = { title: "Start a draft" };

export default async function NewDraftPage({ searchParams }: { searchParams: Promise<{ section?: string }> }) {
  const { section: requested } = await searchParams;
  const actor = await requirePermission("policy:review");
  const section = requested && isListSection(requested) ? requested : undefined;
  if (section && !canEditSection(actor.roles, section)) forbidden();
  const open = await getOpenDraftOf(getPrisma(), actor.id);
  const label = section ? policySection(section).label : null;
  const defaultTitle = defaultDraftTitle({ topic: label, author: actor.name || actor.label, at: new Date() });

  return (
    <>
      <PageHeader
        title={label ? `Change ${label.toLowerCase()}` : "Start a draft"}
        description="A draft starts from the policy in force. Nothing changes for agents until a second person reviews it and it is published."
      />
      {open ? (
        <p role="note" className="mb-4 max-w-xl rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm text-slate-800">
          You already have an open draft:{" "}
          <Link href={section ? `/drafts/${open.id}?section=${section}` : `/drafts/${open.id}`} className="font-medium text-brand-700 underline underline-offset-2">
            {open.title}
          </Link>
          . Continue there, or start another one below.
        </p>
      ) : null}
      <div className="max-w-xl">
        <Card>
          <StartDraftForm section={section} defaultTitle={defaultTitle} />
        </Card>
      </div>
    </>
  );
}
