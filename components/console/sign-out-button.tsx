"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { signOutEverywhereAction } from "@/app/(console)/session-actions";

const buttonClass = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <button type="button" disabled={pending} onClick={() => void signOut({ callbackUrl: "/login?signedOut=signed_out" })} className={buttonClass}>
        Sign out
      </button>
      <button
        type="button"
        disabled={pending}
        title="Ends your sessions on every device and browser"
        onClick={async () => {
          setPending(true);
          await signOutEverywhereAction();
          await signOut({ callbackUrl: "/login?signedOut=signed_out_everywhere" });
        }}
        className={buttonClass}
      >
        Sign out everywhere
      </button>
    </div>
  );
}
