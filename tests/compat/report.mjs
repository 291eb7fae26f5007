// The results protocol of these scripts: checks by name, printed as one JSON line on standard output when
// the script finishes (or times out); the exit code is 0 only when every check passed.
export function createReport(timeoutMs) {
  const results = {};
  const timer = setTimeout(() => finish('timed out'), timeoutMs);

  function check(name, condition, detail) {
    results[name] = condition ? 'ok' : `FAILED ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
  }

  function finish(failure) {
    if (failure) results.failure = `FAILED ${failure}`;
    clearTimeout(timer);
    console.log(JSON.stringify(results));
    process.exit(Object.values(results).every((r) => r === 'ok') && !failure ? 0 : 1);
  }

  return { check, finish };
}
