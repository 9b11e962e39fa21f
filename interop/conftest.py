"""Fixtures for the interop suite: the lading binary, work dirs, vectors, keys, documents.

Environment:
  LADING_BIN      the lading binary (default: <repo>/target/debug/lading)
  LADING_VECTORS  the shared conformance vectors (default: <repo>/../shared/vectors, else the
                  copy committed in <repo>/tests/vectors)

Run:
  python3 -m venv .venv-interop && .venv-interop/bin/pip install -r interop/requirements.txt
  LADING_BIN=target/debug/lading .venv-interop/bin/python -m pytest interop -q
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import NamedTuple

import pytest

from interop_helpers import CREATED_AT, DOC_IDS, DOC_KINDS

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "lading"
DEFAULT_VECTORS = REPO_ROOT.parent / "shared" / "vectors"
COMMITTED_VECTORS = REPO_ROOT / "tests" / "vectors"
LADING_TIMEOUT = 60


class LadingResult(NamedTuple):
    code: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8")

    def json(self):
        return json.loads(self.stdout)


def _lading_path() -> Path:
    env = os.environ.get("LADING_BIN")
    return Path(env) if env else DEFAULT_BIN


def _vector_candidates() -> list[Path]:
    env = os.environ.get("LADING_VECTORS")
    out = [Path(env)] if env else []
    out.append(DEFAULT_VECTORS)
    out.append(COMMITTED_VECTORS)
    return out


def _find_vectors() -> Path | None:
    for cand in _vector_candidates():
        if cand.is_dir():
            return cand
    return None


_VECTOR_WARNING = (
    "\n" + "!" * 78 + "\n"
    "!!! INTEROP VECTORS NOT FOUND: looked in {where}.\n"
    "!!! Set LADING_VECTORS to the shared/vectors folder. Every test that needs the\n"
    "!!! conformance vectors was SKIPPED; the suite proves less than it should.\n" + "!" * 78 + "\n"
)


def pytest_report_header(config):
    vec = _find_vectors()
    return [
        f"lading binary: {_lading_path()}",
        f"interop vectors: {vec if vec else 'MISSING (vector tests will be skipped)'}",
    ]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _find_vectors() is None:
        where = ", ".join(str(c) for c in _vector_candidates())
        terminalreporter.write_line(_VECTOR_WARNING.format(where=where), red=True, bold=True)


@pytest.fixture(scope="session")
def lading_bin() -> Path:
    path = _lading_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"lading binary not found or not executable at {path}. Build it first "
            f"(cargo build -p lading-cli) or point LADING_BIN at it. Interop tests never skip for this.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def run_lading(lading_bin):
    """run_lading(*args, cwd=None, stdin=None) -> LadingResult(code, stdout bytes, stderr str)."""

    def run(*args, cwd: Path | None = None, stdin: bytes | None = None) -> LadingResult:
        proc = subprocess.run(
            [str(lading_bin), *[str(a) for a in args]],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=LADING_TIMEOUT,
        )
        return LadingResult(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))

    return run


@pytest.fixture(scope="session")
def openssl_bin() -> str:
    path = shutil.which("openssl")
    if path is None:
        pytest.fail("the `openssl` CLI (OpenSSL 3) is required by the SM2 interop tests but is not on PATH", pytrace=False)
    version = subprocess.run([path, "version"], capture_output=True, text=True).stdout
    if not version.startswith("OpenSSL 3"):
        pytest.fail(f"OpenSSL 3 is required for SM2 distid support, found: {version.strip()}", pytrace=False)
    return path


@pytest.fixture
def workdir(tmp_path) -> Path:
    """A fresh temporary working directory for one test."""
    return tmp_path


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    vec = _find_vectors()
    if vec is None:
        where = ", ".join(str(c) for c in _vector_candidates())
        msg = _VECTOR_WARNING.format(where=where)
        warnings.warn(msg)
        print(msg)
        pytest.skip(f"interop vectors not found (looked in {where}); set LADING_VECTORS")
    return vec


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lading-session")


@pytest.fixture(scope="session")
def documents(run_lading, session_dir) -> dict[str, Path]:
    """kind -> path of a deterministic example document made by `lading new`."""
    out = {}
    for kind in DOC_KINDS:
        res = run_lading("new", kind, "--id", DOC_IDS[kind], "--created-at", CREATED_AT)
        assert res.code == 0, f"lading new {kind} failed: {res.stderr}"
        path = session_dir / f"{kind}.json"
        path.write_bytes(res.stdout)
        out[kind] = path
    return out


@pytest.fixture(scope="session")
def lading_key(run_lading, session_dir):
    """lading_key(alg) -> (private_key_path, public_key_path, keyid) generated once per session by lading."""
    cache: dict[str, tuple[Path, Path, str]] = {}

    def get(alg: str):
        if alg not in cache:
            prefix = session_dir / f"lading-{alg}"
            res = run_lading("key", "generate", "--alg", alg, "--out", prefix, "--json")
            assert res.code == 0, f"lading key generate --alg {alg} failed: {res.stderr}"
            keyid = res.json()["keyid"]
            cache[alg] = (Path(f"{prefix}.key"), Path(f"{prefix}.pub"), keyid)
        return cache[alg]

    return get
