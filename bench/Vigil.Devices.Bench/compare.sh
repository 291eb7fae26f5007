#!/usr/bin/env bash
# Provisioning rate of two builds of vigil, alternating, so that both see the same minutes of a
# noisy machine (on the 2-core development VM one build's set medians spread over 165-226/s).
#
#   bench/Vigil.Devices.Bench/compare.sh BASE_VIGIL_BINARY [pairs=4] [devices=1000] [concurrency=64] [runs=5]
#
# BASE_VIGIL_BINARY is another build, e.g. of the commit before a change:
#   git worktree add --detach ../vigil-base HEAD~1 && dotnet build ../vigil-base/src/Vigil.Server -c Release
#   bench/Vigil.Devices.Bench/compare.sh ../vigil-base/src/Vigil.Server/bin/Release/net10.0/vigil
# The other build is this checkout's (dotnet build src/Vigil.Server -c Release first).
set -euo pipefail
base=$(realpath "${1:?usage: compare.sh BASE_VIGIL_BINARY [pairs] [devices] [concurrency] [runs]}")
pairs=${2:-4}
devices=${3:-1000}
concurrency=${4:-64}
runs=${5:-5}
cd "$(dirname "$0")/../.."
[[ -x $base ]] || { echo "compare.sh: $base is not an executable vigil build" >&2; exit 2; }
dotnet build bench/Vigil.Devices.Bench -c Release -v quiet -nologo >/dev/null

measure() { # label, then the server binary (empty: this checkout's)
  local out
  out=$(VIGIL_BENCH_SERVER="$2" dotnet run --no-build -c Release --project bench/Vigil.Devices.Bench -- provision "$devices" "$concurrency" "$runs" 2>&1) || { echo "$out" >&2; exit 1; }
  local median rates cpu
  median=$(grep '^|' <<<"$out" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
  rates=$(grep '^run' <<<"$out" | sed 's/.*= \([0-9]*\)\/s.*/\1/' | paste -sd ' ')
  cpu=$(grep '^run' <<<"$out" | sed 's/.*server \([0-9.]*\) ms.*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$(date -u +%H:%M) pair $i $1: median $median (runs: $rates), server CPU median $cpu ms/device"
}

for i in $(seq 1 "$pairs"); do
  measure base "$base"
  measure this ""
done
