#!/usr/bin/env bash
# A coverage-guided fuzzing run of one harness: scripts/fuzz.sh NAME MINUTES
#   NAME     a target of fuzz/Vigil.Fuzz (stun, sdp, rtcp, smtp, mime, signaling, sigv4, policy, registry, mqtt)
#   MINUTES  how long afl-fuzz runs
# Installs what it needs (Debian's afl++, the SharpFuzz.CommandLine tool into .fuzz/tools), publishes
# fuzz/Vigil.Fuzz.Runner into .fuzz/NAME/runner, instruments the parser assemblies the target names with
# sharpfuzz, and runs afl-fuzz seeded with fuzz/corpus/NAME/ (and fuzz/regressions/NAME/). Crashes and hangs
# land in the findings directory it prints; reproduce one with
#   dotnet .fuzz/NAME/runner/Vigil.Fuzz.Runner.dll --replay NAME FILE
# See docs/development.md ("Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh NAME MINUTES" >&2
  exit 2
fi
name=$1 minutes=$2
if [ ! -d "fuzz/corpus/$name" ]; then
  echo "fuzz.sh: no target '$name' (targets: $(ls fuzz/corpus | tr '\n' ' '))" >&2
  exit 2
fi

if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz.sh: installing afl++ (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q afl++ >/dev/null || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q afl++ >/dev/null; }
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q afl++ >/dev/null
  fi
fi

tools="$root/.fuzz/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  echo "fuzz.sh: installing SharpFuzz.CommandLine 2.3.0 into $tools" >&2
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

work="$root/.fuzz/$name"
runner="$work/runner"
echo "fuzz.sh: publishing fuzz/Vigil.Fuzz.Runner into $runner" >&2
rm -rf "$runner"
dotnet publish fuzz/Vigil.Fuzz.Runner -c Release -o "$runner" -nologo -clp:ErrorsOnly >/dev/null

while read -r assembly; do
  [ -n "$assembly" ] || continue
  echo "fuzz.sh: instrumenting $assembly" >&2
  "$tools/sharpfuzz" "$runner/$assembly" >/dev/null
done < <(dotnet "$runner/Vigil.Fuzz.Runner.dll" --assemblies "$name")

# afl-fuzz wants one directory of seeds: the corpus and the regressions.
seeds="$work/seeds"
rm -rf "$seeds"; mkdir -p "$seeds"
cp "fuzz/corpus/$name"/* "$seeds/"
if [ -d "fuzz/regressions/$name" ]; then cp "fuzz/regressions/$name"/* "$seeds/"; fi

findings="$work/findings-$(date +%Y%m%d-%H%M%S)"
echo "fuzz.sh: running afl-fuzz on $name for $minutes minute(s); findings in $findings" >&2
# AFL_SKIP_BIN_CHECK: the program is dotnet, the instrumentation is in the managed assemblies (SharpFuzz).
# AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES / AFL_SKIP_CPUFREQ: no system settings changed for a run.
# -t 5000: a .NET start and the first JIT of a parser take a while; -m none: the runtime reserves much virtual memory.
set +e
AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 \
  afl-fuzz -i "$seeds" -o "$findings" -t 5000 -m none -V $((minutes * 60)) \
  -- dotnet "$runner/Vigil.Fuzz.Runner.dll" "$name" >"$work/afl-fuzz.log" 2>&1
rc=$?
set -e
tail -n 25 "$work/afl-fuzz.log" >&2
if [ -f "$findings/default/fuzzer_stats" ]; then
  grep -E '^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|run_time) ' "$findings/default/fuzzer_stats" >&2
fi
crashes=$(find "$findings" -path '*/crashes/id:*' 2>/dev/null | wc -l)
hangs=$(find "$findings" -path '*/hangs/id:*' 2>/dev/null | wc -l)
echo "fuzz.sh: afl-fuzz exited with $rc; $crashes crash(es), $hangs hang(s) in $findings (log: $work/afl-fuzz.log)"
echo "fuzz.sh: reproduce one with: dotnet $runner/Vigil.Fuzz.Runner.dll --replay $name FILE"
[ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]
