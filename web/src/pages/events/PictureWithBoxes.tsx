import type { Detection, EventPicture } from "../../api/events";
import { AuthorizedImage } from "../../components/AuthorizedImage";

/**
 * A picture of an event with its detections drawn over it (boxes are in the original picture's
 * pixels, so an SVG with the original's view box scales them onto any variant: the thumbnail in
 * lists, the original in the detail view).
 */
export function PictureWithBoxes({ picture, detections, variant, alt, showBoxes = true }: {
  picture: EventPicture;
  detections: Detection[];
  variant: "thumbnail" | "original";
  alt: string;
  showBoxes?: boolean;
}) {
  const src = variant === "thumbnail" ? (picture.thumbnailUrl ?? picture.url) : picture.url;
  const boxes = detections.filter((d) => d.picture === picture.index);
  const stroke = Math.max(2, Math.round(Math.max(picture.width, picture.height) / 250));
  const font = Math.max(12, Math.round(Math.max(picture.width, picture.height) / 40));
  return (
    <figure className="picture">
      <AuthorizedImage src={src} alt={alt} width={picture.width} height={picture.height} />
      {showBoxes && boxes.length > 0 && picture.width > 0 && picture.height > 0 && (
        <svg className="boxes" viewBox={`0 0 ${picture.width} ${picture.height}`} preserveAspectRatio="none" aria-hidden="true">
          {boxes.map((d, i) => (
            <g key={i}>
              <rect x={d.box.x} y={d.box.y} width={d.box.width} height={d.box.height} fill="none" strokeWidth={stroke} />
              <text x={d.box.x + stroke} y={Math.max(font, d.box.y - stroke)} fontSize={font}>
                {d.label} {Math.round(d.confidence * 100)}%
              </text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}
