export function Card({ title, children, className = "", headingLevel = 2 }: { title?: string; children: React.ReactNode; className?: string; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className={`min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5 ${className}`} aria-label={title}>
      {title ? <Heading className="mb-3 text-base font-semibold text-slate-900">{title}</Heading> : null}
      {children}
    </section>
  );
}
