import { useEffect, useState, type FormEvent } from "react";
import type { Camera } from "../../api/cameras";
import { commonLabels, type EventFilters } from "../../api/events";
import { fromLocalInput, toLocalInput } from "../../components/time";

/** Camera, label and time range; applied on submit (the URL keeps them, so a filtered list can be bookmarked). */
export function EventFilterForm({ filters, cameras, onApply }: { filters: EventFilters; cameras: Camera[]; onApply(filters: EventFilters): void }) {
  const [camera, setCamera] = useState(filters.camera ?? "");
  const [label, setLabel] = useState(filters.label ?? "");
  const [from, setFrom] = useState(toLocalInput(filters.from));
  const [to, setTo] = useState(toLocalInput(filters.to));
  useEffect(() => {
    setCamera(filters.camera ?? "");
    setLabel(filters.label ?? "");
    setFrom(toLocalInput(filters.from));
    setTo(toLocalInput(filters.to));
  }, [filters.camera, filters.label, filters.from, filters.to]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ camera: camera || undefined, label: label || undefined, from: fromLocalInput(from), to: fromLocalInput(to) });
  };
  const labels = label && !commonLabels.includes(label) ? [label, ...commonLabels] : commonLabels;
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter events">
      <label>
        Camera
        <select name="camera" value={camera} onChange={(e) => setCamera(e.target.value)}>
          <option value="">All cameras</option>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Label
        <select name="label" value={label} onChange={(e) => setLabel(e.target.value)}>
          <option value="">Anything</option>
          {labels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="datetime-local" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        Until
        <input type="datetime-local" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <div className="filter-actions">
        <button type="submit">Apply</button>
        <button
          type="button"
          className="quiet"
          onClick={() => onApply({})}
          disabled={!filters.camera && !filters.label && !filters.from && !filters.to}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
