# Sourced by ./test.sh. The signaling tests need coturn: a TURN server for the allocation tests, and its
# STUN/TURN clients turnutils_stunclient / turnutils_uclient. The tests start coturn themselves, on
# 127.0.0.1 only. (Their npm clients come from 30-compat-clients.sh.)

need_packages coturn || return 1
# Debian starts coturn as a service on install when enabled; the tests want no system-wide relay.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet coturn 2>/dev/null; then
  echo "test.sh: note: a system coturn is running; the tests use their own on other ports" >&2
fi
