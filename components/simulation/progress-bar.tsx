const count = (n: number) => n.toLocaleString("en-US");

/** Processed of total, as a bar and in words ("312,000 of 1,000,000"). */
export function ProgressBar({ label, processed, total }: { label: string; processed: number; total: number }) {
  const share = total > 0 ? Math.min(1, processed / total) : 0;
  const text = `${count(processed)} of ${count(total)}`;
  return (
    <div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={processed}
        aria-valuetext={text}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full rounded-full bg-brand-600 transition-[width] duration-500" style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-600 tabular-nums">
        {text} requests replayed ({Math.floor(share * 100)}%)
      </p>
    </div>
  );
}
