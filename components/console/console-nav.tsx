"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";

type Group = { label: string; items: { href: string; label: string; sections?: string[] }[] };

function under(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function ConsoleNav({ groups }: { groups: Group[] }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  return (
    <nav aria-label="Main" className="lg:block">
      <button
        type="button"
        className="mb-2 inline-flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm lg:hidden"
        aria-expanded={open}
        aria-controls="main-nav-list"
        onClick={() => setOpen((v) => !v)}
      >
        <span aria-hidden="true">☰</span> Menu
      </button>
      <div id="main-nav-list" className={`${open ? "block" : "hidden"} space-y-5 lg:block`}>
        {groups.map((group) => (
          <div key={group.label}>
            <p className="px-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">{group.label}</p>
            <ul className="mt-1 space-y-0.5">
              {group.items.map((item) => {
                // The page itself, or a page of its section (a draft under Policy versions).
                const current = under(pathname, item.href) ? "page" : item.sections?.some((s) => under(pathname, s)) ? "true" : undefined;
                const active = current !== undefined;
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      onClick={() => setOpen(false)}
                      aria-current={current}
                      className={`block rounded-md px-2 py-1.5 text-sm ${active ? "bg-brand-50 font-medium text-brand-800" : "text-slate-700 hover:bg-slate-100"}`}
                    >
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </div>
    </nav>
  );
}
