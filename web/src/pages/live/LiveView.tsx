import { useEffect, useMemo, useRef, useState } from "react";
import type { Camera } from "../../api/cameras";
import { useApi } from "../../api/useApi";
import { KvsViewer, type ViewerStatus } from "./kvsViewer";
import { formatBitrate } from "./stats";
import { ViewerCredentialSource } from "./viewerCredentials";

const stateText: Record<ViewerStatus["state"], string> = {
  starting: "Starting…",
  signaling: "Contacting the camera…",
  connecting: "Connecting…",
  playing: "Live",
  reconnecting: "Reconnecting…",
  failed: "Failed",
  stopped: "Stopped",
};

/**
 * One camera's live video with an overlay: connection state, candidate types, resolution, frame
 * rate, bitrate, time to first frame. Full screen and reconnect by button (or F / R when focused).
 */
export function LiveView({ camera, compact = false }: { camera: Camera; compact?: boolean }) {
  const api = useApi();
  const video = useRef<HTMLVideoElement>(null);
  const frame = useRef<HTMLElement>(null);
  const viewer = useRef<KvsViewer | null>(null);
  const [status, setStatus] = useState<ViewerStatus | null>(null);
  const credentials = useMemo(() => new ViewerCredentialSource(api, camera.id), [api, camera.id]);

  useEffect(() => {
    if (!video.current) return;
    const v = new KvsViewer({ endpoint: window.location.origin, credentials, video: video.current, onStatus: setStatus });
    viewer.current = v;
    v.start();
    return () => {
      v.stop();
      viewer.current = null;
    };
  }, [credentials]);

  const fullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void frame.current?.requestFullscreen().catch(() => undefined);
  };
  const f = status?.figures;
  const state = status?.state ?? "starting";
  return (
    <figure
      ref={frame}
      className={`live-view ${compact ? "compact" : ""}`}
      data-state={state}
      data-frames-decoded={f?.framesDecoded ?? 0}
      data-camera-id={camera.id}
      tabIndex={0}
      aria-label={`${camera.name}: ${stateText[state]}`}
      onKeyDown={(e) => {
        if (e.key === "f" || e.key === "F") fullScreen();
        if (e.key === "r" || e.key === "R") viewer.current?.reconnect();
      }}
      onDoubleClick={fullScreen}
    >
      <video ref={video} muted autoPlay playsInline />
      <figcaption className="overlay">
        <span className="camera-name">{camera.name}</span>
        <span className={`state ${state}`} role="status">
          {stateText[state]}
          {state === "reconnecting" && status && status.attempt > 1 ? ` (try ${status.attempt})` : ""}
        </span>
        {!compact && (
          <dl className="figures">
            <dt>Connection</dt>
            <dd>{status?.connection ?? "–"}</dd>
            <dt>Candidates</dt>
            <dd>{f?.localCandidate ? `${f.localCandidate} ⇄ ${f.remoteCandidate ?? "?"}` : "–"}</dd>
            <dt>Resolution</dt>
            <dd>{f?.width && f.height ? `${f.width}×${f.height}` : "–"}</dd>
            <dt>Frame rate</dt>
            <dd>{f?.framesPerSecond != null ? `${f.framesPerSecond} fps` : "–"}</dd>
            <dt>Bitrate</dt>
            <dd>{formatBitrate(f?.bitrateKbps ?? null)}</dd>
            <dt>First frame</dt>
            <dd data-ttff>{status?.timeToFirstFrameMs != null ? `${status.timeToFirstFrameMs} ms` : "–"}</dd>
          </dl>
        )}
        {compact && f?.width ? (
          <span className="figures-line">
            {f.width}×{f.height} · {f.framesPerSecond ?? "–"} fps · {formatBitrate(f.bitrateKbps)}
          </span>
        ) : null}
        {status?.error && state !== "playing" && <span className="overlay-error">{status.error}</span>}
      </figcaption>
      <div className="live-controls">
        <button type="button" onClick={() => viewer.current?.reconnect()} aria-label={`Reconnect ${camera.name}`}>
          Reconnect
        </button>
        <button type="button" onClick={fullScreen} aria-label={`Full screen: ${camera.name}`}>
          Full screen
        </button>
      </div>
    </figure>
  );
}
