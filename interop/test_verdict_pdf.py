"""The verdict as PDF/A-3b and as HTML, checked by tools that are not Lading's.

`lading demo` makes an evidence bundle and its trust policy; `lading verify --pdf --html` renders
the verdict in English and Chinese. Then:

- qpdf --check: the PDF's structure (xref, objects, streams) is sound;
- pikepdf: the XMP metadata says PDF/A part 3 conformance B; the bundle and verdict.json are
  attachments and associated files of the document (/AF), AFRelationship Source and Data; the
  attached bundle is byte for byte the bundle verified;
- pdffonts: every font is embedded (and subset);
- pdftotext: the Chinese verdict text and the bundle's SHA-256 are extractable;
- pdftoppm: every page renders;
- the same inputs give the same bytes;
- lading verify REPORT.pdf re-verifies the embedded bundle; with the attachment replaced by the
  demo's altered bundle it fails;
- the HTML pages open from disk in Chromium, load nothing, and axe-core finds no serious or
  critical violation.

Not checked: full PDF/A-3 conformance (veraPDF, the reference validator, is not installable from
the registries here). krilla's own PDF/A-3b validator runs when the PDF is written.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from interop_helpers import require_node_packages

REPO = Path(__file__).resolve().parent.parent
CONSOLE_DIR = REPO / "interop" / "console"
AT = "2026-12-05T12:00:00Z"


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing (apt-get install {'qpdf' if name == 'qpdf' else 'poppler-utils'}); scripts/test installs it"
    return path


@pytest.fixture(scope="module")
def demo(run_lading, tmp_path_factory):
    d = tmp_path_factory.mktemp("verdict-pdf")
    r = run_lading("--json", "demo", "--keep", "demo", cwd=d)
    assert r.code == 0, r.stderr
    demo = d / "demo"
    bundle, policy = demo / "trust" / "evidence.lading", demo / "trust" / "policy.json"
    assert bundle.is_file() and policy.is_file()
    out = {}
    for lang in ("en", "zh-CN"):
        pdf, html = d / f"verdict-{lang}.pdf", d / f"verdict-{lang}.html"
        r = run_lading("--json", "verify", str(bundle), "--policy", str(policy), "--at", AT, "--lang", lang,
                       "--pdf", str(pdf), "--html", str(html), cwd=d)
        assert r.code in (0, 1), r.stderr
        out[lang] = (pdf, html, json.loads(r.stdout))
    return d, bundle, policy, out


def test_qpdf_finds_the_structure_sound(demo):
    for pdf, _, _ in demo[3].values():
        p = subprocess.run([tool("qpdf"), "--check", str(pdf)], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "No syntax or stream encoding errors found" in p.stdout, p.stdout


def test_pikepdf_reads_pdfa3b_metadata_and_the_bundle_as_an_associated_file(demo):
    _, bundle, _, out = demo
    for lang, (pdf, _, verdict) in out.items():
        with pikepdf.open(pdf) as doc:
            meta = doc.open_metadata()
            assert meta.get("pdfaid:part") == "3", dict(meta)
            assert meta.get("pdfaid:conformance") == "B", dict(meta)
            attachments = doc.attachments
            assert set(attachments.keys()) == {"evidence.lading", "verdict.json"}, list(attachments.keys())
            carried = attachments["evidence.lading"].get_file().read_bytes()
            assert carried == bundle.read_bytes()
            assert hashlib.sha256(carried).hexdigest() == verdict["bundle"]["sha256"]
            recorded = json.loads(attachments["verdict.json"].get_file().read_bytes())
            assert recorded["verified"] == verdict["verified"] and recorded["lang"] == lang
            af = doc.Root.AF
            relationships = {str(spec.UF): str(spec.AFRelationship) for spec in af}
            assert relationships == {"evidence.lading": "/Source", "verdict.json": "/Data"}, relationships


def test_pdffonts_finds_every_font_embedded(demo):
    for pdf, _, _ in demo[3].values():
        p = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True)
        rows = p.stdout.strip().splitlines()[2:]
        assert rows, p.stdout
        for row in rows:
            # name type encoding emb sub uni object ID: the emb column is the 4th from the right.
            cols = row.split()
            assert cols[-5] == "yes" and cols[-4] == "yes" and cols[-3] == "yes", f"not embedded/subset/unicode: {row}"


def test_pdftotext_extracts_the_chinese_verdict_and_the_bundle_digest(demo):
    pdf, _, verdict = demo[3]["zh-CN"]
    text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert ("验证通过" in squeezed) or ("验证未通过" in squeezed), text[:500]
    assert "证据包核验报告" in squeezed and "检查项" in squeezed
    assert verdict["bundle"]["sha256"] in squeezed
    assert verdict["policy"]["sha256"] in squeezed
    # The English page says it in English.
    pdf_en, _, _ = demo[3]["en"]
    text_en = subprocess.run([tool("pdftotext"), str(pdf_en), "-"], capture_output=True, text=True, check=True).stdout
    assert "VERIFIED" in text_en and "Time of logging" in text_en


def test_pdftoppm_renders_every_page(demo, tmp_path):
    for lang, (pdf, _, _) in demo[3].items():
        with pikepdf.open(pdf) as doc:
            pages = len(doc.pages)
        subprocess.run([tool("pdftoppm"), "-r", "40", "-png", str(pdf), str(tmp_path / lang)], check=True,
                       capture_output=True)
        rendered = sorted(tmp_path.glob(f"{lang}*.png"))
        assert len(rendered) == pages and all(p.stat().st_size > 1000 for p in rendered), rendered


def test_the_same_inputs_give_the_same_bytes(demo, run_lading):
    d, bundle, policy, out = demo
    again = d / "again.pdf"
    r = run_lading("verify", str(bundle), "--policy", str(policy), "--at", AT, "--lang", "zh-CN", "--pdf", str(again),
                   cwd=d)
    assert r.code in (0, 1), r.stderr
    assert again.read_bytes() == out["zh-CN"][0].read_bytes()


def test_lading_verifies_the_pdf_and_a_pdf_with_another_bundle_inside_fails(demo, run_lading, tmp_path):
    d, _, policy, out = demo
    pdf, _, verdict = out["zh-CN"]
    r = run_lading("--json", "verify", str(pdf), "--policy", str(policy), cwd=d)
    reply = json.loads(r.stdout)
    assert reply["pdf"]["visible_verdict_matches"] is True, reply["pdf"]
    assert r.code == (0 if verdict["verified"] else 1), r.stderr
    # The demo's altered copy (the statement's contract number changed) put in the bundle's place.
    altered = (d / "demo" / "trust" / "evidence-altered.lading").read_bytes()
    with pikepdf.open(pdf) as doc:
        for spec in doc.Root.AF:
            if str(spec.UF) == "evidence.lading":
                spec.EF.F.write(altered)
                spec.EF.UF = spec.EF.F
        doc.save(tmp_path / "altered.pdf")
    r = run_lading("--json", "verify", str(tmp_path / "altered.pdf"), "--policy", str(policy), cwd=d)
    reply = json.loads(r.stdout)
    assert r.code == 1 and reply["ok"] is False and reply["verified"] is False, reply
    assert reply["pdf"]["visible_verdict_matches"] is False and reply["pdf"]["mismatches"], reply["pdf"]


def test_the_html_pages_open_offline_in_chromium_without_serious_accessibility_violations(demo):
    node = require_node_packages(CONSOLE_DIR, "npm ci --prefix interop/console", (20, 0), "the verdict page browser tests")
    chromium = os.environ.get("LADING_CHROMIUM") or shutil.which("chromium")
    assert chromium, "chromium is missing (apt-get install chromium); scripts/test installs it"
    shots = REPO / "target" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pages = [str(html) for _, html, _ in demo[3].values()]
    p = subprocess.run([node, str(CONSOLE_DIR / "offline.mjs"), str(shots), *pages], capture_output=True, text=True,
                       timeout=180, env={**os.environ, "LADING_CHROMIUM": chromium})
    assert p.returncode == 0, p.stdout + p.stderr
    report = json.loads(p.stdout.strip().splitlines()[-1])
    assert report["ok"], json.dumps(report, ensure_ascii=False, indent=1)
    langs = {page["lang"] for page in report["pages"]}
    assert langs == {"en", "zh-CN"}
    zh = next(page for page in report["pages"] if page["lang"] == "zh-CN")
    assert "验证" in zh["verdict"] and not re.search(r"[A-Za-z]{4,}", zh["verdict"]), zh


def test_an_inspection_report_as_pdf_shows_every_nonconforming_image_with_its_report_attached(demo, run_lading):
    d = demo[0]
    inspection = d / "demo" / "inspection"
    report = json.loads((inspection / "report.json").read_text())
    failing = [i for i in report["items"] if (i.get("review") or {}).get("verdict", i["verdict"]) == "fail"]
    pdf = d / "inspection-zh.pdf"
    r = run_lading("--json", "inspect", "render", str(inspection / "report.json"), "--images", str(inspection / "lot"),
                   "--pdf", str(pdf), "--lang", "zh-CN", cwd=d)
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["images_embedded"] == len(failing) > 0
    p = subprocess.run([tool("qpdf"), "--check", str(pdf)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    with pikepdf.open(pdf) as doc:
        assert doc.open_metadata().get("pdfaid:part") == "3"
        carried = doc.attachments["inspection-report.json"].get_file().read_bytes()
        assert carried == (inspection / "report.json").read_bytes()
        assert str(doc.Root.AF[0].AFRelationship) == "/Source"
    images = subprocess.run([tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()[2:]) >= len(failing), images
    text = re.sub(r"\s+", "", subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    assert "批次拒收" in text or "批次接收" in text, text[:300]
    assert all(i["image"]["name"] in text for i in failing), text[:500]


@pytest.fixture(scope="module")
def credential_pdfs(demo, run_lading):
    """A certificate and a statement issued again from the demo's files, each with --pdf --lang zh-CN."""
    d = demo[0]
    trust = d / "demo" / "trust"
    r = run_lading("--json", "certify", "issue", "--report", str(trust / "report-maintenance-log.json"),
                   "--key", str(trust / "certifier.key"), "--provider-id", "sz-provider-0001",
                   "--provider-name", "Example Provider", "--out", "cert.json", "--pdf", "cert.pdf",
                   "--lang", "zh-CN", cwd=d)
    assert r.code == 0, r.stderr
    r = run_lading("--json", "statement", "issue", "--deliverable", str(d / "demo" / "fleet-example-de.lading"),
                   "--certificate", "cert.json", "--trust-list", str(trust / "white-list.signed.json"),
                   "--operator-key", str(trust / "authority.pub"), "--entity", "sz-provider-0001",
                   "--client", "Müller GmbH", "--contract", "MSA-1", "--jurisdiction", "DE",
                   "--key", str(d / "demo" / "stream-fleet-example-de.key"), "--out", "statement.json",
                   "--pdf", "statement.pdf", "--lang", "zh-CN", cwd=d)
    assert r.code == 0, r.stderr
    return [(d / "cert.pdf", d / "cert.json", "合格评定证书"), (d / "statement.pdf", d / "statement.json", "合规声明")]


def test_certificate_and_statement_pdfs_are_pdfa3_carrying_the_signed_credential(credential_pdfs):
    """qpdf --check; pikepdf: pdfaid:part 3, the credential as the one /AF (Source), byte for byte;
    pdffonts: every font embedded and subset; pdftotext: the Chinese title and the credential id."""
    for pdf, credential, title in credential_pdfs:
        p = subprocess.run([tool("qpdf"), "--check", str(pdf)], capture_output=True, text=True)
        assert p.returncode == 0 and "No syntax or stream encoding errors found" in p.stdout, p.stdout + p.stderr
        with pikepdf.open(pdf) as doc:
            meta = doc.open_metadata()
            assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "B", dict(meta)
            assert set(doc.attachments.keys()) == {credential.name}, list(doc.attachments.keys())
            assert doc.attachments[credential.name].get_file().read_bytes() == credential.read_bytes()
            relationships = {str(spec.UF): str(spec.AFRelationship) for spec in doc.Root.AF}
            assert relationships == {credential.name: "/Source"}, relationships
        fonts = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.strip().splitlines()[2:]
        assert rows and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in rows), fonts
        text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        squeezed = re.sub(r"\s+", "", text)
        assert title in squeezed, text[:500]
        assert json.loads(credential.read_bytes())["id"] in squeezed, text[:500]
