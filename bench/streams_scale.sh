#!/usr/bin/env bash
# Maintenance streams at scale (docs/benchmarks.md, "Streams at scale on PostgreSQL"): STREAMS
# streams x EVENTS events sent as OTLP/JSON batches of 100 through two `lading serve` front-ends
# on one throwaway PostgreSQL 15, 32 client threads; beside it, in the same run, the same number
# of rows of an event's size inserted straight into PostgreSQL by 32 psql sessions, 100 rows per
# transaction (the durable-insert floor of the database without Lading).
#   bench/streams_scale.sh [LADING_BIN] [STREAMS] [EVENTS]      (run as root: PostgreSQL runs as postgres)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
L=$(realpath "${1:-$ROOT/target/release/lading}"); STREAMS=${2:-1000}; EVENTS=${3:-1000}; WORKERS=32
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
W=$(mktemp -d /tmp/lading-scale.XXXXXX); chown postgres "$W"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { runuser -u postgres -- "$@"; }
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    as_pg "$PG_BIN/pg_ctl" -D "$W/pg" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT
as_pg "$PG_BIN/initdb" -D "$W/pg" -A trust -U lading >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$W/pg" -l "$W/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$W -c max_connections=300" start >/dev/null
URL="postgres://lading@127.0.0.1:$PORT/postgres"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $("$PG_BIN/postgres" --version)"

echo "== baseline: $((STREAMS * EVENTS)) rows of 700 bytes straight into PostgreSQL ($WORKERS psql sessions, 100 rows per transaction)"
"$PG_BIN/psql" -q "$URL" -c "CREATE TABLE floor (id bigserial PRIMARY KEY, stream int, body bytea)"
PER=$((STREAMS * EVENTS / WORKERS / 100))
python3 - "$W" "$WORKERS" "$PER" <<'PY'
import sys
w, workers, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for k in range(workers):
    with open(f"{w}/floor-{k}.sql", "w") as f:
        for _ in range(per):
            f.write(f"BEGIN; INSERT INTO floor (stream, body) SELECT {k}, convert_to(repeat('x', 700), 'UTF8') FROM generate_series(1, 100); COMMIT;\n")
PY
start=$(date +%s.%N)
for k in $(seq 0 $((WORKERS - 1))); do "$PG_BIN/psql" -q "$URL" -f "$W/floor-$k.sql" >/dev/null & done
wait
end=$(date +%s.%N)
python3 -c "rows=$WORKERS*$PER*100; s=$end-$start; print(f'baseline: {rows} rows in {s:.2f} s = {rows/s:.0f} rows/s')"
"$PG_BIN/psql" -q "$URL" -c "DROP TABLE floor"

echo "== $STREAMS streams and their OTLP tokens (CLI)"
"$L" key generate --out "$W/k" >/dev/null
for i in $(seq 1 "$STREAMS"); do
    "$L" maint stream create "s$i" --postgres "$URL" --keys "$W/keys" --key "$W/k.key" \
        --provider "Suzhou Example Cloud Operations Co., Ltd." --registration-id 91320500MA1EXAMPLE >/dev/null
    "$L" --json maint token "s$i" --postgres "$URL" --keys "$W/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
done > "$W/tokens"
FES=()
for n in 1 2; do
    FEPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    LADING_SERVE_LOG_LEVEL=warn "$L" serve --postgres "$URL" --keys "$W/keys" --listen "127.0.0.1:$FEPORT" \
        --rate-limit 100000 >"$W/fe$n.out" 2>"$W/fe$n.log" &
    PIDS+=($!)
    FES+=("--front-end" "http://127.0.0.1:$FEPORT" "--front-end-pid" "$!")
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$FEPORT/readyz" >/dev/null && break; sleep 0.1; done
done
echo "== load: $STREAMS streams x $EVENTS events, batches of 100, $WORKERS client threads, 2 front-ends"
python3 "$ROOT/bench/streams_scale.py" "${FES[@]}" --tokens "$W/tokens" --template "$ROOT/samples/maint/otlp.jsonl" \
    --events "$EVENTS" --batch 100 --workers "$WORKERS"
"$PG_BIN/psql" -q -t "$URL" -c "SELECT 'database size after the run: ' || pg_size_pretty(pg_database_size('postgres'))"
echo "== what the front-ends logged at WARN or above (most frequent messages)"
cat "$W"/fe*.log | python3 -c '
import sys, json, collections
c = collections.Counter()
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        c[line.strip()[:160]] += 1
        continue
    if e.get("level") in ("WARN", "ERROR"):
        c[(e.get("level"), str(e.get("message"))[:80], str(e.get("error", e.get("detail", "")))[:120])] += 1
for k, n in c.most_common(6):
    print(n, k)
'
