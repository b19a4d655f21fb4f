import { describeStopForPeople, type StopInForce } from "@/lib/stop-switches/stop-covering";

/** On a held action a stop switch covers: why it cannot be approved now, and that rejecting still can. */
export function StopWarning({ stop, id }: { stop: StopInForce; id: string }) {
  return (
    <section aria-labelledby={id} className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900">
      <h3 id={id} className="font-semibold">
        Stopped: this cannot be approved now
      </h3>
      <p className="mt-1">{describeStopForPeople(stop)}</p>
      <p className="mt-1">Approving is refused until the stop is lifted. You can still reject it: the agent is told not to act, as the stop asks.</p>
    </section>
  );
}
