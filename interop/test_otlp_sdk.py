"""A real OpenTelemetry client — the Python SDK with its OTLP/HTTP (protobuf)
log exporter — sends maintenance logs to `lading serve`; they land in the
stream as events, and the exported segment verifies."""

import json
import logging
import subprocess
import time

import pytest
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource

from interop_helpers import create_stream


@pytest.fixture
def served_stream(run_lading, lading_bin, workdir):
    data = create_stream(run_lading, workdir)
    token = run_lading("maint", "token", "fleet", "--data", data).text.strip()
    proc = subprocess.Popen(
        [str(lading_bin), "--json", "serve", "--data", data, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        address = None
        for _ in range(5):
            line = proc.stdout.readline()
            if not line:
                break
            msg = json.loads(line)
            if msg.get("event") == "listening":
                address = msg["address"]
                break
        assert address, proc.stderr.read()
        yield address, token, data
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _send(address, token, records, resource):
    exporter = OTLPLogExporter(endpoint=f"http://{address}/v1/logs", headers={"Authorization": f"Bearer {token}"})
    provider = LoggerProvider(resource=Resource.create(resource))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = logging.getLogger(f"lading.interop.{time.monotonic_ns()}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = LoggingHandler(logger_provider=provider)
    logger.addHandler(handler)
    try:
        for level, message, attrs in records:
            logger.log(level, message, extra=attrs)
        provider.force_flush()
    finally:
        logger.removeHandler(handler)
        provider.shutdown()


RESOURCE = {
    "service.name": "remote-maintenance-gateway",
    "device.id": "robot-0042",
    "device.model.name": "KR-210",
    "maint.site": "Example Automotive GmbH, Plant Leipzig",
    "user.id": "eng-2040",
    "maint.auth": "mfa",
    "session.id": "sess-9a1",
    "maint.access": "vpn",
}


def test_the_python_sdk_exports_logs_that_land_as_events(run_lading, served_stream, workdir):
    address, token, data = served_stream
    records = [
        (logging.INFO, "remote session opened",
         {"maint.event_id": "py-1", "maint.category": "access-control", "maint.action": "session.open", "maint.result": "success"}),
        (logging.ERROR, "drive fault F07800 not cleared",
         {"maint.event_id": "py-2", "maint.category": "control-system-events", "maint.action": "drive.reset",
          "maint.target": "axis.x", "maint.result": "failure"}),
    ]
    _send(address, token, records, RESOURCE)
    out = workdir / "seg.lading"
    res = run_lading("maint", "export", "fleet", "--data", data, "--out", str(out))
    assert res.code == 0, res.stderr
    vkey = (workdir / "data" / "streams" / "fleet" / "log.vkey").read_text().strip()
    res = run_lading("--json", "maint", "verify", str(out), "--vkey", vkey)
    assert res.code == 0, res.text
    timeline = res.json()["timeline"]
    assert [(e["action"], e["asset"], e["actor"], e["result"]) for e in timeline] == [
        ("session.open", "robot-0042", "eng-2040", "success"),
        ("drive.reset", "robot-0042", "eng-2040", "failure"),
    ]

    # A record the schema refuses (no category) is refused with its batch, and nothing lands.
    _send(address, token, [(logging.INFO, "no category", {"maint.event_id": "py-3", "maint.action": "x"})], RESOURCE)
    res = run_lading("--json", "log", "checkpoint", str(workdir / "data" / "streams" / "fleet"))
    assert res.json()["size"] == 2


def test_the_python_sdk_int64_nan_and_empty_records_land_exactly(run_lading, served_stream, workdir):
    """Issue 23: int64 beyond 2^53 and NaN/Infinity sent by the real exporter
    (protobuf) are kept exactly, as typed strings; a record with no body and
    no severity lands with severity 0; EventName and the scope version are kept."""
    import math
    import zipfile

    from opentelemetry._logs import SeverityNumber

    address, token, data = served_stream
    exporter = OTLPLogExporter(endpoint=f"http://{address}/v1/logs", headers={"Authorization": f"Bearer {token}"})
    provider = LoggerProvider(resource=Resource.create(RESOURCE))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("lading.interop.fidelity", "3.1.4")
    now = time.time_ns()
    logger.emit(timestamp=now, severity_number=SeverityNumber.INFO, body="counters",
                attributes={"maint.event_id": "fid-1", "maint.category": "control-system-events",
                            "maint.action": "counters.read", "big": 2**63 - 1, "small": -(2**63),
                            "nan": math.nan, "inf": math.inf, "ok": 2**53 - 1})
    logger.emit(timestamp=now + 1, event_name="session.open",
                attributes={"maint.event_id": "fid-2", "maint.category": "access-control"})
    provider.force_flush()
    provider.shutdown()

    out = workdir / "fid.lading"
    res = run_lading("maint", "export", "fleet", "--data", data, "--out", str(out))
    assert res.code == 0, res.stderr
    with zipfile.ZipFile(out) as z:
        events = [json.loads(line) for line in z.read("events.jsonl").decode().splitlines()]
    first, second = events
    a = first["attributes"]
    assert (a["big"], a["small"], a["nan"], a["inf"], a["ok"]) == (
        "9223372036854775807", "-9223372036854775808", "NaN", "Infinity", 2**53 - 1)
    assert first["value_types"] == {"/attributes/big": "int64", "/attributes/small": "int64",
                                    "/attributes/nan": "double", "/attributes/inf": "double"}
    assert first["attributes"]["scope.version"] == "3.1.4"
    assert second["severity_number"] == 0
    assert second["action"] == "session.open" and second["attributes"]["event_name"] == "session.open"
    vkey = (workdir / "data" / "streams" / "fleet" / "log.vkey").read_text().strip()
    assert run_lading("maint", "verify", str(out), "--vkey", vkey).code == 0
