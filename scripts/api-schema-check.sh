#!/usr/bin/env bash
# Checks `taskq serve` against its own OpenAPI document (Sources/TaskqServer/Resources/openapi.json, served at
# /api/openapi.json): the document must be valid OpenAPI 3.1, and schemathesis sends generated requests to every
# operation (as an admin with a bearer token, on a throwaway SQLite store holding jobs in several states and a
# schedule), checking that nothing is a server error and that every status, content type, header and body the
# server answers with is one the document describes. Bounded: a few hundred requests, well under a minute.
# usage: scripts/api-schema-check.sh [TASKQ_BINARY]   (default: the debug build)
# API_CHECK_EXAMPLES (examples per operation, default 25) and API_CHECK_SEED (default 1) tune the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$(cd "$root" && swift build --show-bin-path)/taskq}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -x "$bin" ] || { echo "api-schema-check: $bin is not an executable (swift build --product taskq)" >&2; exit 1; }
command -v schemathesis >/dev/null || { echo "api-schema-check: schemathesis is missing: run make deps" >&2; exit 1; }

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
unset TASKQ_CONFIG
export TASKQ_DATABASE_URL="sqlite://$work/taskq.db" NO_COLOR=1
export TASKQ_SUPERUSER_PASSWORD="schema-check-$$-$RANDOM"

python3 - "$root/Sources/TaskqServer/Resources/openapi.json" <<'EOF'
import json, sys
from openapi_spec_validator import validate
validate(json.load(open(sys.argv[1])))
EOF

"$bin" migrate >/dev/null
"$bin" createsuperuser --noinput --username admin --email admin@example.com >/dev/null
token=$("$bin" token create --user admin 2>/dev/null)
# Something in most states, with history and output, and a schedule.
"$bin" create-job echoed --task echo --args '{"n": 1}' >/dev/null 2>&1
"$bin" create-job failing --task fail --max-retries 0 >/dev/null 2>&1
"$bin" create-job printing -- sh -c 'echo out; echo err >&2' >/dev/null 2>&1
"$bin" run-worker --burst --log-level error >/dev/null 2>&1
"$bin" create-job later --task noop --in 1h >/dev/null 2>&1
"$bin" create-job waiting --task noop --queue mail >/dev/null 2>&1
"$bin" schedule add nightly --cron '0 3 * * *' --task noop >/dev/null

"$bin" serve --bind 127.0.0.1:0 --log-format json 2>"$work/serve.log" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*serving on http:\/\/127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/serve.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "api-schema-check: taskq serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

status=0
timeout 180 schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method \
  --max-examples "${API_CHECK_EXAMPLES:-25}" --seed "${API_CHECK_SEED:-1}" \
  --request-timeout 10 --workers 1 --warnings off || status=$?

kill -TERM "$pid"
serve_status=0
wait "$pid" || serve_status=$?
pid=""
if [ "$serve_status" -ne 0 ]; then
  echo "api-schema-check: taskq serve exited $serve_status after SIGTERM:" >&2; tail -n 20 "$work/serve.log" >&2; status=1
fi
if grep -q '"level":"error"' "$work/serve.log"; then
  echo "api-schema-check: the server logged errors:" >&2; grep '"level":"error"' "$work/serve.log" | head -n 20 >&2; status=1
fi
[ "$status" -eq 0 ] && echo "api-schema-check: the API matches Sources/TaskqServer/Resources/openapi.json"
exit "$status"
