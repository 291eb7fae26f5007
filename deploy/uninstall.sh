#!/usr/bin/env bash
# Removes what deploy/install.sh (or, with --agent, deploy/install-agent.sh) installed: stops and
# disables the service, removes its unit and binaries. The data and the settings stay unless
# --purge (docs/operations.md, "Install, upgrade, uninstall").
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: uninstall.sh [--agent] [--purge] [--root DIR]

  (default)   the server: vigil.service, /opt/vigil, /usr/local/bin/vigil;
              kept: /var/lib/vigil (data), /etc/vigil (settings), backups in /var/backups/vigil
  --agent     the camera agent instead: vigil-agent.service (+ its drop-ins), /opt/vigil-agent;
              kept: /var/lib/vigil-agent (the camera's own key and certificate), /etc/vigil-agent
  --purge     also remove the data, the settings and the system user (backups in
              /var/backups/vigil stay: remove them by hand)
  --root DIR  uninstall from DIR instead of / (packaging, tests): no systemctl or userdel;
              prints what it would run
EOF
}

die() { echo "uninstall.sh: $*" >&2; exit 1; }
say() { echo "uninstall.sh: $*"; }

root=""
purge=0
agent=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a directory"; root=$2; shift 2 ;;
    --purge) purge=1; shift ;;
    --agent) agent=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

if [ -n "$root" ]; then
  [ -d "$root" ] || die "--root $root is not a directory"
  root=$(cd "$root" && pwd)
  [ "$root" != / ] || die "--root / is the real system: leave --root out instead"
elif [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo uninstall.sh), or with --root DIR"
fi

system() {
  if [ -n "$root" ]; then
    echo "uninstall.sh: --root: would run: $*"
  else
    "$@"
  fi
}

if [ $agent -eq 1 ]; then
  name=vigil-agent
  removed=("$root/opt/vigil-agent" "$root/etc/systemd/system/vigil-agent.service" "$root/etc/systemd/system/vigil-agent.service.d")
  kept=("$root/var/lib/vigil-agent" "$root/etc/vigil-agent")
else
  name=vigil
  removed=("$root/opt/vigil" "$root/etc/systemd/system/vigil.service" "$root/usr/local/bin/vigil")
  kept=("$root/var/lib/vigil" "$root/etc/vigil")
fi

[ -e "${removed[0]}" ] || [ -e "${removed[1]}" ] || [ $purge -eq 1 ] || die "$name is not installed here (${removed[0]} and ${removed[1]} are missing)"

if [ -z "$root" ]; then
  if systemctl is-active --quiet "$name"; then systemctl stop "$name"; say "stopped $name"; fi
  if systemctl is-enabled --quiet "$name" 2>/dev/null; then systemctl disable "$name"; fi
else
  system systemctl stop "$name"
  system systemctl disable "$name"
fi

for path in "${removed[@]}"; do
  if [ -e "$path" ]; then rm -rf "$path"; say "removed $path"; fi
done
system systemctl daemon-reload

if [ $purge -eq 1 ]; then
  for path in "${kept[@]}"; do
    if [ -e "$path" ]; then rm -rf "$path"; say "removed $path"; fi
  done
  if [ -z "$root" ]; then
    if id "$name" >/dev/null 2>&1; then userdel "$name"; say "removed the user $name"; fi
  else
    system userdel "$name"
  fi
  if [ $agent -eq 0 ] && [ -d "$root/var/backups/vigil" ]; then
    say "kept the backups in $root/var/backups/vigil (remove them by hand)"
  fi
else
  for path in "${kept[@]}"; do
    if [ -e "$path" ]; then say "kept $path (--purge removes it)"; fi
  done
fi
echo "$name uninstalled."
