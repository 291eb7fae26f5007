# Sourced by ./test.sh. Node.js with the npm clients we did not write, installed at the versions pinned
# in tests/compat/package-lock.json: the AWS SDK for JavaScript (KVS control plane and signaling), the
# KVS WebRTC SDK, and mqtt.js (fleet provisioning by claim, Home Assistant). Exports
# VIGIL_TEST_COMPAT_DIR (tests/compat, with node_modules installed).

# Debian's nodejs + npm, unless a Node.js that bundles npm (e.g. NodeSource's) is installed already
# (Debian's npm package conflicts with it).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  need_packages nodejs npm || return 1
fi

_compat="$root/tests/compat"
if [ ! -f "$_compat/node_modules/.package-lock.json" ] || [ "$_compat/package-lock.json" -nt "$_compat/node_modules/.package-lock.json" ]; then
  echo "test.sh: installing the npm compatibility clients (npm ci in tests/compat)" >&2
  if ! (cd "$_compat" && npm ci --no-audit --no-fund --loglevel=error >"$VIGIL_TEST_TMP/npm-ci-compat.log" 2>&1); then
    cat "$VIGIL_TEST_TMP/npm-ci-compat.log" >&2
    echo "test.sh: npm ci failed in tests/compat" >&2
    return 1
  fi
fi
export VIGIL_TEST_COMPAT_DIR="$_compat"
