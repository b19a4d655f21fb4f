import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { ActionForm } from "@/components/policy/forms/action-form";
import { ForbiddenForm } from "@/components/policy/forms/forbidden-form";
import { DataSourceForm, IntentForm, OwnerForm, TierForm } from "@/components/policy/forms/section-forms";
import { ToolMappingForm } from "@/components/policy/forms/tool-mapping-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getDraft } from "@/lib/policy/draft-queries";
import { listRequestedActions } from "@/lib/policy/requested-actions";
import { isListSection, LIST_SECTIONS } from "@/lib/policy/edit-draft";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { canEditSection } from "@/lib/policy/sections";
import { isUuid } from "@/lib/validation";

export const metadata: Metadata = { title: "Edit draft" };

export default async function EditDraftItemPage({ params, searchParams }: { params: Promise<{ id: string; section: string }>; searchParams: Promise<{ key?: string }> }) {
  const [{ id, section }, { key }] = await Promise.all([params, searchParams]);
  const actor = await requirePermission("policy:read");
  if (!isListSection(section) || !isUuid(id)) notFound();
  if (!canEditSection(actor.roles, section)) forbidden();
  const db = getPrisma();
  const [draft, requested] = await Promise.all([getDraft(db, id), section === "forbidden" ? listRequestedActions(db) : []]);
  if (!draft) notFound();
  const doc = draft.document;
  const { keyOf } = LIST_SECTIONS[section];
  const list = (doc[section] ?? []) as unknown as Record<string, unknown>[];
  const item = key ? list.find((i) => keyOf(i) === key) : null;
  if (key && !item) notFound();
  const common = { draftId: draft.id, revision: draft.revision, document: doc };
  const noun = LIST_SECTIONS[section].noun;
  // A tool mapping's key ("payments/issue_refund") is not how people name it.
  const mapping = section === "tools" ? (item as { server: string; tool: string } | null) : null;
  const title = mapping ? `Edit the mapping of tool ${mapping.tool} on ${mapping.server}` : section === "tools" ? "Map a tool" : key ? `Edit ${noun} ${key}` : `New ${noun}`;

  return (
    <>
      <PageHeader title={title} description={<>In draft <Link href={`/drafts/${draft.id}`} className="underline">{draft.title}</Link> (revision {draft.revision}). Nothing changes for agents until the draft is reviewed and published.</>} />
      <Card>
        {section === "actions" ? <ActionForm {...common} action={(item as never) ?? null} /> : null}
        {section === "forbidden" ? <ForbiddenForm {...common} item={(item as never) ?? null} requested={requested} /> : null}
        {section === "owners" ? <OwnerForm {...common} item={(item as never) ?? null} /> : null}
        {section === "data_sources" ? <DataSourceForm {...common} item={(item as never) ?? null} /> : null}
        {section === "intents" ? <IntentForm {...common} item={(item as never) ?? null} /> : null}
        {section === "risk_tiers" ? <TierForm {...common} item={(item as never) ?? null} /> : null}
        {section === "tools" ? <ToolMappingForm {...common} item={(item as never) ?? null} servers={mappedServers(doc)} /> : null}
      </Card>
    </>
  );
}

/** Servers the draft already maps tools on, offered as the person types (the tool-server registry can add its names here). */
function mappedServers(document: PolicyDocument): string[] {
  return [...new Set((document.tools ?? []).map((mapping) => mapping.server))].sort();
}
