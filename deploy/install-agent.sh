#!/usr/bin/env bash
# Installs the Vigil camera agent on a camera (or the box next to it) as a systemd service, or
# upgrades it (docs/operations.md, "Install, upgrade, uninstall"):
#   binary /opt/vigil-agent, claim bundle /etc/vigil-agent, state (the camera's own key and
#   certificate) /var/lib/vigil-agent, user vigil-agent, unit vigil-agent.service with the serial
#   in a drop-in. Provisions the camera once (vigil-agent provision) before starting the service.
# Works from a Vigil checkout (deploy/) or from the agent kit deploy/install.sh leaves in
# /opt/vigil/agent (install-agent.sh, systemd/, linux-x64/, linux-arm64/).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: install-agent.sh [options] CLAIM_BUNDLE_DIR SERIAL

  CLAIM_BUNDLE_DIR  the bundle of `vigil claim create --out DIR` (agent.json, claim.cert.pem,
                    claim.private.key, root-ca.pem)
  SERIAL            this camera's serial number, as imported into Vigil's manufacturing registry

  --root DIR        install under DIR instead of / (packaging, tests): no useradd, chown,
                    systemctl, and no provisioning unless --provision; prints what it would run
  --provision       with --root: run `vigil-agent provision` anyway (as the current user)
  --prebuilt DIR    take this published vigil-agent (DIR/vigil-agent) instead of the kit's or
                    running dotnet publish
  --rid RID         linux-x64 or linux-arm64 (default: this machine's)
  -h, --help        this text
EOF
}

die() { echo "install-agent.sh: $*" >&2; exit 1; }
say() { echo "install-agent.sh: $*"; }

root=""
prebuilt=""
rid=""
force_provision=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a directory"; root=$2; shift 2 ;;
    --prebuilt) [ $# -ge 2 ] || die "--prebuilt needs a directory"; prebuilt=$2; shift 2 ;;
    --rid) [ $# -ge 2 ] || die "--rid needs linux-x64 or linux-arm64"; rid=$2; shift 2 ;;
    --provision) force_provision=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -eq 2 ] || { usage >&2; die "expected CLAIM_BUNDLE_DIR and SERIAL"; }
bundle=${args[0]}
serial=${args[1]}

# The registry's rule for serial numbers (RegistryRules.IsValidSerial); it also keeps the serial
# safe to write into the unit's drop-in.
[[ "$serial" =~ ^[A-Za-z0-9_.:-]{1,128}$ ]] || die "SERIAL '$serial': 1-128 letters, digits, '_', '.', ':' or '-'"
[ -d "$bundle" ] || die "$bundle is not a directory (the claim bundle of vigil claim create --out DIR)"
for f in agent.json claim.cert.pem claim.private.key root-ca.pem; do
  [ -f "$bundle/$f" ] || die "$bundle/$f is missing: not a claim bundle (vigil claim create --out DIR writes one)"
done

if [ -z "$rid" ]; then
  case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64) rid=linux-arm64 ;;
    *) die "no agent build for $(uname -m): linux-x64 and linux-arm64 only (--rid)" ;;
  esac
fi
case "$rid" in linux-x64 | linux-arm64) ;; *) die "--rid $rid: linux-x64 or linux-arm64" ;; esac

if [ -n "$root" ]; then
  mkdir -p "$root" || die "cannot create --root $root"
  root=$(cd "$root" && pwd)
  [ "$root" != / ] || die "--root / is the real system: leave --root out instead"
elif [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo install-agent.sh ...), or with --root DIR to install into a directory"
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
unit_template="$here/systemd/vigil-agent.service"
[ -f "$unit_template" ] || die "$unit_template is missing (run the script from a Vigil checkout or the agent kit)"
opt="$root/opt/vigil-agent"
etc="$root/etc/vigil-agent"
state="$root/var/lib/vigil-agent"
units="$root/etc/systemd/system"

system() {
  if [ -n "$root" ]; then
    echo "install-agent.sh: --root: would run: $*"
  else
    "$@"
  fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-agent-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- 1. The binary: --prebuilt, the kit's, or published now ---------------------------------------
if [ -n "$prebuilt" ]; then
  build=$prebuilt
elif [ -x "$here/$rid/vigil-agent" ]; then
  build="$here/$rid"
else
  src="$(dirname "$here")/src/Vigil.Agent"
  [ -f "$src/Vigil.Agent.csproj" ] || die "no vigil-agent for $rid in $here/$rid and no Vigil checkout to publish it from; pass --prebuilt DIR"
  command -v dotnet >/dev/null || die "dotnet (the .NET 10 SDK) is needed to publish vigil-agent; install it or pass --prebuilt DIR"
  aot=true
  host_rid=linux-x64
  [ "$(uname -m)" = aarch64 ] && host_rid=linux-arm64
  [ "$rid" = "$host_rid" ] || aot=false
  say "publishing vigil-agent for $rid (self-contained, native AOT: $aot; a few minutes)"
  dotnet publish "$src" -c Release -r "$rid" --self-contained -p:PublishAot=$aot -o "$work/agent" >"$work/publish.log" 2>&1 \
    || { tail -30 "$work/publish.log" >&2; die "dotnet publish of vigil-agent failed (log above)"; }
  build="$work/agent"
fi
[ -x "$build/vigil-agent" ] || die "$build/vigil-agent is missing or not executable"
if [ -z "$root" ] && ! command -v ffmpeg >/dev/null; then
  say "warning: ffmpeg is not installed; live video needs it (apt-get install ffmpeg)"
fi

# --- 2. User, service stopped, binary replaced ------------------------------------------------------
if [ -z "$root" ] && ! id vigil-agent >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/vigil-agent --no-create-home --shell /usr/sbin/nologin vigil-agent
  say "created the system user vigil-agent"
elif [ -n "$root" ]; then
  system useradd --system --user-group --home-dir /var/lib/vigil-agent --no-create-home --shell /usr/sbin/nologin vigil-agent
fi

upgrade=0
if [ -e "$opt/vigil-agent" ]; then
  upgrade=1
  if [ -z "$root" ]; then
    if systemctl is-active --quiet vigil-agent; then systemctl stop vigil-agent; say "stopped vigil-agent"; fi
  else
    system systemctl stop vigil-agent
  fi
fi

mkdir -p "$root/opt" "$etc" "$state" "$units/vigil-agent.service.d"
rm -rf "$opt.new" "$opt.old"
mkdir -p "$opt.new"
cp -a "$build/." "$opt.new/"
chmod -R u=rwX,go=rX "$opt.new"
[ -e "$opt" ] && mv "$opt" "$opt.old"
mv "$opt.new" "$opt"
rm -rf "$opt.old"
say "installed vigil-agent ($rid) in $opt"

# --- 3. The claim bundle: keys 0600 for the service's user; an edited agent.json is kept -----------
chmod 0750 "$etc"
system chown root:vigil-agent "$etc"
for f in claim.cert.pem root-ca.pem; do
  install -m 0640 "$bundle/$f" "$etc/$f"
  system chown root:vigil-agent "$etc/$f"
done
install -m 0600 "$bundle/claim.private.key" "$etc/claim.private.key"
system chown vigil-agent:vigil-agent "$etc/claim.private.key"
if [ -e "$etc/agent.json" ] && ! cmp -s "$bundle/agent.json" "$etc/agent.json"; then
  install -m 0640 "$bundle/agent.json" "$etc/agent.json.new"
  say "kept $etc/agent.json (yours differs from the bundle's; the bundle's is $etc/agent.json.new)"
else
  install -m 0640 "$bundle/agent.json" "$etc/agent.json"
fi
system chown root:vigil-agent "$etc/agent.json"
chmod 0700 "$state"
system chown vigil-agent:vigil-agent "$state"

install -m 0644 "$unit_template" "$units/vigil-agent.service"
cat >"$units/vigil-agent.service.d/serial.conf" <<EOF
# Written by install-agent.sh: this camera's serial number, for vigil-agent provision.
[Service]
Environment=VIGIL_AGENT_SERIAL=$serial
EOF
chmod 0644 "$units/vigil-agent.service.d/serial.conf"

# --- 4. Provision once now (the service's ExecStartPre retries it on every start) -------------------
provision=("$opt/vigil-agent" provision --config "$etc/agent.json" --state "$state" --serial "$serial")
if [ -z "$root" ]; then
  say "provisioning $serial (vigil-agent provision)"
  runuser -u vigil-agent -- "${provision[@]}" \
    || say "warning: provisioning did not succeed (output above); the service tries again on every start (every 30 s): journalctl -u vigil-agent"
elif [ $force_provision -eq 1 ]; then
  say "provisioning $serial: ${provision[*]}"
  "${provision[@]}" || die "vigil-agent provision failed (output above)"
else
  say "--root: would run: runuser -u vigil-agent -- ${provision[*]}"
fi

system systemctl daemon-reload
system systemctl enable vigil-agent
system systemctl restart vigil-agent

echo
if [ $upgrade -eq 1 ]; then echo "vigil-agent upgraded."; else echo "vigil-agent installed."; fi
echo "  Camera      $serial"
echo "  Bundle      $etc   (the video source: \"source\" in agent.json; docs/camera-agent.md)"
echo "  State       $state"
echo "  Status      /opt/vigil-agent/vigil-agent status --config /etc/vigil-agent/agent.json --state /var/lib/vigil-agent"
echo "  Logs        journalctl -u vigil-agent"
