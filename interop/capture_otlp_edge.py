"""Captures what the OpenTelemetry Python SDK really sends for the edge cases
of issue 23, as test data for `crates/lading-maint/tests/data/otlp/`:

- `python-sdk-edge.pb`: the ExportLogsServiceRequest protobuf bytes, exactly
  what `OTLPLogExporter` (OTLP/HTTP protobuf) POSTs to `/v1/logs`, made by the
  SDK's own encoder (`encode_logs`) from records the SDK's logger emitted;
- `python-sdk-edge.json`: the same request as protobuf's
  `json_format.MessageToJson(request, indent=None)` writes it (int64 as
  strings, enums by name, `"NaN"`, `"Infinity"`, `{}` for an empty body).

Run with the interop venv (versions pinned in requirements.txt):
    python interop/capture_otlp_edge.py crates/lading-maint/tests/data/otlp
Times are fixed so the output is the same on every run.
"""

import math
import sys
from pathlib import Path

from google.protobuf import json_format
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource

T0 = 1_795_000_000_000_000_000  # 2026-11-18T11:06:40Z, in nanoseconds

RESOURCE = {
    "service.name": "remote-maintenance-gateway",
    "device.id": "robot-0042",
    "user.id": "eng-2040",
    "maint.auth": "mfa",
    "session.id": "sess-9a1",
    "maint.access": "vpn",
}


def main(out: Path) -> None:
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider(resource=Resource(RESOURCE))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("lading.interop.edge", "2.7.1")
    # 1. Numbers a JSON number (a double) cannot hold.
    logger.emit(
        timestamp=T0, observed_timestamp=T0 + 1, severity_number=SeverityNumber.INFO, severity_text="INFO",
        body="counters read",
        attributes={
            "maint.event_id": "edge-numbers", "maint.category": "control-system-events",
            "maint.action": "counters.read",
            "int64.max": 2**63 - 1, "int64.min": -(2**63), "beyond.2^53": 2**53 + 1, "exact.2^53-1": 2**53 - 1,
            "nan": math.nan, "inf": math.inf, "neg.inf": -math.inf, "tenth": 0.1,
            "readings": [1.5, math.nan, 3.25],
            "ints": [2**62 + 1, 7],
        },
    )
    # 2. No body, no severity; the action comes from the EventName.
    logger.emit(
        timestamp=T0 + 1_000_000_000, observed_timestamp=T0 + 1_000_000_001, event_name="session.open",
        attributes={"maint.event_id": "edge-empty", "maint.category": "access-control"},
    )
    # 3. An EventName beside an explicit action, and a map body.
    logger.emit(
        timestamp=T0 + 2_000_000_000, observed_timestamp=T0 + 2_000_000_001, severity_number=SeverityNumber.WARN, event_name="drive.fault",
        body={"code": "F07800", "axis": 3},
        attributes={"maint.event_id": "edge-event-name", "maint.category": "control-system-events",
                    "maint.action": "drive.reset"},
    )
    provider.force_flush()
    request = encode_logs(exporter.get_finished_logs())
    out.mkdir(parents=True, exist_ok=True)
    (out / "python-sdk-edge.pb").write_bytes(request.SerializeToString())
    (out / "python-sdk-edge.json").write_text(json_format.MessageToJson(request, indent=None) + "\n")
    provider.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
