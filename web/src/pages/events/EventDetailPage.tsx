import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { deleteEvent, getEvent } from "../../api/events";
import { ApiError } from "../../api/problem";
import { useApi } from "../../api/useApi";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ErrorMessage, Loading } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";
import { dateTime } from "../../components/time";
import { PictureWithBoxes } from "./PictureWithBoxes";

const sources: Record<string, string> = { Smtp: "e-mail", Webhook: "webhook", Upload: "upload" };

/** One event: its original pictures (detections drawn over them, which can be hidden), what was found, and delete. */
export function EventDetailPage() {
  const { id = "" } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const event = useLoad((signal) => getEvent(api, id, signal), [api, id]);
  const [showBoxes, setShowBoxes] = useState(true);
  const [error, setError] = useState<Error | null>(null);

  if (event.loading) return <Loading what="the event" />;
  if (event.error instanceof ApiError && event.error.status === 404) {
    return (
      <>
        <h1>Event not found</h1>
        <p>It may have been deleted, or removed by the retention period.</p>
        <p>
          <Link to="/events">Back to events</Link>
        </p>
      </>
    );
  }
  if (!event.data) return <ErrorMessage error={event.error} />;
  const e = event.data;
  const title = e.labels.length > 0 ? e.labels.join(", ") : e.detectionAvailable ? "Nothing recognised" : "Not analysed";
  return (
    <>
      <p className="breadcrumb">
        <Link to="/events">← Events</Link>
      </p>
      <h1>{title}</h1>
      <dl className="facts">
        <dt>Camera</dt>
        <dd>{e.camera.name}</dd>
        <dt>When</dt>
        <dd>
          <time dateTime={e.occurredAt}>{dateTime(e.occurredAt)}</time>
        </dd>
        <dt>Arrived by</dt>
        <dd>{sources[e.source] ?? e.source}</dd>
        {e.subject && (
          <>
            <dt>Subject</dt>
            <dd>{e.subject}</dd>
          </>
        )}
      </dl>
      {e.detections.length > 0 && (
        <label className="inline">
          <input type="checkbox" checked={showBoxes} onChange={(x) => setShowBoxes(x.target.checked)} /> Show boxes
        </label>
      )}
      {e.pictures.map((p) => (
        <section key={p.index} className="event-picture" aria-label={`Picture ${p.index + 1}`}>
          <PictureWithBoxes picture={p} detections={e.detections} variant="original" alt={`Picture ${p.index + 1} of the event: ${title}`} showBoxes={showBoxes} />
          <p className="muted">
            {p.width} × {p.height}
            {p.fileName ? ` · ${p.fileName}` : ""}
          </p>
        </section>
      ))}
      {e.detections.length > 0 && (
        <table className="detections">
          <caption>What was recognised</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Confidence</th>
              <th scope="col">Picture</th>
            </tr>
          </thead>
          <tbody>
            {e.detections.map((d, i) => (
              <tr key={i}>
                <td>{d.label}</td>
                <td>{Math.round(d.confidence * 100)}%</td>
                <td>{d.picture + 1}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <ConfirmButton
          label="Delete event"
          question="Delete this event and its pictures?"
          confirmLabel="Delete"
          onConfirm={async () => {
            setError(null);
            try {
              await deleteEvent(api, e.id);
              void navigate("/events", { replace: true });
            } catch (x) {
              setError(x instanceof Error ? x : new Error(String(x)));
            }
          }}
        />
      </div>
    </>
  );
}
