#!/usr/bin/env bash
# Starts the app (built by `cargo build`) on a fresh SQLite file and runs the Playwright tests
# against it in Debian's Chromium, once with JavaScript off and once with it on.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
port=${E2E_PORT:-3199}
workdir=$(mktemp -d)
trap 'kill "$app_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT

[ -d node_modules ] || npm ci --no-audit --no-fund
(cd "$root" && LISTEN_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$workdir/e2e.db" \
  SANDBOX_TIME_SCALE=0.01 "$root/target/debug/solaris-onboarding") >"$workdir/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.2
done
export BASE_URL="http://127.0.0.1:$port"
status=0
PW_JS=0 npx playwright test --output test-results/js-off || status=$?
PW_JS=1 npx playwright test --output test-results/js-on || status=$?
[ "$status" -eq 0 ] || { echo "--- app log"; tail -50 "$workdir/app.log"; }
exit "$status"
