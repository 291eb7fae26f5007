import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { Camera } from "../../api/cameras";
import { commonLabels } from "../../api/events";
import { ErrorMessage } from "../../components/Messages";
import { ruleFieldErrors, type RuleDraft } from "./ruleDraft";

/**
 * Create or edit a rule. The browser's own validation is off (noValidate): the API is the one
 * judge, and each of its messages is shown at the field it names.
 */
export function RuleForm({ initial, cameras, submitLabel, onSubmit }: {
  initial: RuleDraft;
  cameras: Camera[];
  submitLabel: string;
  onSubmit(draft: RuleDraft): Promise<void>;
}) {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = ruleFieldErrors(error);
  const general = error && Object.keys(fields).length === 0 ? error : null;
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggle = (key: "cameras" | "labels", value: string, on: boolean) =>
    setDraft((d) => ({ ...d, [key]: on ? [...d[key], value] : d[key].filter((v) => v !== value) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(draft);
    } catch (x) {
      setError(x instanceof Error ? x : new Error(String(x)));
      setBusy(false);
    }
  };

  return (
    <form className="form" noValidate onSubmit={submit} aria-label="Rule">
      <Field label="Name" error={fields.name} hint="Optional; by default the labels.">
        {(id, describedBy) => <input id={id} name="name" value={draft.name} maxLength={200} aria-describedby={describedBy} aria-invalid={Boolean(fields.name)} onChange={(e) => set("name", e.target.value)} />}
      </Field>

      <fieldset aria-describedby={fields.cameras ? "cameras-error" : undefined}>
        <legend>Cameras</legend>
        <p className="hint">None chosen: every camera.</p>
        {cameras.length === 0 && <p className="muted">You have no cameras yet.</p>}
        <div className="choices">
          {cameras.map((c) => (
            <label key={c.id} className="inline">
              <input type="checkbox" name="cameras" value={c.id} checked={draft.cameras.includes(c.id)} onChange={(e) => toggle("cameras", c.id, e.target.checked)} /> {c.name}
            </label>
          ))}
        </div>
        <FieldError id="cameras-error" message={fields.cameras} />
      </fieldset>

      <fieldset aria-describedby={fields.labels ? "labels-error" : undefined}>
        <legend>What it sees</legend>
        <p className="hint">None chosen: any event, even when nothing is recognised.</p>
        <div className="choices">
          {commonLabels.map((l) => (
            <label key={l} className="inline">
              <input type="checkbox" name="labels" value={l} checked={draft.labels.includes(l)} onChange={(e) => toggle("labels", l, e.target.checked)} /> {l}
            </label>
          ))}
        </div>
        <label className="stacked">
          Other labels (comma-separated)
          <input name="otherLabels" value={draft.otherLabels} aria-invalid={Boolean(fields.labels)} onChange={(e) => set("otherLabels", e.target.value)} placeholder="e.g. Horse, Sheep" />
        </label>
        <FieldError id="labels-error" message={fields.labels} />
      </fieldset>

      <Field label="Minimum confidence" error={fields.minConfidence} hint="From 0 to 1: how sure the detector must be (0.5 = 50 %).">
        {(id, describedBy) => (
          <input id={id} name="minConfidence" inputMode="decimal" value={draft.minConfidence} aria-describedby={describedBy} aria-invalid={Boolean(fields.minConfidence)} onChange={(e) => set("minConfidence", e.target.value)} />
        )}
      </Field>

      <fieldset aria-describedby={fields.quietHours ? "quiet-error" : undefined}>
        <legend>Quiet hours</legend>
        <p className="hint">Optional: no notifications in this daily period (it may cross midnight).</p>
        <div className="row">
          <label className="stacked">
            From
            <input type="time" name="quietFrom" value={draft.quietFrom} aria-invalid={Boolean(fields.quietHours)} onChange={(e) => set("quietFrom", e.target.value)} />
          </label>
          <label className="stacked">
            Until
            <input type="time" name="quietTo" value={draft.quietTo} aria-invalid={Boolean(fields.quietHours)} onChange={(e) => set("quietTo", e.target.value)} />
          </label>
        </div>
        <FieldError id="quiet-error" message={fields.quietHours} />
      </fieldset>

      <fieldset>
        <legend>Notify</legend>
        <label className="inline">
          <input type="checkbox" name="emailOwner" checked={draft.emailOwner} onChange={(e) => set("emailOwner", e.target.checked)} /> E-mail me
        </label>
        <Field label="Or e-mail to" error={fields.email}>
          {(id, describedBy) => <input id={id} type="email" name="email" value={draft.email} aria-describedby={describedBy} aria-invalid={Boolean(fields.email)} onChange={(e) => set("email", e.target.value)} placeholder="someone@example.com" />}
        </Field>
        <Field label="Webhook URL" error={fields.webhook} hint="Vigil POSTs a signed JSON message here.">
          {(id, describedBy) => <input id={id} type="url" name="webhook" value={draft.webhook} aria-describedby={describedBy} aria-invalid={Boolean(fields.webhook)} onChange={(e) => set("webhook", e.target.value)} placeholder="https://…" />}
        </Field>
        <label className="inline">
          <input type="checkbox" name="mqtt" checked={draft.mqtt} onChange={(e) => set("mqtt", e.target.checked)} /> Publish over MQTT (Home Assistant)
        </label>
      </fieldset>

      <label className="inline">
        <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(e) => set("enabled", e.target.checked)} /> Rule is on
      </label>

      <ErrorMessage error={general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}

function Field({ label, error, hint, children }: { label: string; error?: string | undefined; hint?: string; children(id: string, describedBy: string | undefined): ReactNode }) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children(id, described)}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p className="field-error" id={id} role="alert">
      {message}
    </p>
  ) : null;
}
