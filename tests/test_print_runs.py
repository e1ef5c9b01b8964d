"""Print runs across units (issue 15): output/print/ holds one PDF per kind of print job, every
unit's documents in it unit by unit, each unit's part opened by a separator page, the paper
counted. Read back with pikepdf/pypdf and rendered with pypdfium2, on real builds."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from conftest import CONTENT, build, copy_content, pdf_text, render_page
from test_pdf_structure import font_problems, page_mm, undefined_resources

RUNS = {"a3-single-sided": ("A3", 1), "a4-single-sided": ("A4", 1), "a4-double-sided": ("A4", 2),
        "pocket-cards": ("A4", 2)}
# which documents each run holds (the example's layouts)
HOLDS = {"a3-single-sided": {"poster-a3"}, "a4-double-sided": {"plan"}, "pocket-cards": {"pocket-cards"}}
SEPARATOR = "Del stakken her"


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))


def units_of(content: Path = CONTENT) -> list[dict]:
    return yaml.safe_load((content / "units.yaml").read_text("utf-8"))["units"]


def page_texts(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def fingerprint(page) -> str:
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return hashlib.sha256(repr(page_mm(page)).encode() + b"".join(s.read_bytes() for s in streams)).hexdigest()


def test_one_pdf_per_kind_of_print_job_named_in_the_manifest(default_kit):
    runs = manifest(default_kit)["print_runs"]
    assert [r["run"] for r in runs] == list(RUNS)
    for run in runs:
        path = default_kit / run["path"]
        assert path.parent == default_kit / "print"
        assert run["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        pdf = pikepdf.open(path)
        paper, sides = RUNS[run["run"]]
        assert (run["paper"], run["sides"], run["pages"]) == (paper, sides, len(pdf.pages))
        assert run["sheets"] * sides == run["pages"]
        assert run["units"] == [u["id"] for u in units_of()]
        prefs = pdf.Root.ViewerPreferences
        assert prefs.PrintScaling == pikepdf.Name("/None")
        assert prefs.Duplex == (pikepdf.Name.DuplexFlipLongEdge if sides == 2 else pikepdf.Name.Simplex)
        sizes = {tuple(sorted(page_mm(p))) for p in pdf.pages}  # portrait and landscape are the same paper
        assert sizes == {(297.0, 420.0)} if paper == "A3" else {(210.0, 297.0)}, sizes
        assert undefined_resources(pdf) + font_problems(pdf) == []


def test_each_unit_is_opened_by_a_separator_and_holds_its_documents_in_the_copies_asked_for(default_kit):
    files = {(e["unit"], e["document"], e["lang"]): default_kit / e["path"] for e in manifest(default_kit)["files"]}
    units = units_of()
    for run in manifest(default_kit)["print_runs"]:
        path = default_kit / run["path"]
        pdf = pikepdf.open(path)
        texts = page_texts(path)
        duplex = run["sides"] == 2
        separators = [i for i, t in enumerate(texts) if SEPARATOR in t]
        assert len(separators) == len(units), run["run"]
        assert "Udskriv i faktisk størrelse (100 %)" in texts[0]  # the first page: how to print it
        with pdf.open_outline() as outline:
            marks = [(item.title, pdf.pages.index(pikepdf.Page(item.destination[0]))) for item in outline.root]
        assert [m[1] for m in marks[1:]] == separators
        pages = [fingerprint(p) for p in pdf.pages]
        for n, (unit, start) in enumerate(zip(units, separators)):
            end = separators[n + 1] if n + 1 < len(units) else len(pages)
            assert marks[n + 1][0] == unit["name"]
            assert unit["name"] in texts[start] and f"Enhed {n + 1} af {len(units)}" in texts[start]
            if duplex:
                assert start % 2 == 0 and (end - start) % 2 == 0, "a unit's part must start on a front"
            # the unit's documents follow in print order, each copy whole, blank backs only in duplex runs
            body = [p for i, p in enumerate(pages[start + 1:end], start + 1)
                    if not ("Denne side er med vilje tom." == texts[i] and duplex)]
            expected = []
            for lang in unit.get("languages") or ["da"]:
                for document in ("poster-a3", "poster-a4", "binder", "plan", "pocket-cards"):
                    if document in HOLDS.get(run["run"], {"poster-a4", "binder"}) and (unit["id"], document, lang) \
                            in files:
                        copies = 1 if document == "pocket-cards" else unit.get("copies", {}).get(document, 1)
                        expected += [fingerprint(p) for p in pikepdf.open(files[unit["id"], document, lang]).pages] \
                            * copies
            if run["run"] == "a4-single-sided":  # and the registration sheets among them
                assert set(expected) <= set(body) and len(body) > len(expected)
            else:
                assert body == expected, (run["run"], unit["id"])


def test_a3_run_holds_every_a3_poster_in_its_copies(default_kit):
    """lindely asks for two A3 posters, bakkehuset for one: the run holds them, and its paper count says so."""
    run = next(r for r in manifest(default_kit)["print_runs"] if r["run"] == "a3-single-sided")
    copies = sum(u.get("copies", {}).get("poster-a3", 1) * len(u.get("languages") or ["da"]) for u in units_of())
    assert run["sheets"] == 1 + len(units_of()) + copies  # the first page, a separator per unit, the posters


def test_readme_and_first_pages_count_the_paper(default_kit):
    runs = manifest(default_kit)["print_runs"]
    readme = (default_kit / "print" / "README.txt").read_text("utf-8")
    for run in runs:
        assert f"{run['run']}.pdf" in readme
        assert f"Ark {run['paper']}-papir: {run['sheets']}" in pdf_text(default_kit / run["path"], page=0)
        assert re.search(rf"{run['run']}\.pdf.*?Ark {run['paper']}-papir: {run['sheets']};", readme, re.S)
    a3 = sum(r["sheets"] for r in runs if r["paper"] == "A3")
    a4 = sum(r["sheets"] for r in runs if r["paper"] == "A4")
    assert f"Alle udskriftsjob tilsammen: Ark A3-papir: {a3}; Ark A4-papir: {a4}" in readme
    assert "dobbeltsidet" in readme and "lange kant" in readme and "Klip kortene ud" in readme


def test_cover_and_separator_keep_their_ink_inside_the_safe_area(default_kit):
    import numpy as np

    run = next(r for r in manifest(default_kit)["print_runs"] if r["run"] == "a3-single-sided")
    for page in (0, 1):
        image = np.asarray(render_page(default_kit / run["path"], page, dpi=100).convert("L"))
        edge = round(10 / 25.4 * 100)
        border = np.concatenate([image[:edge].ravel(), image[-edge:].ravel(), image[:, :edge].ravel(),
                                 image[:, -edge:].ravel()])
        assert border.min() == 255, f"ink within 10 mm of the edge on page {page + 1}"
        assert (image < 128).mean() > 0.01  # and there is ink: the text; on the separator its band and name


def test_a_run_is_joined_again_only_when_one_of_its_parts_changed(tmp_path, default_kit):
    out = tmp_path / "out"
    shutil.copytree(default_kit, out)
    before = {r["run"]: r for r in manifest(out)["print_runs"]}
    stamps = {r["run"]: (out / r["path"]).stat().st_mtime_ns for r in before.values()}

    def now() -> dict:
        return {r["run"]: (out / r["path"]).stat().st_mtime_ns for r in manifest(out)["print_runs"]}

    assert build(out).exit_code == 0  # nothing changed
    assert now() == stamps
    assert build(out, "--force").exit_code == 0  # every document drawn again, to the same bytes
    assert now() == stamps and {r["run"]: r for r in manifest(out)["print_runs"]} == before

    content = copy_content(tmp_path)
    units = content / "units.yaml"
    units.write_text(units.read_text("utf-8").replace("copies: {poster-a3: 2, poster-a4: 3}",
                                                      "copies: {poster-a3: 3, poster-a4: 3}"), "utf-8")
    result = build(out, content=content)
    assert result.exit_code == 0, result.output
    after = {r["run"]: r for r in manifest(out)["print_runs"]}
    assert after["a3-single-sided"]["sheets"] == before["a3-single-sided"]["sheets"] + 1
    for name, run in after.items():  # lindely's documents all show its new kit version
        assert run["sha256"] != before[name]["sha256"] and now()[name] != stamps[name]
        assert run["sha256"] == hashlib.sha256((out / run["path"]).read_bytes()).hexdigest()


def test_a_partial_build_still_gives_runs_of_every_unit(tmp_path, default_kit):
    out = tmp_path / "out"
    shutil.copytree(default_kit, out)
    assert build(out, "--unit", "bakkehuset", "--force").exit_code == 0
    for run in manifest(out)["print_runs"]:
        assert run["units"] == [u["id"] for u in units_of()]


def test_the_print_folder_is_nodkits_own_and_nothing_else_is_touched(tmp_path, default_kit):
    """The runs are files nødkit wrote (the manifest names them), so a second build replaces them;
    a file an admin put in print/ is not nødkit's, and a hand-edited manifest cannot make a build
    delete anything outside."""
    out = tmp_path / "out"
    shutil.copytree(default_kit, out)
    outside = tmp_path / "keep.pdf"
    outside.write_bytes(b"%PDF- mine")
    data = manifest(out)
    data["print_runs"].append(dict(data["print_runs"][0], path="../keep.pdf"))
    (out / "manifest.json").write_text(json.dumps(data), "utf-8")
    assert build(out, "--force").exit_code == 0
    assert outside.read_bytes() == b"%PDF- mine"
    assert [r["path"] for r in manifest(out)["print_runs"]] == [f"print/{name}.pdf" for name in RUNS]

    (out / "print" / "mine.pdf").write_bytes(b"%PDF- mine")
    refused = build(out)
    assert refused.exit_code != 0 and "print/mine.pdf" in refused.output
    assert build(out, "--allow-other-files").exit_code == 0
    assert (out / "print" / "mine.pdf").read_bytes() == b"%PDF- mine"


def test_a_large_organisations_runs_come_in_parts_numbered_on(tmp_path, monkeypatch):
    """More documents than one file takes (MAX_FILE_BYTES: forty units in one language fit) give
    each run in parts, each unit whole in one of them; the units are numbered across the parts;
    parts no longer needed are removed."""
    import nødkit.print_runs as print_runs

    monkeypatch.setattr(print_runs, "MAX_FILE_BYTES", 1)  # room for one unit at a time
    out = tmp_path / "out"
    assert build(out).exit_code == 0
    runs = manifest(out)["print_runs"]
    ids = [u["id"] for u in units_of()]
    assert [r["run"] for r in runs] == [f"{name}-{i}" for name in RUNS for i in range(1, 6)]
    for name in RUNS:
        parts = [r for r in runs if r["kind"] == name]
        assert [r["units"] for r in parts] == [[i] for i in ids]
        assert [r["part"] for r in parts] == [[i, 5] for i in range(1, 6)]
    second = page_texts(out / "print" / "a3-single-sided-2.pdf")
    assert "A3, enkeltsidet, del 2 af 5" in second[0]
    assert "Enhed 2 af 5" in next(t for t in second if SEPARATOR in t)
    readme = (out / "print" / "README.txt").read_text("utf-8")
    assert all(f"{r['run']}.pdf" in readme for r in runs)
    total = sum(r["sheets"] for r in runs if r["paper"] == "A4")
    assert f"Ark A4-papir: {total}" in readme.splitlines()[-1]

    monkeypatch.setattr(print_runs, "MAX_FILE_BYTES", 25_000_000)
    assert build(out).exit_code == 0
    assert sorted(p.name for p in (out / "print").glob("*.pdf")) == sorted(f"{name}.pdf" for name in RUNS)


def test_a_run_that_cannot_be_made_leaves_the_output_as_it_was(tmp_path, default_kit, monkeypatch):
    """The runs are joined after the documents are in place: a failure there puts them back."""
    import nødkit.print_runs as print_runs
    from nødkit.errors import RenderError

    out = tmp_path / "out"
    shutil.copytree(default_kit, out)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def failing(*args, **kwargs):
        raise RenderError("the list of documents does not fit on the separator page", field="documents")

    monkeypatch.setattr(print_runs, "render_run", failing)
    result = build(out, "--jobs", "1", "--as-of", "2026-11-28")  # another day: every document changes
    assert result.exit_code == 1 and "does not fit on the separator page" in result.output
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
