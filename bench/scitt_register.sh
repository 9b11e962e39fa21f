#!/usr/bin/env bash
# SCRAPI registrations/s (POST /entries, COSE statements verified and logged, a COSE receipt each)
# beside raw submissions/s (POST /v1/logs/registry/entries) on the same server in the same run.
# Usage: bench/scitt_register.sh LADING_BIN [SECONDS] [CONNECTIONS]
# Needs wrk (apt-get install wrk) and the interop venv's pycose (.venv-interop, made by scripts/test).
set -euo pipefail
L=$(realpath "$1"); SECS=${2:-10}; CONNS=${3:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv-interop/bin/python"
command -v wrk >/dev/null || { echo "bench/scitt_register.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$PY" ] || { echo "bench/scitt_register.sh: $PY is missing (run scripts/test once)" >&2; exit 1; }
W=$(mktemp -d /tmp/lading-scitt-bench.XXXXXX)
cd "$W"
"$L" key generate --out provider >/dev/null
"$L" new maintenance-event > event.json
"$PY" "$ROOT/bench/scitt_statements.py" event.json provider.key $((SECS * 4000)) statements.bin
"$L" serve --data srv --listen 127.0.0.1:0 --rate-limit 1000000 > serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 300); do grep -aq 'listening on http' serve.log && break; sleep 0.1; done
URL=$(grep -ao 'http://[0-9.:]*' serve.log | head -1)
"$L" provider add --data srv --log registry --pubkey provider.pub --label bench >/dev/null
TOKEN=$("$L" token create --data srv --log registry --scope submit --label bench)
export TOKEN
sleep 1.5
echo "== raw entries, POST /v1/logs/registry/entries ($CONNS connections, $SECS s)"
wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$ROOT/bench/submit.lua" --latency "$URL" | grep -E "Requests/sec|Latency|Non-2xx|50%|99%"
echo "== SCITT statements, POST /entries ($CONNS connections, $SECS s)"
STATEMENTS="$W/statements.bin" wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$ROOT/bench/scitt_register.lua" --latency "$URL" \
    | grep -E "Requests/sec|Latency|Non-2xx|50%|99%"
