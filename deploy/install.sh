#!/usr/bin/env bash
# Installs the Vigil server as a systemd service, or upgrades it in place (docs/operations.md,
# "Install, upgrade, uninstall"):
#   binaries /opt/vigil, data /var/lib/vigil, settings /etc/vigil/vigil.json, user vigil,
#   unit /etc/systemd/system/vigil.service, command wrapper /usr/local/bin/vigil, and the camera
#   agent kit /opt/vigil/agent (install-agent.sh, its unit, vigil-agent for each --agent-rid).
# Run again to upgrade: the service stops, the data directory is copied to
# /var/backups/vigil/data-<UTC time>, the binaries are replaced, the service starts (and migrates
# the database). An existing /etc/vigil/vigil.json is never changed.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/install.sh [options]

  --root DIR         install under DIR instead of / (packaging, tests): no useradd, chown or
                     systemctl; prints what it would run instead
  --prebuilt DIR     take published binaries instead of running dotnet publish: DIR/server/vigil
                     and DIR/agent/<rid>/vigil-agent for every agent RID
  --agent-rid RID    publish the camera agent for RID (linux-x64, linux-arm64; repeatable;
                     default: linux-x64)
  --public-host NAME Server:PublicHost written into a new vigil.json (default: hostname -f)
  -h, --help         this text
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

root=""
prebuilt=""
agent_rids=()
public_host=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a directory"; root=$2; shift 2 ;;
    --prebuilt) [ $# -ge 2 ] || die "--prebuilt needs a directory"; prebuilt=$2; shift 2 ;;
    --agent-rid) [ $# -ge 2 ] || die "--agent-rid needs a RID"; agent_rids+=("$2"); shift 2 ;;
    --public-host) [ $# -ge 2 ] || die "--public-host needs a name"; public_host=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ ${#agent_rids[@]} -gt 0 ] || agent_rids=(linux-x64)
for rid in "${agent_rids[@]}"; do
  case "$rid" in linux-x64 | linux-arm64) ;; *) die "--agent-rid $rid: linux-x64 or linux-arm64" ;; esac
done

if [ -n "$root" ]; then
  mkdir -p "$root" || die "cannot create --root $root"
  root=$(cd "$root" && pwd)
  [ "$root" != / ] || die "--root / is the real system: leave --root out instead"
elif [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo deploy/install.sh), or with --root DIR to install into a directory"
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
opt="$root/opt/vigil"
data="$root/var/lib/vigil"
etc="$root/etc/vigil"
config="$etc/vigil.json"
units="$root/etc/systemd/system"
backups="$root/var/backups/vigil"
wrapper="$root/usr/local/bin/vigil"

# system CMD...: runs a command that changes the real system (users, owners, services); under
# --root only says what it would run.
system() {
  if [ -n "$root" ]; then
    echo "install.sh: --root: would run: $*"
  else
    "$@"
  fi
}

for f in "$here/systemd/vigil.service" "$here/systemd/vigil-agent.service" "$here/install-agent.sh"; do
  [ -f "$f" ] || die "$f is missing (run the script from a Vigil checkout)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- 1. The binaries: published now, or taken from --prebuilt -----------------------------------
if [ -n "$prebuilt" ]; then
  [ -x "$prebuilt/server/vigil" ] || die "--prebuilt $prebuilt: server/vigil is missing or not executable"
  for rid in "${agent_rids[@]}"; do
    [ -x "$prebuilt/agent/$rid/vigil-agent" ] || die "--prebuilt $prebuilt: agent/$rid/vigil-agent is missing (or pass --agent-rid)"
  done
  server_build="$prebuilt/server"
  agent_build="$prebuilt/agent"
else
  command -v dotnet >/dev/null || die "dotnet (the .NET 10 SDK) is needed to publish Vigil; install it (https://dot.net) or pass --prebuilt DIR"
  [ -f "$repo/src/Vigil.Server/Vigil.Server.csproj" ] || die "$repo is not a Vigil checkout (src/Vigil.Server is missing); pass --prebuilt DIR"
  if [ ! -f "$repo/web/dist/index.html" ]; then
    if command -v npm >/dev/null; then
      say "building the web client (scripts/build-web.sh)"
      "$repo/scripts/build-web.sh" >"$work/web.log" 2>&1 || { tail -20 "$work/web.log" >&2; die "the web client did not build (log above)"; }
    else
      say "warning: web/dist is missing and npm is not installed: the server is installed without the web client (scripts/build-web.sh needs Node.js 20.19+)"
    fi
  fi

  # publish PROJECT RID OUT [MSBUILD PROPERTY...]: self-contained when the runtime pack for RID
  # restores from the configured NuGet feed, otherwise framework-dependent (the machine then needs
  # the .NET runtime), saying so.
  publish() {
    local project=$1 rid=$2 out=$3 log
    shift 3
    log="$work/publish-$(basename "$project")-$rid.log"
    say "publishing $(basename "$project") for $rid (self-contained; a few minutes)"
    if dotnet restore "$project" -r "$rid" -p:SelfContained=true "$@" >"$log" 2>&1; then
      dotnet publish "$project" -c Release -r "$rid" --self-contained --no-restore "$@" -o "$out" >>"$log" 2>&1 \
        || { tail -30 "$log" >&2; die "dotnet publish $project -r $rid failed (log above)"; }
    elif grep -Eq 'Microsoft\.(NETCore|AspNetCore)\.App\.(Runtime|Host)|ILCompiler' "$log"; then
      grep -E 'error' "$log" | head -5 >&2 || true
      say "warning: the NuGet feed does not serve the $rid runtime pack, so $(basename "$project") is published framework-dependent: the machine it runs on needs the .NET 10 runtime (ASP.NET Core runtime for the server) in /usr/share/dotnet or \$DOTNET_ROOT"
      dotnet publish "$project" -c Release -r "$rid" --no-self-contained -p:PublishAot=false "$@" -o "$out" >>"$log" 2>&1 \
        || { tail -30 "$log" >&2; die "dotnet publish $project -r $rid (framework-dependent) failed (log above)"; }
    else
      tail -30 "$log" >&2
      die "dotnet restore $project -r $rid failed (log above)"
    fi
  }

  publish "$repo/src/Vigil.Server" linux-x64 "$work/server"
  host_rid=linux-x64
  [ "$(uname -m)" = aarch64 ] && host_rid=linux-arm64
  for rid in "${agent_rids[@]}"; do
    if [ "$rid" = "$host_rid" ]; then
      # Native AOT (the project's PublishAot): half the memory of the JIT build on a camera.
      publish "$repo/src/Vigil.Agent" "$rid" "$work/agent/$rid"
    else
      # Native AOT cannot cross-compile without the target's C toolchain and libraries: a
      # self-contained JIT build instead (docs/operations.md).
      publish "$repo/src/Vigil.Agent" "$rid" "$work/agent/$rid" -p:PublishAot=false
    fi
  done
  server_build="$work/server"
  agent_build="$work/agent"
fi

# --- 2. The user, the service stopped, a backup of the data ---------------------------------------
upgrade=0
[ -e "$opt/vigil" ] && upgrade=1

if [ -z "$root" ] && ! id vigil >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/vigil --no-create-home --shell /usr/sbin/nologin vigil
  say "created the system user vigil"
elif [ -n "$root" ]; then
  system useradd --system --user-group --home-dir /var/lib/vigil --no-create-home --shell /usr/sbin/nologin vigil
fi

if [ $upgrade -eq 1 ]; then
  say "upgrading the installation in $opt"
  if [ -z "$root" ]; then
    if systemctl is-active --quiet vigil; then
      systemctl stop vigil
      say "stopped vigil"
    fi
  else
    system systemctl stop vigil
  fi
fi

backup=""
if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then
  mkdir -p "$backups"
  chmod 0700 "$backups"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  backup="$backups/data-$stamp"
  n=1
  while [ -e "$backup" ]; do n=$((n + 1)); backup="$backups/data-$stamp-$n"; done
  cp -a "$data" "$backup"
  say "backed up $data to $backup"
fi

# --- 3. Files in place -----------------------------------------------------------------------------
mkdir -p "$root/opt" "$etc" "$data" "$units" "$(dirname "$wrapper")"
# The new tree is assembled beside the old one and swapped in, so a failed copy leaves the old
# installation whole.
rm -rf "$opt.new" "$opt.old"
mkdir -p "$opt.new/agent/systemd"
cp -a "$server_build/." "$opt.new/"
for rid in "${agent_rids[@]}"; do
  mkdir -p "$opt.new/agent/$rid"
  cp -a "$agent_build/$rid/." "$opt.new/agent/$rid/"
done
install -m 0755 "$here/install-agent.sh" "$opt.new/agent/install-agent.sh"
install -m 0644 "$here/systemd/vigil-agent.service" "$opt.new/agent/systemd/vigil-agent.service"
chmod -R u=rwX,go=rX "$opt.new"
[ -e "$opt" ] && mv "$opt" "$opt.old"
mv "$opt.new" "$opt"
rm -rf "$opt.old"
say "installed the binaries in $opt"

chmod 0700 "$data"
system chown vigil:vigil "$data"
chmod 0750 "$etc"
system chown root:vigil "$etc"

if [ -e "$config" ]; then
  say "kept $config"
else
  [ -n "$public_host" ] || public_host=$(hostname -f 2>/dev/null || hostname)
  case "$public_host" in *[!A-Za-z0-9.:-]*) die "--public-host $public_host: letters, digits, '.', ':' and '-' only" ;; esac
  umask 027
  cat >"$config" <<EOF
{
  "Server": {
    "PublicHost": "$public_host",
    "HttpPort": 8080,
    "HttpsPort": 8443
  }
}
EOF
  chmod 0640 "$config"
  say "wrote $config (settings: docs/configuration.md)"
  system chown root:vigil "$config"
fi

install -m 0644 "$here/systemd/vigil.service" "$units/vigil.service"
cat >"$wrapper" <<'EOF'
#!/bin/sh
# Runs a vigil command (vigil user add ..., vigil claim create ...) on the installed server's data
# and settings, as the service's user (written by deploy/install.sh).
export VIGIL_DATA=/var/lib/vigil VIGIL_CONFIG=/etc/vigil/vigil.json
if [ "$(id -u)" -eq 0 ]; then
  exec runuser -u vigil -- /opt/vigil/vigil "$@"
elif [ "$(id -un)" = vigil ]; then
  exec /opt/vigil/vigil "$@"
fi
echo "vigil: run as root (sudo vigil ...): the data directory belongs to the user vigil" >&2
exit 1
EOF
chmod 0755 "$wrapper"

# --- 4. The service ---------------------------------------------------------------------------------
system systemctl daemon-reload
system systemctl enable vigil
system systemctl start vigil

setting() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}[:space:]]*\)\"\{0,1\}.*/\1/p" "$config" | head -1; }
url_host=$(setting PublicHost)
[ -n "$url_host" ] || url_host=$(hostname -f 2>/dev/null || hostname)
https_port=$(setting HttpsPort)
[ -n "$https_port" ] || https_port=8443
http_port=$(setting HttpPort)
[ -n "$http_port" ] || http_port=8080

if [ -z "$root" ] && command -v curl >/dev/null; then
  ready=0
  for _ in $(seq 1 90); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$http_port/readyz" 2>/dev/null; then ready=1; break; fi
    sleep 1
  done
  [ $ready -eq 1 ] || say "warning: vigil did not answer /readyz within 90 s; see: journalctl -u vigil"
fi

echo
if [ $upgrade -eq 1 ]; then echo "Vigil upgraded."; else echo "Vigil installed."; fi
echo "  Open        https://$url_host:$https_port/   (http://$url_host:$http_port/)"
echo "  Settings    $config"
echo "  Data        $data"
[ -z "$backup" ] || echo "  Backup      $backup (the data directory before this upgrade)"
echo "  Logs        journalctl -u vigil"
echo "  First admin vigil user add you@example.com --admin   (as root)"
echo "  Cameras     $opt/agent: copy it to a camera and run install-agent.sh CLAIM_BUNDLE_DIR SERIAL there"
