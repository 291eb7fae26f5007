#!/usr/bin/env bash
# Runs every Vigil test. Installs what the tests need when it is missing (Debian packages, npm
# packages), starts the services they use (PostgreSQL, coturn, ...) on 127.0.0.1 only, builds
# with warnings as errors, checks formatting, runs every test project and ends with one line:
#   Tests: N passed, N failed[, N skipped]
# Options: --no-format (skip the dotnet format check), --filter-class PATTERN (pass to the runner).
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)

format_check=1
runner_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-format) format_check=0 ;;
    --filter-class) runner_args+=(--filter-class "$2"); shift ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v dotnet >/dev/null; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2
  echo "Tests: 0 passed, 0 failed"; exit 1
fi

# 00-common.sh defines on_exit/run_cleanups: the trap goes up before anything is started, so an
# interrupted install or a failing script still stops what the earlier ones started.
# shellcheck source=scripts/test-env/00-common.sh
source scripts/test-env/00-common.sh
trap run_cleanups EXIT
trap 'exit 130' INT TERM
for f in scripts/test-env/*.sh; do
  [ "$f" = scripts/test-env/00-common.sh ] && continue
  # shellcheck disable=SC1090
  source "$f" || echo "test.sh: WARNING: $f failed; the tests that need it will fail" >&2
done

results="$root/.test-results"
rm -rf "$results"; mkdir -p "$results"

# The build (about 2.5 GB of outputs) and the tests' servers, databases and browsers need room; a
# full disk shows up as dozens of unrelated failures (and a truncated log), so say it first.
free_disk() { df -Pm "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
for dir in "$root" "${TMPDIR:-/tmp}"; do
  free=$(free_disk "$dir")
  if [ -n "$free" ] && [ "$free" -lt 4096 ]; then
    echo "test.sh: WARNING: only $free MB free on the disk of $dir; the build and the tests need about 4 GB" >&2
  fi
done

echo "test.sh: building" >&2
if ! dotnet build Vigil.slnx -c Release -nologo -clp:ErrorsOnly >"$results/build.log" 2>&1; then
  cat "$results/build.log" >&2
  echo "test.sh: the build failed" >&2
  echo "Tests: 0 passed, 0 failed"; exit 1
fi

failed_format=0
if [ $format_check -eq 1 ]; then
  echo "test.sh: checking formatting (dotnet format)" >&2
  if ! dotnet format Vigil.slnx --verify-no-changes --no-restore >"$results/format.log" 2>&1; then
    cat "$results/format.log" >&2
    echo "test.sh: dotnet format found changes to make (run: dotnet format Vigil.slnx)" >&2
    failed_format=1
  fi
fi

# Two phases: every test assembly in parallel, then the timing-sensitive tests (trait
# Schedule=Alone, see tests/Vigil.TestSupport/TestSchedule.cs) with nothing else running.
# A filter (--filter-class) may leave an assembly, or a phase, with no test: that is not a failure.
run_phase() { # name, extra runner arguments...
  local name=$1; shift
  local log="$results/test-$name.log"
  echo "test.sh: running tests ($name)" >&2
  dotnet test --solution Vigil.slnx -c Release --no-build --results-directory "$results" \
    --report-xunit-trx "$@" "${runner_args[@]}" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  # The runner prints one summary block per run; take its figures.
  local t f p k
  t=$(grep -E '^\s+total:' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  f=$(grep -E '^\s+failed:' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  p=$(grep -E '^\s+succeeded:' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  k=$(grep -E '^\s+skipped:' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  : "${t:=0}" "${f:=0}" "${p:=0}" "${k:=0}"
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "test.sh: the test runner exited with $rc in phase $name (a test host crashed or timed out?)" >&2
    f=1
  fi
  total=$((total + t)); failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + k))
}

total=0 failed=0 passed=0 skipped=0
# Exit code 8 is "zero tests ran" in an assembly: normal here, since every test of
# Vigil.EndToEnd.Tests runs in the second phase (and a filter may leave an assembly empty). A run
# where nothing ran at all is still a failure (below).
run_phase parallel --filter-not-trait "Schedule=Alone" --ignore-exit-code 8
# One assembly at a time here: these tests measure time (first frame, fail-over, stalls) and stream
# video through Chromium, which two cores cannot do for several assemblies at once. (The network
# namespaces they use come from a pool made before the first phase; see 20-media.sh.)
run_phase alone --filter-trait "Schedule=Alone" --ignore-exit-code 8 --max-parallel-test-modules 1
# The web client's unit tests (vitest, web/src/**/*.test.ts): in a full run only (--filter-class
# names C# test classes). 60-web.sh installed web/node_modules.
if [ ${#runner_args[@]} -eq 0 ] && [ -d web/node_modules ]; then
  echo "test.sh: running the web client's unit tests (vitest)" >&2
  (cd web && NO_COLOR=1 npx vitest run) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | tee "$results/test-web.log"
  web_rc=${PIPESTATUS[0]}
  # Its summary: "Tests  2 failed | 31 passed (33)"
  web_line=$(grep -E '^\s*Tests\s' "$results/test-web.log" | tail -n 1)
  wp=$(echo "$web_line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
  wf=$(echo "$web_line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || true)
  : "${wp:=0}" "${wf:=0}"
  if [ "$web_rc" -ne 0 ] && [ "$wf" -eq 0 ]; then
    echo "test.sh: vitest exited with $web_rc" >&2
    wf=1
  fi
  total=$((total + wp + wf)); passed=$((passed + wp)); failed=$((failed + wf))
elif [ ${#runner_args[@]} -eq 0 ]; then
  echo "test.sh: web/node_modules is missing (the web client was not built); its unit tests did not run" >&2
  failed=$((failed + 1))
fi
if [ "$total" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  failed=$((failed + 1))
fi
failed=$((failed + failed_format))

# A recap of each failed test (its name, message and first stack lines) just above the summary:
# CI keeps the start and the end of the output, and the failures were in the middle.
if [ "$failed" -gt 0 ]; then
  echo "test.sh: failed tests (recap; the whole output is in .test-results/test-*.log)" >&2
  for log in "$results"/test-parallel.log "$results"/test-alone.log; do
    [ -f "$log" ] || continue
    awk '/^failed [A-Za-z]/ { n = 14 }
         n > 0 && /^  (server log|console:|---)/ { n = 0 }
         n > 0 { print; n-- }' "$log" >&2
  done
  [ -f "$results/test-web.log" ] && grep -E '(FAIL|✗|×)' "$results/test-web.log" | head -n 20 >&2
fi

for dir in "$root" "${TMPDIR:-/tmp}"; do
  free=$(free_disk "$dir")
  if [ -n "$free" ] && [ "$free" -lt 512 ]; then
    echo "test.sh: the disk of $dir is (nearly) full: $free MB free; failures above may only say that" >&2
  fi
done

line="Tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
