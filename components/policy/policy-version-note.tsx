import Link from "next/link";

export function PolicyVersionNote({ version, createdAt }: { version: number; createdAt: Date }) {
  return (
    <p className="mb-4 text-sm text-slate-600">
      Showing the policy in force: <Link href="/policy-versions" className="font-medium text-brand-700 underline underline-offset-4">version {version}</Link>, published{" "}
      <time dateTime={createdAt.toISOString()}>{createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</time>.
    </p>
  );
}
