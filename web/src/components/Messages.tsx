import type { ReactNode } from "react";

export function ErrorMessage({ error, children }: { error: Error | string | null; children?: ReactNode }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {typeof error === "string" ? error : error.message} {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}
