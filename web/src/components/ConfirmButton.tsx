import { useEffect, useRef, useState } from "react";

/**
 * A destructive action in two steps, without a modal: the first press asks, the second does it.
 * Escape or "Cancel" steps back; focus moves to the confirming button so the keyboard can answer.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, disabled }: {
  label: string;
  question: string;
  confirmLabel?: string;
  onConfirm(): void | Promise<void>;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className="danger-quiet" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === "Escape" && setAsking(false)}>
      <span>{question}</span>
      <button
        ref={confirm}
        type="button"
        className="danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {confirmLabel ?? label}
      </button>
      <button type="button" onClick={() => setAsking(false)} disabled={busy}>
        Cancel
      </button>
    </span>
  );
}
