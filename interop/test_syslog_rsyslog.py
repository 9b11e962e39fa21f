"""Syslog from real senders into `lading maint listen`.

util-linux `logger` writes RFC 5424 messages straight to the listener over TCP
with RFC 6587 octet counting, over TCP with its default framing and over UDP;
rsyslog (`rsyslogd`) receives `logger`'s messages on UDP and forwards them with
`omfwd` over TCP, octet-counted, in its RFC 5424 template. Every message must be
stored once, with the event fields of its `maint@32473` element, its text
byte for byte (non-ASCII included) and the sender's other structured data kept
as attributes; a message that is not an event is refused alone and the
connection carries on.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from interop_helpers import create_stream

SD_PARAMS = {
    "actor": "svc-remote-ops",
    "role": "service-account",
    "org": "Suzhou Example Cloud Operations Co., Ltd.",
    "auth": "service-account",
    "session": "rs-77a1",
    "access": "api",
    "serial": "SN-2291-0019",
    "model": "VMC-850",
    "site": "Plant Leipzig",
    "category": "access-control",
    "action": "session.open",
    "target": "jump-host",
    "result": "success",
}


def _tool(name: str, package: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if path is None:
        pytest.fail(f"`{name}` is required (apt-get install {package}); scripts/test installs it", pytrace=False)
    return path


def _free_port(kind=socket.SOCK_STREAM) -> int:
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Listener:
    """A running `lading --json maint listen fleet`."""

    def __init__(self, lading_bin, data: str, workdir: Path, *transports: str):
        args = [str(lading_bin), "--json", "maint", "listen", "fleet", "--data", data]
        for t in transports:
            args += [f"--{t}", "127.0.0.1:0"]
        self.stderr_path = workdir / f"listen-{time.monotonic_ns()}.err"
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "wb"))
        self.addr = {}
        while len(self.addr) < len(transports):
            line = self.proc.stdout.readline()
            if not line:
                pytest.fail(f"lading maint listen did not start: {self.stderr_path.read_text()}")
            event = json.loads(line)
            assert event["event"] == "listening", event
            host, port = event["address"].rsplit(":", 1)
            self.addr[event["transport"]] = (host, int(port))

    def stop(self) -> tuple[dict, str]:
        self.proc.send_signal(signal.SIGTERM)
        summary = json.loads(self.proc.stdout.readline())
        assert self.proc.wait(timeout=30) == 0
        assert summary["event"] == "stopped", summary
        return summary, self.stderr_path.read_text()


def _stored(run_lading, workdir: Path, data: str) -> list[dict]:
    out = workdir / f"seg-{time.monotonic_ns()}.lading"
    res = run_lading("maint", "export", "fleet", "--data", data, "--out", out)
    if res.code != 0 and "no events" in res.stderr:
        return []
    assert res.code == 0, res.stderr
    with zipfile.ZipFile(out) as z:
        return [json.loads(line) for line in z.read("events.jsonl").decode("utf-8").splitlines()]


def _wait_for(run_lading, workdir, data, count, timeout=30.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        events = _stored(run_lading, workdir, data)
        if len(events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.2)


def _logger(logger: str, event_id: str, text: str, *transport: str) -> None:
    args = [logger, "--rfc5424", "-t", "maint-agent", "--msgid", "SESSION", "-p", "local0.info"]
    args += ["--sd-id", "maint@32473", "--sd-param", f'event_id="{event_id}"']
    for name, value in SD_PARAMS.items():
        args += ["--sd-param", f'{name}="{value}"']
    subprocess.run([*args, *transport, text], check=True, timeout=30)


def _check(events: list[dict], sent: dict[str, str]) -> None:
    by_id = {e["event_id"]: e for e in events}
    assert set(by_id) == set(sent), (sorted(by_id), sorted(sent))
    for event_id, text in sent.items():
        e = by_id[event_id]
        assert e["attributes"]["message"] == text, e
        assert e["attributes"]["syslog.app_name"] == "maint-agent", e
        assert e["attributes"]["syslog.facility"] == 16, e
        assert e["actor"]["id"] == SD_PARAMS["actor"], e
        assert (e["asset"]["serial"], e["asset"]["site"]) == (SD_PARAMS["serial"], SD_PARAMS["site"]), e
        assert (e["action"], e["result"]) == (SD_PARAMS["action"], SD_PARAMS["result"]), e
        # logger's own structured data (timeQuality) is kept, not dropped.
        assert any(k.startswith("sd.timeQuality.") for k in e["attributes"]), e["attributes"]


def test_logger_over_tcp_octet_counted_lf_framed_and_udp(run_lading, workdir, lading_bin):
    logger = _tool("logger", "bsdutils")
    data = create_stream(run_lading, workdir)
    listener = Listener(lading_bin, data, workdir, "tcp", "udp")
    host, tcp = listener.addr["tcp"]
    _, udp = listener.addr["udp"]
    sent = {}
    for i in range(3):
        sent[f"octet-{i}"] = f"octet-counted {i}: Spindel geprüft ✓ 主轴已检查"
        _logger(logger, f"octet-{i}", sent[f"octet-{i}"], "-n", host, "-P", str(tcp), "-T", "--octet-count")
    for i in range(3):
        sent[f"lf-{i}"] = f"default framing {i}"
        _logger(logger, f"lf-{i}", sent[f"lf-{i}"], "-n", host, "-P", str(tcp), "-T")
    for i in range(3):
        sent[f"udp-{i}"] = f"datagram {i}"
        _logger(logger, f"udp-{i}", sent[f"udp-{i}"], "-n", host, "-P", str(udp), "-d")
        time.sleep(0.02)
    events = _wait_for(run_lading, workdir, data, len(sent))
    summary, log = listener.stop()
    assert summary["stored"] == len(sent), (summary, log)
    assert summary["refused"] == 0 and summary["oversized"] == 0, (summary, log)
    _check(events, sent)


def test_rsyslog_forwards_octet_counted_over_tcp(run_lading, workdir, lading_bin):
    logger = _tool("logger", "bsdutils")
    rsyslogd = _tool("rsyslogd", "rsyslog")
    data = create_stream(run_lading, workdir)
    listener = Listener(lading_bin, data, workdir, "tcp")
    host, tcp = listener.addr["tcp"]
    udp_in = _free_port(socket.SOCK_DGRAM)
    work = workdir / "rsyslog"
    work.mkdir()
    conf = work / "rsyslog.conf"
    conf.write_text(
        f"""
global(workDirectory="{work}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="{udp_in}")
if $app-name == "maint-agent" then {{
  action(type="omfwd" target="{host}" port="{tcp}" protocol="tcp"
         TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
}}
"""
    )
    check = subprocess.run([rsyslogd, "-N1", "-f", str(conf)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    proc = subprocess.Popen(
        [rsyslogd, "-n", "-f", str(conf), "-i", str(work / "rsyslogd.pid")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        # rsyslogd is up when its UDP input is bound.
        deadline = time.monotonic() + 30
        while True:
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                probe.bind(("127.0.0.1", udp_in))
                probe.close()
            except OSError:
                probe.close()
                break
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "rsyslogd did not bind its UDP input"
            time.sleep(0.1)
        sent = {}
        for i in range(5):
            sent[f"rsyslog-{i}"] = f"via rsyslog {i}: Wartung abgeschlossen 维护完成"
            _logger(logger, f"rsyslog-{i}", sent[f"rsyslog-{i}"], "-n", "127.0.0.1", "-P", str(udp_in), "-d")
            time.sleep(0.02)
        # A message that is not an event (no event fields): refused alone, the connection stays.
        subprocess.run(
            [logger, "--rfc5424", "-t", "maint-agent", "-n", "127.0.0.1", "-P", str(udp_in), "-d", "no fields"],
            check=True, timeout=30,
        )
        sent["rsyslog-after"] = "after the refused one"
        time.sleep(0.05)
        _logger(logger, "rsyslog-after", sent["rsyslog-after"], "-n", "127.0.0.1", "-P", str(udp_in), "-d")
        events = _wait_for(run_lading, workdir, data, len(sent))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    summary, log = listener.stop()
    assert summary["stored"] == len(sent), (summary, log)
    assert summary["refused"] == 1, (summary, log)
    assert summary["connections"] == 1 and summary["closed"] == 0, (summary, log)
    _check(events, sent)
