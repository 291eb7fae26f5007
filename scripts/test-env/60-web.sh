# Sourced by ./test.sh. The web client (web/) is built into web/dist before the solution builds,
# so the server's build copies it into its wwwroot and the end-to-end tests
# (tests/Vigil.EndToEnd.Tests) drive the real thing in Chromium. Node.js and npm come from
# 30-devices.sh / 50-signaling.sh; the web client's own unit tests (vitest) run as a phase of test.sh.
if ! "$root/scripts/build-web.sh"; then
  echo "test.sh: the web client was not built; the end-to-end tests will fail" >&2
  return 1
fi
export VIGIL_TEST_WEB_DIST="$root/web/dist"
