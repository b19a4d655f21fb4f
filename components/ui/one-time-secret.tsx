/** A secret shown once after it was made (an API key, a signing secret, a first password): copy it now. */
export function OneTimeSecret({ secret, label, testId }: { secret: string | undefined; label: string; testId: string }) {
  if (!secret) return null;
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-sm font-medium text-amber-900">{label}</p>
      <code data-testid={testId} className="mt-1 block font-mono text-sm break-all select-all">
        {secret}
      </code>
    </div>
  );
}
