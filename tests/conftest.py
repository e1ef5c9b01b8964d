"""Shared test helpers: build real kits into temporary folders and look at the PDFs.

Everything here works on real output: PDFs written by `nødkit build`, read back with
pypdf/pdfplumber, rendered with pypdfium2 and decoded with zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nødkit.cli import main

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
LAYOUTS = REPO / "layouts"
FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "2026-11-27"
AS_OF_DATE = dt.date(2026, 11, 27)


def run(*args: str, cwd: Path | None = None):
    """Run the CLI in-process; returns click's Result (exit_code, output, stderr)."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, list(args), catch_exceptions=False)


def build(out: Path, *extra: str, content: Path = CONTENT, layouts: Path | None = None, check_agrees: bool = True):
    """`nødkit build` in-process. When a document could not be made, `nødkit check` on the same
    content, layouts and date must have said so too (it draws every document as build does): so
    every failing build of the suite also tests that check predicts it (unless a test takes a
    check out of the build on purpose: `check_agrees=False`)."""
    args = ["build", "--content", str(content), "--out", str(out), "--as-of", AS_OF, *extra]
    if layouts is not None:
        args += ["--layouts", str(layouts)]
    result = run(*args)
    if check_agrees and result.exit_code == 1 and "could not be made" in result.output:
        named = [a for i, a in enumerate(extra) if a in ("--unit", "--lang") or (i and extra[i - 1] in ("--unit",
                                                                                                    "--lang"))]
        checked = run("check", "--content", str(content), "--as-of", AS_OF, "--out", str(out), *named,
                      *(["--layouts", str(layouts)] if layouts is not None else []))
        assert checked.exit_code == 1 and "would not build" in checked.output, \
            f"build failed, check did not:\nbuild: {result.output}\ncheck: {checked.output}"
    return result


def copy_content(tmp_path: Path, source: Path = CONTENT) -> Path:
    target = tmp_path / "content"
    shutil.copytree(source, target)
    return target


def pdf_text(path: Path, page: int | None = None) -> str:
    from pypdf import PdfReader
    reader = PdfReader(str(path))
    pages = reader.pages if page is None else [reader.pages[page]]
    text = "\n".join(p.extract_text() or "" for p in pages)
    return " ".join(text.replace("\u00a0", " ").split())


def render_page(path: Path, page: int = 0, dpi: int = 150):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def decode_qr(image) -> list[str]:
    import zxingcpp
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.fixture(scope="session")
def default_kit(tmp_path_factory) -> Path:
    """The example kit, built once for the whole session."""
    out = tmp_path_factory.mktemp("kit") / "output"
    result = build(out)
    assert result.exit_code == 0, result.output
    return out
