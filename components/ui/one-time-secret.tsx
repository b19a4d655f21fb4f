"use client";

import { useRef, useState } from "react";

/** A secret shown once after it was made (an API key, a signing secret, a first password): copy it now. */
export function OneTimeSecret({ secret, label, testId }: { secret: string | undefined; label: string; testId: string }) {
  const codeRef = useRef<HTMLElement>(null);
  // Tied to the secret it was about, so a newer secret never inherits "Copied".
  const [announced, setAnnounced] = useState<{ secret: string; text: string } | null>(null);
  if (!secret) return null;

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret!);
      setAnnounced({ secret: secret!, text: "Copied" });
    } catch {
      // No clipboard permission (or no secure context): select the text so Ctrl+C / Cmd+C copies it.
      const code = codeRef.current;
      const selection = window.getSelection();
      if (code && selection) {
        const range = document.createRange();
        range.selectNodeContents(code);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setAnnounced({ secret: secret!, text: "Selected: press Ctrl+C (or Cmd+C) to copy" });
    }
  }

  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-sm font-medium text-amber-900">
        {label}
      </p>
      <div className="mt-1 flex flex-wrap items-start gap-2">
        <code ref={codeRef} data-testid={testId} className="min-w-0 flex-1 font-mono text-sm break-all select-all">
          {secret}
        </code>
        <button
          type="button"
          onClick={() => void copy()}
          aria-label={`Copy ${spokenName(label)}`}
          className="shrink-0 rounded-md border border-amber-400 bg-white px-2.5 py-1 text-sm font-medium text-amber-900 shadow-sm hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
        >
          Copy
        </button>
      </div>
      {/* Always rendered, so screen readers hear the change. */}
      <p role="status" aria-live="polite" className="mt-1 min-h-5 text-xs text-amber-900">
        {announced?.secret === secret ? announced.text : ""}
      </p>
    </div>
  );
}

/** "API key (shown once)" → "API key", "One-time password" → "one-time password": the button reads "Copy API key". */
function spokenName(label: string): string {
  const name = label.replace(/\s*\(shown once\)$/, "");
  return /^[A-Z]{2,}\b/.test(name) ? name : name.charAt(0).toLowerCase() + name.slice(1);
}
