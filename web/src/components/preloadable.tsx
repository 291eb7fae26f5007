import { lazy, type ComponentType } from "react";

/**
 * A code-split page that can be loaded ahead of time. React.lazy alone suspends on its first
 * render even when the chunk is already loaded, and React then holds the new page back for up to
 * 300 ms (its throttle on revealing suspended content): that was most of the time between a click
 * on "Watch live" and the live view starting. Once `preload()` has loaded the module, the page
 * renders at once; before that it behaves as React.lazy (render it inside <Suspense>).
 */
export function preloadable<P extends object>(factory: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<{ default: ComponentType<P> }> | null = null;
  const load = () =>
    (pending ??= factory().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (error: unknown) => {
        pending = null; // a failed download may be tried again
        throw error;
      },
    ));
  const Lazy = lazy(load);
  function Page(props: P) {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  }
  return { Page, preload: () => void load().catch(() => undefined) };
}
