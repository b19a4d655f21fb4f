import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-lg flex-col justify-center gap-4 p-8" aria-labelledby="forbidden-title">
      <p className="text-sm font-semibold text-brand-700">403</p>
      <h1 id="forbidden-title" className="text-2xl font-semibold">Not permitted</h1>
      <p className="text-slate-600">
        Your roles do not give access to this page. If you need it for your work, ask an administrator to add the
        role that owns it.
      </p>
      <Link href="/" className="font-medium text-brand-700 underline underline-offset-4">
        Back to the overview
      </Link>
    </main>
  );
}
