#!/usr/bin/env bash
# Builds the web client (web/, React + Vite + TypeScript) into web/dist. The server's build
# (dotnet build src/Vigil.Server) copies web/dist into wwwroot beside the vigil binary, so run
# this first; ./test.sh and ./demo.sh do. Installs web/node_modules from web/package-lock.json
# (npm ci) when they are missing or older than the lock file.
# Needs Node.js 20.19 or newer with npm; without it, one line says so and the exit code is 1.
#   --check   also run the type check and unit tests (vitest) before building
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "build-web.sh: Node.js 20.19 or newer with npm is needed to build the web client (e.g. apt-get install nodejs npm, or NodeSource's nodejs)" >&2
  exit 1
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "build-web.sh: Node.js $(node --version) is too old to build the web client; 20.19 or newer is needed" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-web.sh: installing the web client's packages (npm ci)" >&2
  if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
    cat "$log" >&2
    echo "build-web.sh: npm ci failed in web/" >&2
    exit 1
  fi
fi
if [ "${1:-}" = "--check" ]; then
  if ! npm test --silent >"$log" 2>&1; then
    cat "$log" >&2
    echo "build-web.sh: the web client's unit tests failed" >&2
    exit 1
  fi
fi
if ! npm run build --silent >"$log" 2>&1; then
  cat "$log" >&2
  echo "build-web.sh: building the web client failed" >&2
  exit 1
fi
echo "build-web.sh: web client built into web/dist" >&2
