import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { bindCamera } from "../../api/cameras";
import { useApi } from "../../api/useApi";
import { AddCameraForm } from "./AddCameraForm";

/**
 * /cameras/add, also the URL of the QR code on a camera's label (?serial=…&secret=…): the form
 * is filled from it, and the secret is then taken out of the address bar and history.
 */
export function AddCameraPage() {
  const api = useApi();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [initial] = useState(() => ({ serial: params.get("serial") ?? "", secret: params.get("secret") ?? "" }));
  useEffect(() => {
    if (params.has("secret") || params.has("serial")) setParams({}, { replace: true });
  }, [params, setParams]);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/cameras">← Cameras</Link>
      </p>
      <h1>Add camera</h1>
      <p>Type the serial number and the secret printed on the camera's label, or scan the label's QR code with your phone.</p>
      <AddCameraForm
        initialSerial={initial.serial}
        initialSecret={initial.secret}
        onBind={async (serial, secret) => {
          const camera = await bindCamera(api, serial, secret);
          void navigate("/cameras", { state: { added: camera.name || serial } });
        }}
      />
    </>
  );
}
