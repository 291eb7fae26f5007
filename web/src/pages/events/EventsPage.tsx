import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { listCameras } from "../../api/cameras";
import { listEvents, type EventFilters, type VigilEvent } from "../../api/events";
import { SessionEndedError } from "../../api/problem";
import { useApi } from "../../api/useApi";
import { EmptyState, ErrorMessage, Loading } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";
import { EventCard } from "./EventCard";
import { EventFilterForm } from "./EventFilterForm";

interface Listing {
  events: VigilEvent[];
  cursor: string | null;
  done: boolean;
}

/** What the cameras saw, newest first, loading older pages as the list scrolls (the API's cursor). */
export function EventsPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const filters: EventFilters = {
    camera: params.get("camera") ?? undefined,
    label: params.get("label") ?? undefined,
    from: params.get("from") ?? undefined,
    to: params.get("to") ?? undefined,
  };
  const key = JSON.stringify(filters);
  const cameras = useLoad((signal) => listCameras(api, signal), [api]);
  const [listing, setListing] = useState<Listing>({ events: [], cursor: null, done: false });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const busy = useRef(false);
  const generation = useRef(0);
  const sentinel = useRef<HTMLDivElement>(null);

  const load = useCallback(
    async (cursor: string | null, reset: boolean) => {
      if (busy.current && !reset) return;
      busy.current = true;
      const mine = reset ? ++generation.current : generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await listEvents(api, JSON.parse(key) as EventFilters, cursor);
        if (mine !== generation.current) return;
        setListing((current) => ({
          events: reset ? page.events : [...current.events, ...page.events.filter((e) => !current.events.some((c) => c.id === e.id))],
          cursor: page.nextCursor,
          done: page.nextCursor === null,
        }));
      } catch (e) {
        if (mine === generation.current && !(e instanceof SessionEndedError)) setError(e instanceof Error ? e : new Error(String(e)));
      } finally {
        if (mine === generation.current) {
          busy.current = false;
          setLoading(false);
        }
      }
    },
    [api, key],
  );

  useEffect(() => {
    setListing({ events: [], cursor: null, done: false });
    void load(null, true);
  }, [load]);

  // Endless scrolling: the next page loads when the end of the list comes into view.
  useEffect(() => {
    const element = sentinel.current;
    if (!element || listing.done || error) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && listing.cursor) void load(listing.cursor, false);
    }, { rootMargin: "400px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [listing, load, error]);

  const apply = (next: EventFilters) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (typeof v === "string" && v !== "") query.set(k, v);
    setParams(query);
  };
  const filtered = Boolean(filters.camera || filters.label || filters.from || filters.to);

  return (
    <>
      <h1>Events</h1>
      <EventFilterForm filters={filters} cameras={cameras.data ?? []} onApply={apply} />
      <ErrorMessage error={cameras.error} />
      {listing.events.length > 0 && (
        <ul className="event-grid" aria-label="Events" id="events">
          {listing.events.map((e) => (
            <EventCard key={e.id} event={e} />
          ))}
        </ul>
      )}
      {!loading && !error && listing.events.length === 0 && (
        <EmptyState title={filtered ? "No events match these filters." : "No events yet."}>
          {!filtered && <p>Pictures your cameras send appear here, with what Vigil recognised in them.</p>}
        </EmptyState>
      )}
      <ErrorMessage error={error}>
        <button type="button" onClick={() => void load(listing.cursor, listing.events.length === 0)}>
          Try again
        </button>
      </ErrorMessage>
      {loading && <Loading what="events" />}
      <div ref={sentinel} />
      {!loading && !error && !listing.done && listing.cursor && (
        <p>
          <button type="button" onClick={() => void load(listing.cursor, false)}>
            Load older events
          </button>
        </p>
      )}
      {listing.done && listing.events.length > 0 && <p className="muted end">That is all.</p>}
    </>
  );
}
