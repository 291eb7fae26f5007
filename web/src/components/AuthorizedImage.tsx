import { useEffect, useState } from "react";
import { useApi } from "../api/useApi";
import { SessionEndedError } from "../api/problem";

/**
 * A picture from the API. An <img src> cannot carry the bearer token, so it is fetched with it
 * and shown from a blob: URL (the browser's HTTP cache still keeps it: the API marks pictures
 * private, max-age one day).
 */
export function AuthorizedImage({ src, alt, className, width, height }: { src: string; alt: string; className?: string; width?: number; height?: number }) {
  const api = useApi();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | null = null;
    setFailed(false);
    api.blob(src, controller.signal).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      (e: unknown) => {
        if (!controller.signal.aborted && !(e instanceof SessionEndedError)) setFailed(true);
      },
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      setUrl(null);
    };
  }, [api, src]);
  if (failed) return <div className={`picture-missing ${className ?? ""}`}>Picture unavailable</div>;
  if (!url) return <div className={`picture-loading ${className ?? ""}`} aria-hidden="true" style={width && height ? { aspectRatio: `${width} / ${height}` } : undefined} />;
  return <img src={url} alt={alt} className={className} width={width} height={height} />;
}
