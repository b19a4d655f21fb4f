import { EmptyState } from "@/components/ui/empty-state";

export function NoPolicy() {
  return (
    <EmptyState title="No policy is published yet">
      Until a policy is published, every agent request is denied. Import one with{" "}
      <code className="rounded bg-slate-100 px-1">npm run mandate -- policy import policy.json --publish --reason &quot;First policy&quot;</code>.
    </EmptyState>
  );
}
