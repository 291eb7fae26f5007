import type { ApiClient } from "./client";

export interface EventCamera {
  id: string;
  name: string;
}

export interface Detection {
  picture: number;
  label: string;
  confidence: number;
  box: { x: number; y: number; width: number; height: number };
}

export interface EventPicture {
  index: number;
  fileName: string | null;
  contentType: string;
  width: number;
  height: number;
  url: string;
  thumbnailUrl: string | null;
  annotatedUrl: string | null;
}

/** An event of GET /api/events (Features/Events/ApiEventView.cs). */
export interface VigilEvent {
  id: number;
  camera: EventCamera;
  occurredAt: string;
  source: string;
  subject: string | null;
  detectionAvailable: boolean;
  labels: string[];
  detections: Detection[];
  pictures: EventPicture[];
}

export interface EventPage {
  events: VigilEvent[];
  nextCursor: string | null;
}

export interface EventFilters {
  camera?: string;
  label?: string;
  /** ISO 8601 */
  from?: string;
  /** ISO 8601, exclusive */
  to?: string;
}

/** Labels the detector knows that people filter by most (the API accepts any COCO label). */
export const commonLabels = ["Person", "Car", "Bicycle", "Motorcycle", "Truck", "Bus", "Dog", "Cat", "Bird"];

export function eventsPath(filters: EventFilters, cursor: string | null, limit = 24): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (typeof value === "string" && value !== "") query.set(key, value);
  }
  query.set("limit", String(limit));
  if (cursor) query.set("cursor", cursor);
  return `/api/events?${query.toString()}`;
}

export const listEvents = (api: ApiClient, filters: EventFilters, cursor: string | null, signal?: AbortSignal) =>
  api.json<EventPage>(eventsPath(filters, cursor), { signal: signal ?? null });

/** The newest event of one camera (for its tile), or null when it has none. */
export async function latestEvent(api: ApiClient, camera: string, signal?: AbortSignal): Promise<VigilEvent | null> {
  const page = await api.json<EventPage>(eventsPath({ camera }, null, 1), { signal: signal ?? null });
  return page.events[0] ?? null;
}

export const getEvent = (api: ApiClient, id: string, signal?: AbortSignal) =>
  api.json<VigilEvent>(`/api/events/${encodeURIComponent(id)}`, { signal: signal ?? null });

export async function deleteEvent(api: ApiClient, id: number): Promise<void> {
  await api.send(`/api/events/${id}`, { method: "DELETE" });
}

/** The picture a list shows for an event: the annotated one (boxes drawn) when there is one, its thumbnail otherwise. */
export function previewOf(event: VigilEvent): string | null {
  const first = event.pictures[0];
  if (!first) return null;
  return first.thumbnailUrl ?? first.annotatedUrl ?? first.url;
}
