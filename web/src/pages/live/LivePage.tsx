import { Link, useParams } from "react-router";
import { getCamera, listCameras } from "../../api/cameras";
import { ApiError } from "../../api/problem";
import { useApi } from "../../api/useApi";
import { EmptyState, ErrorMessage, Loading } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";
import { LiveView } from "./LiveView";

/** /live/{id}: one camera; /live: every online live camera in a grid. */
export default function LivePage() {
  const { id } = useParams();
  return id ? <SingleCamera id={id} /> : <CameraGrid />;
}

function SingleCamera({ id }: { id: string }) {
  const api = useApi();
  const camera = useLoad((signal) => getCamera(api, id, signal), [api, id]);
  if (camera.loading) return <Loading what="the camera" />;
  if (camera.error instanceof ApiError && (camera.error.status === 404 || camera.error.status === 400)) {
    return (
      <>
        <h1>Camera not found</h1>
        <p>There is no camera of yours with this address. It may have been removed.</p>
        <p>
          <Link to="/cameras">Your cameras</Link>
        </p>
      </>
    );
  }
  if (!camera.data) return <ErrorMessage error={camera.error} />;
  const c = camera.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/cameras">← Cameras</Link> · <Link to="/live">All live cameras</Link>
      </p>
      <h1>{c.name}</h1>
      {c.kind !== "live" ? (
        <p>This is a snapshot camera: it sends pictures, not video. Its pictures are under <Link to={`/events?camera=${c.id}`}>Events</Link>.</p>
      ) : (
        <>
          {c.online === false && <p className="notice">The camera is offline; the view connects when it comes back.</p>}
          <LiveView camera={c} />
        </>
      )}
    </>
  );
}

function CameraGrid() {
  const api = useApi();
  const cameras = useLoad((signal) => listCameras(api, signal), [api]);
  if (cameras.loading) return <Loading what="cameras" />;
  if (!cameras.data) return <ErrorMessage error={cameras.error} />;
  const live = cameras.data.filter((c) => c.kind === "live");
  const online = live.filter((c) => c.online !== false);
  return (
    <>
      <h1>Live</h1>
      {online.length === 0 ? (
        <EmptyState title={live.length === 0 ? "No live cameras." : "No camera is online."}>
          <p>{live.length === 0 ? <><Link to="/cameras/add">Add a camera</Link> to watch it here.</> : <>Offline cameras appear here as soon as they connect. <Link to="/cameras">Your cameras</Link></>}</p>
        </EmptyState>
      ) : (
        <div className={`live-grid n${Math.min(online.length, 4)}`}>
          {online.map((c) => (
            <div key={c.id} className="live-cell">
              <LiveView camera={c} compact={online.length > 1} />
              <Link to={`/live/${c.id}`} className="muted">
                Open {c.name}
              </Link>
            </div>
          ))}
        </div>
      )}
    </>
  );
}
