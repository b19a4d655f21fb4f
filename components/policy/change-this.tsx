import Link from "next/link";
import type { UserActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getOpenDraftOf } from "@/lib/policy/draft-queries";
import type { ListSection } from "@/lib/policy/edit-draft";
import { canEditSection } from "@/lib/policy/sections";

/**
 * A read-only section page's way into editing, for people who may change that section: their
 * open draft at this section, or a new draft started here. The server checks again on save.
 */
export async function ChangeThis({ actor, section }: { actor: UserActor; section: ListSection }) {
  if (!canEditSection(actor.roles, section)) return null;
  const open = await getOpenDraftOf(getPrisma(), actor.id);
  return (
    <div className="flex flex-col items-start gap-1 sm:items-end">
      <Link
        href={open ? `/drafts/${open.id}?section=${section}` : `/drafts/new?section=${section}`}
        className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        Change this
      </Link>
      <span className="text-xs text-slate-600">{open ? <>In your open draft “{open.title}”</> : "Starts a new draft for review"}</span>
    </div>
  );
}
