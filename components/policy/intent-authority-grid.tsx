import { AUTHORITY_TONES, Badge } from "@/components/ui/badge";
import type { AuthorityCell, AuthorityGrid } from "@/lib/policy/authority-grid";

const AUTHORITY_WORDS = { say: "Say", recommend: "Recommend", execute: "Execute" } as const;

function Cell({ cell }: { cell: AuthorityCell }) {
  switch (cell.kind) {
    case "forbidden":
      return <Badge tone="danger">Forbidden</Badge>;
    case "human":
      return <span className="text-slate-600">To a human</span>;
    case "not_in_intent":
      return <span className="text-slate-400">Not for this intent</span>;
    case "authority":
      return (
        <span className="inline-flex flex-col items-start gap-0.5">
          <Badge tone={AUTHORITY_TONES[cell.authority] ?? "neutral"}>{AUTHORITY_WORDS[cell.authority]}</Badge>
          {cell.overridden ? <span className="text-xs font-medium text-amber-800">Set for this intent</span> : null}
        </span>
      );
  }
}

/**
 * The permission map as an action × intent grid: what an agent may do with each action for a
 * request naming each intent. Scrolls sideways inside its own box on a phone, the action column
 * staying in view.
 */
export function IntentAuthorityGrid({ grid }: { grid: AuthorityGrid }) {
  return (
    <section aria-labelledby="authority-grid-heading" className="mt-8 space-y-3">
      <h2 id="authority-grid-heading" className="text-base font-semibold text-slate-900">
        Authority per intent
      </h2>
      <p className="text-sm text-slate-600" aria-hidden="true">
        What an agent may do with each action when the request names each customer intent.
      </p>
      <div role="region" aria-labelledby="authority-grid-caption" tabIndex={0} className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
        <table className="min-w-full border-separate border-spacing-0 text-sm">
          {/* Read by screen readers; the same words show above the box, which a caption inside it would scroll away with. */}
          <caption id="authority-grid-caption" className="sr-only">
            What an agent may do with each action when the request names each customer intent
          </caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="sticky left-0 z-10 border-b border-slate-200 bg-slate-50 px-3 py-2 text-left font-semibold text-slate-700">
                Action
              </th>
              <th scope="col" className="border-b border-slate-200 px-3 py-2 text-left font-semibold text-slate-700">
                No intent named
              </th>
              {grid.intents.map((intent) => (
                <th key={intent.key} scope="col" className="border-b border-slate-200 px-3 py-2 text-left font-semibold text-slate-700">
                  {intent.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.rows.map((row) => (
              <tr key={row.key} className="align-top">
                <th scope="row" className="sticky left-0 z-10 min-w-[8.5rem] border-b border-r border-slate-100 bg-white px-3 py-2 text-left font-medium text-slate-900">
                  {row.label}
                </th>
                <td className="min-w-[7.5rem] border-b border-slate-100 px-3 py-2">
                  <Cell cell={row.own} />
                </td>
                {row.cells.map((cell, index) => (
                  <td key={grid.intents[index]!.key} className={`min-w-[7.5rem] border-b border-slate-100 px-3 py-2 ${cell.kind === "authority" && cell.overridden ? "bg-amber-50" : ""}`}>
                    <Cell cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="grid gap-x-6 gap-y-1 text-xs text-slate-600 sm:grid-cols-2" aria-label="Legend">
        <div><dt className="inline font-medium text-slate-800">Say</dt><dd className="inline">: the agent may tell the customer about it, never do it.</dd></div>
        <div><dt className="inline font-medium text-slate-800">Recommend</dt><dd className="inline">: the agent suggests it; a person decides and carries it out.</dd></div>
        <div><dt className="inline font-medium text-slate-800">Execute</dt><dd className="inline">: the agent may do it, within its risk tier and limits.</dd></div>
        <div><dt className="inline font-medium text-amber-800">Set for this intent</dt><dd className="inline">: the intent overrides the action&apos;s own authority (the &ldquo;No intent named&rdquo; column).</dd></div>
        <div><dt className="inline font-medium text-slate-800">Not for this intent</dt><dd className="inline">: the intent does not list the action; the request goes to a person.</dd></div>
        <div><dt className="inline font-medium text-slate-800">To a human</dt><dd className="inline">: people always handle this intent.</dd></div>
      </dl>
    </section>
  );
}
