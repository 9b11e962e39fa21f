#!/usr/bin/env python3
"""Load and judge for scripts/ha-test (Python standard library only).

Submits raw registry entries to several `lading serve` front-ends from a few
threads and, with --stream-token, OTLP/JSON log batches into a maintenance
stream (each batch a few records with fresh event ids), polls their
checkpoints, runs a command (SIGKILL of the PostgreSQL primary) at a given
second, and reports as one JSON object:

- acknowledged entries lost (an acknowledged index whose leaf in the final
  tree is not the entry's; must be 0),
- time to recover (from the kill until every front-end acknowledged again),
- 5xx answers other than 503 (must be 0), 503s, connection errors,
- consistency of every checkpoint seen: its root must be the root of the
  final tree (rebuilt from the level-0 tiles alone) at its size,
- for the stream: batches acknowledged (200) and refused; the event ids of
  every acknowledged batch are written to --stream-acked, for ha-test to
  find each exactly once in the exported stream.
"""
import copy

import argparse
import base64
import hashlib
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def tile_path(level: int, index: int, width: int) -> str:
    """C2SP tlog-tiles path of a tile: tile/L/x001/234[.p/W]."""
    digits = f"{index:03d}"
    if len(digits) % 3:
        digits = "0" * (3 - len(digits) % 3) + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    path = "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])
    suffix = "" if width == 256 else f".p/{width}"
    return f"tile/{level}/{path}{suffix}"


class Client:
    def __init__(self, base: str, token: str):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.token = token
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                return r.status, data, dict(r.getheaders())
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")


class Run:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}  # leaf hash hex -> (index, front-end)
        self.last_ack = {}  # front-end -> time of its latest acknowledgement
        self.status = {}
        self.other_5xx = []
        self.conn_errors = 0
        self.checkpoints = {}  # (size, root b64) -> text
        self.stop = False
        self.killed_at = None
        self.stream_acked = []  # event ids of acknowledged OTLP batches
        self.stream_status = {}


def post_until_answered(run: Run, client: Client, path: str, body: bytes, content_type: str, counts: dict):
    """POSTs `body` until an answer other than 503 comes (connection errors and 503s counted,
    retried after 0.1 s: Retry-After says 1 s, retrying sooner times the recovery); every answer
    is counted by status in `counts`, a 5xx other than 503 and a 503 without Retry-After are
    recorded. Returns (status, body), or None once the run stops."""
    while not run.stop:
        try:
            status, data, headers = client.request(
                "POST", path, body=body,
                headers={"authorization": f"Bearer {client.token}", "content-type": content_type})
        except Exception:  # noqa: BLE001 - counted, then retried
            with run.lock:
                run.conn_errors += 1
            time.sleep(0.1)
            continue
        with run.lock:
            counts[status] = counts.get(status, 0) + 1
            if status >= 500 and status != 503:
                run.other_5xx.append((status, f"{path}: " + data[:300].decode("utf-8", "replace")))
            if status == 503 and "retry-after" not in {k.lower() for k in headers}:
                run.other_5xx.append((503, f"{path}: 503 without Retry-After"))
        if status != 503:
            return status, data
        time.sleep(0.1)
    return None


def submitter(run: Run, fe: str, token: str, thread: int):
    client = Client(fe, token)
    n = 0
    while not run.stop:
        entry = f"ha-test {thread} {n} {os.urandom(8).hex()}".encode()
        n += 1
        answer = post_until_answered(run, client, "/v1/logs/registry/entries", entry, "application/octet-stream",
                                     run.status)
        if answer is not None and answer[0] in (200, 201):
            with run.lock:
                run.acked[leaf_hash(entry).hex()] = (json.loads(answer[1])["index"], fe)
                run.last_ack[fe] = time.monotonic()
        # a 4xx: this entry is given up (counted in status)


def otlp_batch(template: dict, prefix: str, n: int, records: int = 3) -> tuple[bytes, list[str]]:
    """`template` (an OTLP/JSON ExportLogsServiceRequest with one record) as `records` records
    with fresh event ids and the time now."""
    body = copy.deepcopy(template)
    scope = body["resourceLogs"][0]["scopeLogs"][0]
    base = scope["logRecords"][0]
    now = time.time_ns()
    ids, out = [], []
    for r in range(records):
        rec = copy.deepcopy(base)
        event_id = f"{prefix}-{n}-{r}"
        rec["timeUnixNano"] = str(now)
        rec["observedTimeUnixNano"] = str(now)
        rec["attributes"] = [a for a in rec["attributes"] if a["key"] != "maint.event_id"]
        rec["attributes"].append({"key": "maint.event_id", "value": {"stringValue": event_id}})
        ids.append(event_id)
        out.append(rec)
    scope["logRecords"] = out
    return json.dumps(body).encode(), ids


def streamer(run: Run, fe: str, token: str, template: dict, thread: int):
    client = Client(fe, token)
    n = 0
    while not run.stop:
        body, ids = otlp_batch(template, f"ha-{thread}-{os.urandom(4).hex()}", n)
        n += 1
        answer = post_until_answered(run, client, "/v1/logs", body, "application/json", run.stream_status)
        if answer is None:
            break
        status, data = answer
        with run.lock:
            if status == 200:
                run.stream_acked.extend(ids)
            elif status < 500:
                # A retry of a batch whose first attempt landed is answered 200 (as stored), so any
                # other answer is reported.
                run.other_5xx.append((status, "OTLP: " + data[:300].decode("utf-8", "replace")))


def watcher(run: Run, fe: str):
    client = Client(fe, "")
    while not run.stop:
        try:
            status, data, _ = client.request("GET", "/v1/logs/registry/checkpoint")
        except Exception:  # noqa: BLE001
            time.sleep(0.1)
            continue
        if status == 200:
            lines = data.decode().split("\n")
            with run.lock:
                run.checkpoints[(int(lines[1]), lines[2])] = data.decode()
        time.sleep(0.1)


def final_leaves(fe: str, size: int):
    client = Client(fe, "")
    leaves = []
    for index in range((size + 255) // 256):
        width = min(256, size - index * 256)
        status, data, _ = client.request("GET", "/v1/logs/registry/" + tile_path(0, index, width))
        if status != 200 or len(data) != 32 * width:
            raise SystemExit(f"tile {tile_path(0, index, width)}: HTTP {status}, {len(data)} bytes")
        leaves.extend(data[i:i + 32] for i in range(0, len(data), 32))
    return leaves


def roots_at(leaves, sizes):
    """RFC 9162 roots of the first n leaves, for every n in sizes, in one pass."""
    wanted = set(sizes)
    out = {}
    if 0 in wanted:
        out[0] = hashlib.sha256(b"").digest()
    stack = []  # (height, hash) of complete subtrees, largest first
    for n, leaf in enumerate(leaves, start=1):
        h, height = leaf, 0
        while stack and stack[-1][0] == height:
            _, left = stack.pop()
            h, height = node_hash(left, h), height + 1
        stack.append((height, h))
        if n in wanted:
            root = stack[-1][1]
            for _, left in reversed(stack[:-1]):
                root = node_hash(left, root)
            out[n] = root
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--front-end", action="append", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--threads", type=int, default=4, help="submitting threads per front-end")
    p.add_argument("--kill-after", type=float, required=True, help="seconds of load before the kill")
    p.add_argument("--after", type=float, required=True, help="seconds of load after recovery")
    p.add_argument("--kill", required=True, help="shell command that kills the primary")
    p.add_argument("--max-recovery", type=float, default=60.0)
    p.add_argument("--stream-token", help="a maintenance stream's OTLP token: also send OTLP/JSON batches")
    p.add_argument("--otlp-template", help="an OTLP/JSON request (one line) whose first record is the model")
    p.add_argument("--stream-acked", help="where to write the event ids of acknowledged batches")
    a = p.parse_args()

    run = Run()
    threads = [threading.Thread(target=watcher, args=(run, fe), daemon=True) for fe in a.front_end]
    for fe in a.front_end:
        threads += [threading.Thread(target=submitter, args=(run, fe, a.token, i), daemon=True) for i in range(a.threads)]
    if a.stream_token:
        template = json.loads(open(a.otlp_template, encoding="utf-8").readline())
        for k, fe in enumerate(a.front_end):
            threads += [threading.Thread(target=streamer, args=(run, fe, a.stream_token, template, k * 10 + i),
                                         daemon=True) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(a.kill_after)
    before = len(run.acked)
    subprocess.run(a.kill, shell=True, check=True)
    killed = time.monotonic()
    recovered = None
    while time.monotonic() - killed < a.max_recovery:
        with run.lock:
            if all(run.last_ack.get(fe, 0) > killed for fe in a.front_end):
                recovered = max(run.last_ack[fe] for fe in a.front_end) - killed
                break
        time.sleep(0.05)
    time.sleep(a.after)
    run.stop = True
    for t in threads:
        t.join(timeout=20)

    # The final tree, rebuilt from tiles alone, against everything seen. A front-end picks up
    # the other's checkpoints every 200 ms: wait until the one asked covers every acknowledged
    # index (or 10 s pass, and what it lacks counts as lost).
    client = Client(a.front_end[0], "")
    wanted = 1 + max((i for i, _ in run.acked.values()), default=-1)
    deadline = time.monotonic() + 10
    while True:
        status, data, _ = client.request("GET", "/v1/logs/registry/checkpoint")
        size = int(data.decode().split("\n")[1])
        if size >= wanted or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    leaves = final_leaves(a.front_end[0], size)
    index_of = {leaf.hex(): i for i, leaf in enumerate(leaves)}
    lost = [(h, i) for h, (i, _) in run.acked.items() if index_of.get(h) != i]
    sizes = sorted({s for s, _ in run.checkpoints if s <= size})
    roots = roots_at(leaves, sizes)
    inconsistent = [
        {"size": s, "root": r}
        for (s, r) in run.checkpoints
        if s > size or base64.b64decode(r) != roots[s]
    ]
    report = {
        "ok": not lost and not run.other_5xx and not inconsistent and recovered is not None
        and recovered <= a.max_recovery,
        "acknowledged": len(run.acked),
        "acknowledged_before_kill": before,
        "acknowledged_lost": len(lost),
        "recovery_seconds": None if recovered is None else round(recovered, 2),
        "responses": {str(k): v for k, v in sorted(run.status.items())},
        "other_5xx": len(run.other_5xx),
        "other_5xx_samples": run.other_5xx[:5],
        "connection_errors": run.conn_errors,
        "checkpoints_seen": len(run.checkpoints),
        "checkpoints_inconsistent": inconsistent[:5],
        "final_size": size,
    }
    if a.stream_token:
        report["stream_events_acknowledged"] = len(run.stream_acked)
        report["stream_responses"] = {str(k): v for k, v in sorted(run.stream_status.items())}
        report["ok"] = report["ok"] and len(run.stream_acked) > 0
        with open(a.stream_acked, "w", encoding="utf-8") as f:
            f.write("".join(i + "\n" for i in run.stream_acked))
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
