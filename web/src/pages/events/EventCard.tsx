import { Link } from "react-router";
import type { VigilEvent } from "../../api/events";
import { dateTime, timeAgo } from "../../components/time";
import { PictureWithBoxes } from "./PictureWithBoxes";

/** One event in the list: its first picture with boxes, what was seen, where and when. */
export function EventCard({ event }: { event: VigilEvent }) {
  const picture = event.pictures[0];
  const labels = event.labels.length > 0 ? event.labels.join(", ") : event.detectionAvailable ? "Nothing recognised" : "Not analysed";
  return (
    <li className="event-card">
      <Link to={`/events/${event.id}`} aria-label={`${labels} at ${event.camera.name}, ${dateTime(event.occurredAt)}`}>
        {picture ? (
          <PictureWithBoxes picture={picture} detections={event.detections} variant="thumbnail" alt="" />
        ) : (
          <div className="picture-missing">No picture</div>
        )}
        <div className="event-text">
          <span className="labels">{labels}</span>
          <span className="muted">
            {event.camera.name} · <time dateTime={event.occurredAt} title={dateTime(event.occurredAt)}>{timeAgo(event.occurredAt)}</time>
          </span>
        </div>
      </Link>
    </li>
  );
}
