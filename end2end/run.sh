#!/usr/bin/env bash
# Starts the app (built by `cargo build`) on a fresh SQLite file and runs the Playwright tests
# against it in Debian's Chromium, with JavaScript off and with it on (both at once); then checks
# every HTML page the tests were served with the Nu HTML checker (vnu-jar, on Debian's Java).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
# The app `cargo build` built (in CARGO_TARGET_DIR when set, as `.ci/run` sets it).
app_bin="${CARGO_TARGET_DIR:-$root/target}/debug/solaris-onboarding"
port=${E2E_PORT:-3199}
workdir=$(mktemp -d)
trap 'kill "$app_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT

[ -d node_modules ] || npm ci --no-audit --no-fund
(cd "$root" && LISTEN_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$workdir/e2e.db" \
  SANDBOX_TIME_SCALE=0.01 START_LIMIT_PER_HOUR=1000 "$app_bin") >"$workdir/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.2
done
export BASE_URL="http://127.0.0.1:$port"
# The back-office test makes its staff account with the app's own `staff add` command.
export E2E_APP_BIN="$app_bin" DATABASE_URL="sqlite://$workdir/e2e.db" \
  LISTEN_ADDR="127.0.0.1:$port"
# Every HTML document the tests load is kept here and checked with the Nu HTML checker.
export SERVED_HTML_DIR="$workdir/served-html"
status=0
# JavaScript off and on at once, against the one app (their accounts and mails are their own):
# the tests mostly wait on the app, so the two runs share the two cores well. Each run's report
# is printed whole when it ends.
PW_JS=0 npx playwright test --output test-results/js-off >"$workdir/js-off.log" 2>&1 &
off_pid=$!
PW_JS=1 npx playwright test --output test-results/js-on >"$workdir/js-on.log" 2>&1 &
on_pid=$!
wait "$off_pid" || status=$?
echo "--- JavaScript off"
cat "$workdir/js-off.log"
wait "$on_pid" || status=$?
echo "--- JavaScript on"
cat "$workdir/js-on.log"

pages=$(find "$SERVED_HTML_DIR" -name '*.html' 2>/dev/null | wc -l)
if [ "$pages" -eq 0 ]; then
  echo "Nu HTML checker: the tests kept no page to check"
  status=1
elif java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only "$SERVED_HTML_DIR"; then
  echo "Nu HTML checker: $pages served pages, no errors"
else
  echo "Nu HTML checker: errors in the served pages above"
  status=1
fi
[ "$status" -eq 0 ] || { echo "--- app log"; tail -50 "$workdir/app.log"; }
exit "$status"
