import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import type { Camera } from "../../api/cameras";
import { latestEvent } from "../../api/events";
import { useApi } from "../../api/useApi";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ErrorMessage } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";
import { dateTime, timeAgo } from "../../components/time";
import { PictureWithBoxes } from "../events/PictureWithBoxes";

/** One camera: name, kind, online or offline (kept current by the status stream), last seen, its newest event; rename and remove. */
export function CameraTile({ camera, onRename, onRemove }: { camera: Camera; onRename(name: string): Promise<void>; onRemove(): Promise<void> }) {
  const api = useApi();
  const latest = useLoad((signal) => latestEvent(api, camera.id, signal), [api, camera.id]);
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(camera.name);
  const [error, setError] = useState<Error | null>(null);

  const rename = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await onRename(name.trim());
      setRenaming(false);
    } catch (x) {
      setError(x instanceof Error ? x : new Error(String(x)));
    }
  };
  const remove = async () => {
    setError(null);
    try {
      await onRemove();
    } catch (x) {
      setError(x instanceof Error ? x : new Error(String(x)));
    }
  };
  const event = latest.data;
  const picture = event?.pictures[0];

  return (
    <li className="card camera-tile" data-camera-id={camera.id}>
      <div className="card-head">
        {renaming ? (
          <form className="rename" onSubmit={rename}>
            <label className="visually-hidden" htmlFor={`name-${camera.id}`}>
              New name
            </label>
            <input id={`name-${camera.id}`} value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={100} onKeyDown={(e) => e.key === "Escape" && setRenaming(false)} />
            <button type="submit" className="primary">
              Save
            </button>
            <button type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <h2>{camera.name}</h2>
        )}
        <Presence camera={camera} />
      </div>
      <p className="muted">
        {camera.kind === "live" ? "Live camera" : "Snapshot camera"}
        {camera.serial ? ` · ${camera.serial}` : ""}
        {camera.lastSeen ? (
          <>
            {" · last seen "}
            <time dateTime={camera.lastSeen} title={dateTime(camera.lastSeen)}>
              {timeAgo(camera.lastSeen)}
            </time>
          </>
        ) : null}
      </p>
      {picture && event ? (
        <Link to={`/events/${event.id}`} className="latest" aria-label={`Latest event: ${event.labels.join(", ") || "picture"}, ${timeAgo(event.occurredAt)}`}>
          <PictureWithBoxes picture={picture} detections={event.detections} variant="thumbnail" alt="" />
          <span className="muted">
            Latest: {event.labels.join(", ") || "picture"} · {timeAgo(event.occurredAt)}
          </span>
        </Link>
      ) : (
        !latest.loading && <p className="muted latest-none">No events yet.</p>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        {camera.kind === "live" && (
          <Link className={`button${camera.online ? " primary" : ""}`} to={`/live/${camera.id}`}>
            Watch live
          </Link>
        )}
        {!renaming && (
          <button
            type="button"
            onClick={() => {
              setName(camera.name);
              setRenaming(true);
            }}
          >
            Rename
          </button>
        )}
        <ConfirmButton label="Remove" question={`Remove ${camera.name}?`} onConfirm={remove} />
      </div>
    </li>
  );
}

function Presence({ camera }: { camera: Camera }) {
  if (camera.kind === "live" && camera.provisioned === false) {
    return <span className="presence waiting">Waiting for the camera to connect</span>;
  }
  if (camera.online === null) return null;
  return (
    <span className={`presence ${camera.online ? "online" : "offline"}`} role="status">
      {camera.online ? "Online" : "Offline"}
    </span>
  );
}
