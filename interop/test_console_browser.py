"""The web console in a real browser: Debian's chromium driven by playwright-core (interop/console,
installed by `npm ci`), with axe-core's accessibility audit. `lading demo` provides an evidence
bundle and its trust policy; `lading serve` offers the policy on /verify. The browser clicks the
language switch, uploads the bundle through the form (green) and a tampered copy (red, naming the
failed check), and no page has a serious or critical accessibility violation. Screenshots are kept
in target/screenshots/browser-*.png."""

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
    r = run_lading("--json", "demo", "--keep", "demo", cwd=workdir)
    assert r.code == 0, r.stderr
    bundle = Path(json.loads(r.stdout)["evidence_bundle"])
    tampered = workdir / "tampered.lading"
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 1
    tampered.write_bytes(bytes(data))
    server = subprocess.Popen(
        [str(Path(lading_bin).resolve()), "--json", "serve", "--data", "dep", "--listen", "127.0.0.1:0", "--policy", "demo/trust/policy.json",
         "--trust-list", "demo/trust/white-list.signed.json", "--trust-list-key", "demo/trust/authority.pub"],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url = None
        deadline = time.time() + 30
        while url is None and time.time() < deadline:
            line = server.stdout.readline()
            assert line, "lading serve exited before listening"
            event = json.loads(line)
            if event.get("event") == "listening":
                url = f"http://{event['address']}"
        shots = REPO / "target" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [node, str(CONSOLE_DIR / "drive.mjs"), url, str(bundle), str(tampered), str(shots)],
            capture_output=True, text=True, timeout=180, env={**os.environ, "LADING_CHROMIUM": chromium},
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        report = json.loads(proc.stdout.strip().splitlines()[-1])
        assert report["ok"] and report["violations"] == []
        assert len(report["pages"]) == 7 and report["failed_checks"]
    finally:
        server.kill()
        server.wait()
