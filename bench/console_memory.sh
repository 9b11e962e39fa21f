#!/usr/bin/env bash
# Peak RSS of `lading serve` under 8 parallel hostile /verify uploads
# (docs/operations.md, "Memory budget of the web console's /verify").
#   bench/console_memory.sh PORT [lading serve flags, e.g. --max-verifications 8]
# Needs a trust policy at demo/trust/policy.json (`lading demo --keep demo`) and
# hostile.lading (`python3 bench/console_hostile_bundle.py hostile.lading`) in the
# current directory. Unbounded, it takes about 6 GB of memory.
set -u
B=${LADING_BIN:-target/debug/lading}
PORT=$1; shift
rm -rf dep
$B serve --data dep --listen 127.0.0.1:$PORT --policy demo/trust/policy.json --log-level warn "$@" >/dev/null 2>serve.err &
PID=$!
for _ in $(seq 50); do curl -s -o /dev/null localhost:$PORT/healthz && break; sleep 0.1; done
grep VmHWM /proc/$PID/status
CURLS=()
for i in $(seq 8); do
  curl -s -o /dev/null -w "%{http_code} %{time_total}s\n" -F bundle=@hostile.lading -F policy_name=policy localhost:$PORT/verify &
  CURLS+=($!)
done
for c in "${CURLS[@]}"; do wait $c; done
grep VmHWM /proc/$PID/status
kill -TERM $PID; wait $PID
