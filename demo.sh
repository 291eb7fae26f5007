#!/usr/bin/env bash
# Vigil demo: builds the web client and the server, starts it on a fresh data directory with one
# demo camera in the manufacturing registry and a claim bundle for camera firmware, and prints
# where everything is, ending with the address to open, the demo login and the camera's serial
# and secret. Ctrl+C stops it. Needs the .NET 10 SDK and Node.js 20.19+ with npm (web client).
#   VIGIL__Server__HttpPort / VIGIL__Server__HttpsPort   change the ports (default 8080 / 8443)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
demo="$root/.demo"
data="$demo/data"
http_port="${VIGIL__Server__HttpPort:-8080}"
https_port="${VIGIL__Server__HttpsPort:-8443}"
export VIGIL__Server__PublicHost="${VIGIL__Server__PublicHost:-localhost}"
# Object detection: the YOLOX-Nano model beside the checkout when there is one (no download needed).
if [ -z "${VIGIL__Vision__ModelPath:-}" ] && [ -f "$root/../shared/models/yolox_nano/yolox_nano.onnx" ]; then
  export VIGIL__Vision__ModelPath="$root/../shared/models/yolox_nano/yolox_nano.onnx"
fi

command -v dotnet >/dev/null || { echo "demo.sh: the .NET 10 SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
# json_fields KEY...: print the given top-level fields of the JSON object on stdin, one per line
# (the CLI's --json output is the interface for scripts; its human text may change). Node.js is
# there: scripts/build-web.sh, below, stops with one clear line when it is missing.
json_fields() {
  node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
    const o = JSON.parse(s); for (const k of process.argv.slice(1)) console.log(o[k] ?? ""); });' "$@"
}

echo "demo.sh: building (first time takes a minute)..." >&2
"$root/scripts/build-web.sh" || { echo "demo.sh: the web client could not be built (see above)" >&2; exit 1; }
dotnet build src/Vigil.Server -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dotnet build src/Vigil.Agent -c Release -nologo -v quiet -clp:ErrorsOnly >&2
vigil="$root/src/Vigil.Server/bin/Release/net10.0/vigil"
agent="$root/src/Vigil.Agent/bin/Release/net10.0/vigil-agent"
mqtt_port="${VIGIL__Provisioning__MqttPort:-8883}"
credentials_port="${VIGIL__CredentialsProvider__Port:-8444}"

rm -rf "$demo"
mkdir -p "$demo"
serial="DEMO-CAM-0001"
secret=$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')
printf 'serial,secret,model\n%s,%s,%s\n' "$serial" "$secret" "Vigil Demo Camera" > "$demo/registry.csv"
"$vigil" --data "$data" registry import "$demo/registry.csv" >/dev/null
"$vigil" --data "$data" claim create --out "$demo/claim-bundle" >/dev/null
demo_user="demo@vigil.local"
demo_password=$("$vigil" --data "$data" user add "$demo_user" --admin --json | json_fields temporaryPassword)
"$vigil" --data "$data" ca export > "$demo/root-ca.pem"
# Snapshot AI: a camera that e-mails pictures, owned by the demo user.
smtp_port="${VIGIL__Ingest__SmtpPort:-2525}"
{ read -r smtp_username; read -r smtp_password; read -r ingest_address; read -r upload_token; } < <(
  "$vigil" --data "$data" cameras add-snapshot --owner "$demo_user" --name "Demo snapshot camera" --json |
    json_fields smtpUsername smtpPassword ingestAddress uploadToken)

"$vigil" --data "$data" serve > "$demo/server.log" 2>&1 &
server=$!
camera=
trap 'kill -TERM $camera $server 2>/dev/null; wait $camera $server 2>/dev/null' EXIT
trap 'exit 130' INT TERM

ready=0
for _ in $(seq 1 300); do
  if ! kill -0 $server 2>/dev/null; then break; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$http_port" && printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null; then
    ready=1; break
  fi
  sleep 0.2
done
if [ $ready -ne 1 ]; then
  echo "demo.sh: the server did not start; its log ($demo/server.log):" >&2
  tail -n 20 "$demo/server.log" >&2
  exit 1
fi

# The demo camera provisions itself the way a real one does: claim certificate -> its own certificate.
# Then it stays connected (online) and streams a live test picture to viewers until the demo stops.
if "$agent" provision --config "$demo/claim-bundle/agent.json" --state "$demo/camera" --serial "$serial" > "$demo/agent.log" 2>&1; then
  "$agent" run --config "$demo/claim-bundle/agent.json" --state "$demo/camera" --source testsrc >> "$demo/agent.log" 2>&1 &
  camera=$!
  for _ in $(seq 1 50); do grep -q '^Online:' "$demo/agent.log" && break; sleep 0.2; done
  if grep -q '^Online:' "$demo/agent.log"; then online="is online"; else online="is not online yet"; fi
  for _ in $(seq 1 50); do grep -q 'connected as master of channel' "$demo/agent.log" && break; sleep 0.2; done
  if grep -q 'connected as master of channel' "$demo/agent.log"; then
    streaming="streams a live test picture (testsrc, 1280x720) to viewers of signaling channel $serial"
  else
    streaming="is not streaming yet (see the log)"
  fi
  camera_status="provisioned itself with vigil-agent, $online and $streaming (vigil-agent run; state in $demo/camera, log $demo/agent.log; see: $vigil --data $data things list)"
else
  camera_status="could not provision itself (see $demo/agent.log)"
fi

cat <<TXT

  Vigil is running.

  Web        http://localhost:$http_port    https://localhost:$https_port  (health: /healthz, /readyz; API description: /openapi/v1.json)
  Trust      $demo/root-ca.pem   (e.g. curl --cacert $demo/root-ca.pem https://localhost:$https_port/readyz)

  Demo camera in the manufacturing registry
    serial   $serial
    secret   $secret

  Demo user (admin; the first sign-in sets a new password and an authenticator app)
    web      https://localhost:$https_port/   (the web client; account pages: /account)
    email    $demo_user
    password $demo_password   (temporary)
  Claim bundle for camera firmware: $demo/claim-bundle  (claim.cert.pem, claim.private.key, root-ca.pem, agent.json)
    camera   $camera_status

  Devices    MQTT (mutual TLS) localhost:$mqtt_port    credentials provider https://localhost:$credentials_port

  Demo snapshot camera of $demo_user (e-mail pictures to SMTP localhost:$smtp_port, STARTTLS)
    SMTP username    $smtp_username
    SMTP password    $smtp_password
    Send pictures to $ingest_address
    Upload token     $upload_token   (POST https://localhost:$https_port/api/ingest/snapshot, Authorization: Bearer <token>; plain HTTP is refused while Server:RequireHttps is on)
  Try: swaks --server localhost:$smtp_port --tls --auth PLAIN --auth-user USER --auth-password PASSWORD \\
         --to $demo_user --attach-type image/jpeg --attach @picture.jpg;  then $vigil --data $data events list

  Data directory $data   Server log $demo/server.log
  Try: $vigil --data $data registry list

  ------------------------------------------------------------------------------------------
  Open       https://localhost:$https_port/   (trust $demo/root-ca.pem, or accept the warning)
  Sign in    $demo_user   password $demo_password
             (temporary: you choose your own, then add an authenticator app)
  Camera     serial $serial   secret $secret

  Press Ctrl+C to stop.
TXT
wait $server
