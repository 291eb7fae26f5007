# Sourced by ./test.sh. The signaling tests need coturn (a TURN server for the allocation tests, and
# its STUN/TURN clients turnutils_stunclient / turnutils_uclient) and Node.js with the npm clients of
# tests/compat (the AWS SDK for JavaScript and the KVS WebRTC SDK), installed at their pinned versions
# from package-lock.json. The tests start coturn themselves, on 127.0.0.1 only.

need_packages coturn || return 1
# Node.js with npm: Debian's nodejs + npm, unless a Node.js that bundles npm (e.g. NodeSource's) is
# installed already (Debian's npm package conflicts with it).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  need_packages nodejs npm || return 1
fi
# Debian starts coturn as a service on install when enabled; the tests want no system-wide relay.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet coturn 2>/dev/null; then
  echo "test.sh: note: a system coturn is running; the tests use their own on other ports" >&2
fi

_compat="$root/tests/compat"
if [ ! -d "$_compat/node_modules" ] || [ "$_compat/package-lock.json" -nt "$_compat/node_modules/.package-lock.json" ]; then
  echo "test.sh: installing the npm compatibility clients (npm ci in tests/compat)" >&2
  if ! (cd "$_compat" && npm ci --no-audit --no-fund --loglevel=error >"$VIGIL_TEST_TMP/npm-ci-signaling.log" 2>&1); then
    cat "$VIGIL_TEST_TMP/npm-ci-signaling.log" >&2
    echo "test.sh: npm ci failed in tests/compat" >&2
    return 1
  fi
fi
export VIGIL_TEST_COMPAT_DIR="$_compat"
