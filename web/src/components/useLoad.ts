import { useCallback, useEffect, useState, type DependencyList } from "react";
import { SessionEndedError } from "../api/problem";

export interface Loaded<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  reload(): void;
  setData(update: (current: T | undefined) => T | undefined): void;
}

/**
 * Runs `load` when the dependencies change (aborting the previous run), and keeps its result,
 * error and loading state. A session that ended is not an error to show: the sign-in is on its way.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    load(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted || e instanceof SessionEndedError) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `load` is a new function at every render; the caller lists what it depends on in `deps`.
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const update = useCallback((f: (current: T | undefined) => T | undefined) => setData(f), []);
  return { data, error, loading, reload, setData: update };
}
