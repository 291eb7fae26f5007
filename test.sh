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

for f in scripts/test-env/*.sh; do
  # shellcheck disable=SC1090
  source "$f" || echo "test.sh: WARNING: $f failed; the tests that need it will fail" >&2
done
trap run_cleanups EXIT

results="$root/.test-results"
rm -rf "$results"; mkdir -p "$results"

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

echo "test.sh: running tests" >&2
dotnet test --solution Vigil.slnx -c Release --no-build --results-directory "$results" \
  --report-xunit-trx "${runner_args[@]}" 2>&1 | tee "$results/test.log"
test_rc=${PIPESTATUS[0]}

# The runner prints one summary block for the whole solution; take its figures.
total=$(grep -E '^\s+total:' "$results/test.log" | tail -n 1 | grep -oE '[0-9]+' || true)
failed=$(grep -E '^\s+failed:' "$results/test.log" | tail -n 1 | grep -oE '[0-9]+' || true)
passed=$(grep -E '^\s+succeeded:' "$results/test.log" | tail -n 1 | grep -oE '[0-9]+' || true)
skipped=$(grep -E '^\s+skipped:' "$results/test.log" | tail -n 1 | grep -oE '[0-9]+' || true)
: "${total:=0}" "${failed:=0}" "${passed:=0}" "${skipped:=0}"
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: the test runner exited with $test_rc (a test host crashed or timed out?)" >&2
  failed=1
fi
failed=$((failed + failed_format))

line="Tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
