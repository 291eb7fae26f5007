import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/problem";
import { ErrorMessage } from "../../components/Messages";

/** What a refused bind means to the person holding the camera. */
export function bindRefusal(error: unknown): { message: string; fields: Record<string, string> } {
  if (!(error instanceof ApiError)) return { message: error instanceof Error ? error.message : String(error), fields: {} };
  const fields = error.fields;
  if (error.status === 409) {
    return { message: "This camera is already bound to an account. If it is yours, sign in with that account; if it changed hands, the server's admin can release it (vigil cameras unbind SERIAL).", fields };
  }
  if (error.status === 429) return { message: error.message, fields };
  if (Object.keys(fields).length > 0) return { message: "", fields };
  // No binding endpoint at all (a server from before the camera API): routing's bare 404/405.
  if (error.status === 405 || (error.status === 404 && (!error.problem?.type || error.problem.type.startsWith("https://tools.ietf.org/")))) {
    return { message: "This server cannot add cameras yet: it has no camera-binding API. Update Vigil.", fields };
  }
  if (error.status >= 400 && error.status < 500) {
    return { message: "The serial number or the secret is wrong. Check both against the label on the camera (the secret is case-sensitive).", fields };
  }
  return { message: error.message, fields };
}

/** Serial number + secret, as printed on the camera's label (the label's QR code fills both). */
export function AddCameraForm({ initialSerial, initialSecret, onBind }: { initialSerial: string; initialSecret: string; onBind(serial: string, secret: string): Promise<void> }) {
  const [serial, setSerial] = useState(initialSerial);
  const [secret, setSecret] = useState(initialSecret);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const fields = refusal?.fields ?? {};
  const fieldError = (name: string) => fields[name] ?? (name === "serialNumber" ? fields.serial : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setRefusal(null);
    try {
      await onBind(serial.trim(), secret.trim());
    } catch (x) {
      setRefusal(bindRefusal(x));
      setBusy(false);
    }
  };
  return (
    <form className="form narrow" noValidate onSubmit={submit} aria-label="Add camera">
      <div className="field">
        <label htmlFor="serial">Serial number</label>
        <input id="serial" name="serial" value={serial} autoComplete="off" autoCapitalize="characters" spellCheck={false} aria-invalid={Boolean(fieldError("serialNumber"))} aria-describedby={fieldError("serialNumber") ? "serial-error" : undefined} onChange={(e) => setSerial(e.target.value)} />
        {fieldError("serialNumber") && (
          <p className="field-error" id="serial-error" role="alert">
            {fieldError("serialNumber")}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="secret">Secret</label>
        <input id="secret" name="secret" value={secret} autoComplete="off" spellCheck={false} aria-invalid={Boolean(fieldError("secret"))} aria-describedby={fieldError("secret") ? "secret-error" : undefined} onChange={(e) => setSecret(e.target.value)} />
        {fieldError("secret") && (
          <p className="field-error" id="secret-error" role="alert">
            {fieldError("secret")}
          </p>
        )}
      </div>
      <ErrorMessage error={refusal?.message || null} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || serial.trim() === "" || secret.trim() === ""}>
          {busy ? "Adding…" : "Add camera"}
        </button>
      </div>
    </form>
  );
}
