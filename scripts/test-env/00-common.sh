# Sourced by ./test.sh (bash). Helpers shared by the other scripts in this folder.
# Each later script installs what its tests need when it is missing, starts services and
# exports the environment variables the tests read. Nothing here reaches the internet except
# Debian's package mirror and the npm registry. test.sh sets $root (the repository) before
# sourcing; scripts find files from it, never from the current directory.

_vigil_cleanups=()
# on_exit CMD...: run CMD when test.sh exits, last registered first.
on_exit() { _vigil_cleanups+=("$*"); }
run_cleanups() {
  local i
  for ((i = ${#_vigil_cleanups[@]} - 1; i >= 0; i--)); do eval "${_vigil_cleanups[i]}" >/dev/null 2>&1 || true; done
}

if [ -z "${VIGIL_TEST_TMP:-}" ]; then
  VIGIL_TEST_TMP=$(mktemp -d /tmp/vigil-test.XXXXXX)
  on_exit "rm -rf '$VIGIL_TEST_TMP'"
  # A test host killed by the runner (a hang timeout) cannot stop what it started: vigil serve,
  # HAProxy, Chromium... Their data and profile folders are under this one, so they are found by it.
  on_exit "pkill -KILL -f -- '$VIGIL_TEST_TMP/'"
fi
# Services started for the tests run as their own users (PostgreSQL refuses root): let them in.
chmod 0755 "$VIGIL_TEST_TMP"
export VIGIL_TEST_TMP

_apt_updated=0
# need_packages PKG...: apt-get install the Debian packages that are not installed yet.
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "test.sh: these Debian packages are needed: ${missing[*]} (run as root or install them)" >&2
    return 1
  fi
  local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "test.sh: installing ${missing[*]} from Debian" >&2
  if [ $_apt_updated -eq 0 ]; then $SUDO apt-get update -qq >/dev/null || true; _apt_updated=1; fi
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "test.sh: could not install ${missing[*]} with apt-get" >&2
    return 1
  fi
}

# wait_for_tcp HOST PORT SECONDS: wait until something listens.
wait_for_tcp() {
  local host=$1 port=$2 secs=${3:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "test.sh: nothing listens on $host:$port after ${secs}s" >&2
  return 1
}

# free_port: a TCP port on 127.0.0.1 nobody listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Certificates are checked against OpenSSL's command line, an implementation we did not write.
need_packages openssl ca-certificates || true

# The durability tests watch the server's and the agent's fsync and rename calls with strace.
need_packages strace || true
