"use client";

import { startTransition } from "react";

/**
 * A form for a server action (from useActionState) that keeps what the person chose. React 19
 * resets a form once its action has run, and a reset puts every controlled <select> back on its
 * first option on screen while the component still holds, and sends, the real choice: after a
 * refused submit the form would show values it does not send. Submitting by hand skips that
 * reset; the button that submitted still sends its name and value. A caller's onSubmit runs
 * first and may cancel with preventDefault (a confirmation, say).
 */
export function ActionForm({ action, onSubmit, ...props }: Omit<React.ComponentProps<"form">, "action"> & { action: (data: FormData) => void }) {
  return (
    <form
      {...props}
      onSubmit={(event) => {
        onSubmit?.(event);
        if (event.defaultPrevented) return;
        event.preventDefault();
        const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
        startTransition(() => action(data));
      }}
    />
  );
}
