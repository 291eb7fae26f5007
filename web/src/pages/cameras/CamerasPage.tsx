import { useEffect, useState } from "react";
import { Link, useLocation } from "react-router";
import { followCameraStatus, listCameras, removeCamera, renameCamera } from "../../api/cameras";
import { useApi } from "../../api/useApi";
import { EmptyState, ErrorMessage, Loading } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";
import { livePage } from "../live/livePage";
import { CameraTile } from "./CameraTile";

/** The user's cameras, live and snapshot, with online/offline kept current from /api/cameras/status. */
export function CamerasPage() {
  const api = useApi();
  const location = useLocation();
  const added = (location.state as { added?: string } | null)?.added;
  const cameras = useLoad((signal) => listCameras(api, signal), [api]);
  const [following, setFollowing] = useState(false);
  const { setData, reload } = cameras;
  const hasLive = cameras.data?.some((c) => c.kind === "live") ?? false;
  // The Live page's code (the KVS SDKs, 200 KB) is a separate chunk: fetched and compiled while the
  // list is looked at, not after the click on "Watch live" (about 300 ms of the click-to-first-frame
  // time on a small machine: docs/benchmarks.md, "Web client: click to first frame").
  useEffect(() => {
    if (hasLive) livePage.preload();
  }, [hasLive]);

  // Presence exists for live cameras only: with none, there is nothing to follow.
  useEffect(() => {
    if (!hasLive) return;
    const controller = new AbortController();
    let first = true;
    void followCameraStatus(
      api,
      (status) =>
        setData((list) =>
          list?.map((c) => (c.id === status.id ? { ...c, online: status.online, lastSeen: status.lastSeen ?? c.lastSeen, provisioned: c.provisioned || status.online } : c)),
        ),
      (connected) => {
        setFollowing(connected);
        // After a gap in the stream, changes may have been missed: read the list again.
        if (connected && !first) reload();
        first = false;
      },
      controller.signal,
    );
    return () => controller.abort();
  }, [api, setData, reload, hasLive]);

  return (
    <>
      <div className="title-row">
        <h1>Cameras</h1>
        <Link className="button primary" to="/cameras/add">
          Add camera
        </Link>
      </div>
      {added && (
        <p className="notice" role="status">
          {added} was added. It shows as online as soon as it connects.
        </p>
      )}
      {cameras.loading && !cameras.data && <Loading what="cameras" />}
      <ErrorMessage error={cameras.error}>
        <button type="button" onClick={reload}>
          Try again
        </button>
      </ErrorMessage>
      {cameras.data && cameras.data.length === 0 && (
        <EmptyState title="No cameras yet.">
          <p>
            <Link to="/cameras/add">Add a camera</Link> with the serial number and secret on its label, or scan the label's QR code.
          </p>
        </EmptyState>
      )}
      {cameras.data && cameras.data.length > 0 && (
        <>
          {hasLive && (
            <p className="muted" aria-live="polite">
              {following ? "Online status updates live." : "Online status as of loading this page."} <Link to="/live">Watch all online cameras</Link>
            </p>
          )}
          <ul className="cards camera-grid" id="cameras" aria-label="Cameras">
            {cameras.data.map((camera) => (
              <CameraTile
                key={camera.id}
                camera={camera}
                onRename={async (name) => {
                  const renamed = await renameCamera(api, camera.id, name);
                  setData((list) => list?.map((c) => (c.id === camera.id ? { ...c, name: renamed.name || name } : c)));
                }}
                onRemove={async () => {
                  await removeCamera(api, camera.id);
                  setData((list) => list?.filter((c) => c.id !== camera.id));
                }}
              />
            ))}
          </ul>
        </>
      )}
    </>
  );
}
