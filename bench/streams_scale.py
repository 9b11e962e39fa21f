#!/usr/bin/env python3
"""Load for bench/streams_scale.sh (Python standard library only).

Sends OTLP/JSON log batches to several `lading serve` front-ends: every
stream gets --events events in batches of --batch records, each stream's
batches in order from one worker thread (a stream's clock only moves
forward), streams spread over --workers threads and over the front-ends.
Samples the resident memory of the given processes while it runs. Prints one
JSON object: events acknowledged, wall time, aggregate events/s, request
latency p50/p99, answers by status, peak RSS per process group.
"""

import argparse
import copy
import http.client
import json
import os
import subprocess
import threading
import time
import urllib.parse


class Batches:
    """OTLP/JSON requests from a template, by text substitution (the client must not be the
    bottleneck): the template's first record with a fresh event id and the time now."""

    def __init__(self, template: dict):
        body = copy.deepcopy(template)
        scope = body["resourceLogs"][0]["scopeLogs"][0]
        rec = copy.deepcopy(scope["logRecords"][0])
        rec["timeUnixNano"] = rec["observedTimeUnixNano"] = "@@T@@"
        rec["attributes"] = [x for x in rec["attributes"] if x["key"] != "maint.event_id"]
        rec["attributes"].append({"key": "maint.event_id", "value": {"stringValue": "@@ID@@"}})
        scope["logRecords"] = ["@@RECORDS@@"]
        self.prefix, self.suffix = json.dumps(body).split('"@@RECORDS@@"')
        self.record = json.dumps(rec)

    def make(self, stream: int, first: int, count: int) -> bytes:
        t = self.record.replace("@@T@@", str(time.time_ns()))
        recs = ",".join(t.replace("@@ID@@", f"s{stream}-e{i}") for i in range(first, first + count))
        return (self.prefix + recs + self.suffix).encode()


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def postgres_pids():
    out = subprocess.run(["ps", "-u", "postgres", "-o", "pid="], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--front-end", action="append", required=True)
    p.add_argument("--tokens", required=True, help="file: one stream token per line")
    p.add_argument("--template", required=True)
    p.add_argument("--events", type=int, default=1000, help="events per stream")
    p.add_argument("--batch", type=int, default=100, help="records per request")
    p.add_argument("--workers", type=int, default=32)
    p.add_argument("--front-end-pid", action="append", type=int, default=[])
    a = p.parse_args()
    tokens = [t.strip() for t in open(a.tokens) if t.strip()]
    batches = Batches(json.loads(open(a.template).readline()))
    lock = threading.Lock()
    latencies, statuses, acked = [], {}, [0]
    samples = {}
    stop = threading.Event()
    peaks = {"front_ends_kib": 0, "postgres_kib": 0}

    def sampler():
        while not stop.is_set():
            fe = rss_kib(a.front_end_pid)
            pg = rss_kib(postgres_pids())
            peaks["front_ends_kib"] = max(peaks["front_ends_kib"], fe)
            peaks["postgres_kib"] = max(peaks["postgres_kib"], pg)
            time.sleep(0.5)

    def worker(w: int):
        conns = {}
        for s in range(w, len(tokens), a.workers):
            fe = a.front_end[s % len(a.front_end)]
            if fe not in conns:
                u = urllib.parse.urlparse(fe)
                conns[fe] = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            for first in range(0, a.events, a.batch):
                body = batches.make(s, first, min(a.batch, a.events - first))
                while True:
                    t0 = time.monotonic()
                    try:
                        conns[fe].request("POST", "/v1/logs", body=body, headers={
                            "authorization": f"Bearer {tokens[s]}", "content-type": "application/json"})
                        r = conns[fe].getresponse()
                        answer = r.read()
                    except (OSError, http.client.HTTPException):
                        conns[fe].close()
                        u = urllib.parse.urlparse(fe)
                        conns[fe] = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                        continue
                    dt = time.monotonic() - t0
                    with lock:
                        latencies.append(dt)
                        statuses[r.status] = statuses.get(r.status, 0) + 1
                        if r.status == 200:
                            acked[0] += min(a.batch, a.events - first)
                        elif len(samples.setdefault(r.status, [])) < 3:
                            samples[r.status].append(answer[:400].decode("utf-8", "replace"))
                    if r.status == 503:
                        time.sleep(0.05)
                        continue
                    break

    threading.Thread(target=sampler, daemon=True).start()
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    stop.set()
    latencies.sort()
    pct = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)
    print(json.dumps({
        "streams": len(tokens), "events_per_stream": a.events, "records_per_request": a.batch,
        "workers": a.workers, "front_ends": len(a.front_end),
        "events_acknowledged": acked[0], "wall_seconds": round(wall, 2),
        "events_per_second": round(acked[0] / wall, 1),
        "requests": len(latencies), "latency_ms_p50": pct(0.50), "latency_ms_p99": pct(0.99),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "samples": {str(k): v for k, v in samples.items()},
        "peak_rss_front_ends_mib": round(peaks["front_ends_kib"] / 1024, 1),
        "peak_rss_postgres_mib": round(peaks["postgres_kib"] / 1024, 1),
    }))


if __name__ == "__main__":
    main()
