# Device plane: mqtt.js (pinned in tests/compat-mqtt/package-lock.json) drives the claim flow
# against Vigil's broker; exports VIGIL_TEST_MQTTJS (the directory with node_modules installed).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  need_packages nodejs npm || return 1
fi
_compat_mqtt="$(pwd)/tests/compat-mqtt"
if [ ! -d "$_compat_mqtt/node_modules/mqtt" ] || [ "$_compat_mqtt/package-lock.json" -nt "$_compat_mqtt/node_modules/.package-lock.json" ]; then
  echo "test.sh: installing mqtt.js (npm ci in tests/compat-mqtt)" >&2
  (cd "$_compat_mqtt" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "test.sh: npm ci in tests/compat-mqtt failed" >&2; return 1; }
fi
export VIGIL_TEST_MQTTJS="$_compat_mqtt"
