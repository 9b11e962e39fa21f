"""The web console in a real browser: Debian's chromium driven by playwright-core (interop/console,
installed by `npm ci`), with axe-core's accessibility audit. `lading demo` provides an evidence
bundle and its trust policy, and `lading demo --serve` serves the console over its files. The
browser clicks the language switch, uploads the bundle through the form (green, its deliverables
shown) and a tampered copy (red, naming the failed check, its reason in Chinese), signs in as an
admin, creates a log and filters the maintenance stream; no page has a serious or critical
accessibility violation. Screenshots are kept in target/screenshots/browser-*.png."""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from interop_helpers import require_node_packages

REPO = Path(__file__).resolve().parent.parent
CONSOLE_DIR = REPO / "interop" / "console"
INSTALL_HINT = "npm ci --prefix interop/console"


def test_the_console_in_chromium_verifies_uploads_switches_language_and_is_accessible(run_lading, lading_bin, workdir):
    node = require_node_packages(CONSOLE_DIR, INSTALL_HINT, (20, 0), "the console browser tests")
    chromium = os.environ.get("LADING_CHROMIUM") or shutil.which("chromium")
    assert chromium, "chromium is missing (apt-get install chromium); scripts/test installs it"
    # `lading demo --serve`: the demo, then the console over its files.
    server = subprocess.Popen(
        [str(Path(lading_bin).resolve()), "--json", "demo", "--keep", "demo", "--serve", "--listen", "127.0.0.1:0"],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url, bundle, token = None, None, None
        deadline = time.time() + 120
        while url is None and time.time() < deadline:
            line = server.stdout.readline()
            assert line, "lading demo --serve exited before listening"
            event = json.loads(line)
            if "evidence_bundle" in event:
                bundle = Path(event["evidence_bundle"])
            if event.get("event") == "console":
                token = event["admin_token"]
            if event.get("event") == "listening":
                # localhost, not 127.0.0.1: browsers keep the session cookie (Secure) only over HTTPS
                # or on localhost.
                url = f"http://localhost:{event['address'].rsplit(':', 1)[1]}"
        assert url and bundle and token, "the demo printed its bundle, an admin token and the address"
        # The demo's copy with the statement's contract number changed (a byte flipped at random
        # may land in ZIP metadata no signature covers, such as a member's modification time).
        tampered = bundle.parent / "evidence-altered.lading"
        assert tampered.is_file(), tampered
        shots = REPO / "target" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [node, str(CONSOLE_DIR / "drive.mjs"), url, str(bundle), str(tampered), str(shots), token],
            capture_output=True, text=True, timeout=180, env={**os.environ, "LADING_CHROMIUM": chromium},
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        report = json.loads(proc.stdout.strip().splitlines()[-1])
        assert report["ok"] and report["violations"] == []
        assert len(report["pages"]) == 10 and report["failed_checks"]
    finally:
        server.kill()
        server.wait()
