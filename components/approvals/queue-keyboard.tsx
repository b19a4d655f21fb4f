"use client";

import { useEffect } from "react";

/** j / k move between queue items, Enter opens the focused one: the queue without a mouse. */
export function QueueKeyboard() {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement;
      if (target.closest("input, textarea, select") || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key !== "j" && event.key !== "k") return;
      const rows = [...document.querySelectorAll<HTMLAnchorElement>("[data-queue-link]")];
      if (rows.length === 0) return;
      const current = rows.indexOf(document.activeElement as HTMLAnchorElement);
      const next = event.key === "j" ? Math.min(rows.length - 1, current + 1) : Math.max(0, current - 1);
      rows[next]?.focus();
      event.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return null;
}
