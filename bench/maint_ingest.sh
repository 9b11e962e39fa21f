#!/usr/bin/env bash
# Events/s of `lading maint ingest --format jsonl` against a baseline in the
# same run: `lading log append --lines` of the same events as canonical
# entries (durable appends with no parsing, validation or canonicalisation).
# Usage: bench/maint_ingest.sh [EVENTS_PER_FILE] [FILES]   (default 20000 5)
set -euo pipefail
cd "$(dirname "$0")/.."
per_file=${1:-20000}
files=${2:-5}
cargo build --release -q -p lading-cli
L=$PWD/target/release/lading
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$per_file" "$files" <<'PY'
import datetime, json, sys
work, per, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ev = json.loads(open("samples/maint/events.jsonl").read().splitlines()[3])
base = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
with open(f"{work}/entries.txt", "w") as entries:
    for f in range(files):
        with open(f"{work}/events-{f:03d}.jsonl", "w") as out:
            for j in range(per):
                i = f * per + j
                ev["event_id"] = f"bench-{i:08d}"
                t = (base + datetime.timedelta(milliseconds=100 * i)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
                ev["occurred_at"] = ev["observed_at"] = ev["meta"]["created_at"] = t
                out.write(json.dumps(ev, separators=(",", ":")) + "\n")
                entries.write(json.dumps(dict(ev, sequence=i, stream="bench"), separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n")
PY
cd "$work"
"$L" key generate --out k >/dev/null
"$L" maint stream create bench --data d --key k.key --provider "Bench Co" --registration-id 9132 >/dev/null
"$L" log init raw --origin bench.example/raw --key k.key >/dev/null
total=$((per_file * files))
t0=$(date +%s.%N)
"$L" log append raw --lines < entries.txt >/dev/null
t1=$(date +%s.%N)
for f in events-*.jsonl; do "$L" maint ingest bench "$f" --data d --format jsonl >/dev/null; done
t2=$(date +%s.%N)
python3 - "$total" "$t0" "$t1" "$t2" "$files" <<'PY'
import sys
n, t0, t1, t2, files = int(sys.argv[1]), *map(float, sys.argv[2:5]), int(sys.argv[5])
raw, ingest = n / (t1 - t0), n / (t2 - t1)
print(f"events: {n} in {files} file(s)")
print(f"baseline  lading log append --lines (canonical entries): {raw:,.0f} entries/s ({t1 - t0:.2f} s)")
print(f"lading maint ingest --format jsonl:                      {ingest:,.0f} events/s ({t2 - t1:.2f} s)")
print(f"ratio ingest / raw append: {ingest / raw:.2f}")
PY
