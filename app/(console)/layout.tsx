import Link from "next/link";
import { ConsoleNav } from "@/components/console/console-nav";
import { SignOutButton } from "@/components/console/sign-out-button";
import { StopBanner } from "@/components/console/stop-banner";
import { navigationFor } from "@/lib/auth/navigation";
import { roleNames } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { listActiveStops } from "@/lib/stop-switches/queries";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const [actor, stops] = await Promise.all([
    requireUser(),
    // The banner's first state; a failure to read it must not take the page down.
    listActiveStops(getPrisma()).then(
      (active) => active.map((stop) => ({ ...stop, createdAt: stop.createdAt.toISOString() })),
      () => null,
    ),
  ]);
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        {/* Wraps on a phone: at 390 px the name and both sign-out buttons do not fit beside the logo. */}
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
          <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-slate-900">
            <span aria-hidden="true" className="inline-block size-6 rounded bg-brand-600" />
            Mandate
          </Link>
          <div className="flex min-w-0 flex-wrap items-center justify-end gap-x-3 gap-y-2">
            <div className="min-w-0 text-right">
              <p className="truncate text-sm font-medium text-slate-900" data-testid="signed-in-user">
                {actor.name}
              </p>
              <p className="hidden text-xs text-slate-500 sm:block">{roleNames(actor.roles)}</p>
            </div>
            <SignOutButton />
          </div>
        </div>
      </header>
      <StopBanner initial={stops} />
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 lg:flex-row">
        <aside className="lg:w-52 lg:shrink-0">
          <ConsoleNav groups={navigationFor(actor.roles)} />
        </aside>
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}
