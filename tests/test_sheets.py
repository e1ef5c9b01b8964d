"""Blank registration sheets, tested on real output (DESIGN.md §1, §4, §5).

Expected values come from the layout files read with plain PyYAML and the documented
defaults of docs/sheets.md — never from nødkit's own geometry code:
- page size and orientation per layout;
- the number of rows is what the safe area holds at the row height, and the rows drawn are
  whole and evenly spaced;
- every column label, in every language, is in the extracted text and inside the safe area;
- the back-entry column is on every rows sheet (a form gets a back-entry box);
- the QR code decodes at 150 dpi to the plan's fallback URL and is at least 18 mm;
- ruled lines are present in a 150 dpi render; check boxes are vector squares;
- a kind dropped into a temporary layouts folder is built without code changes;
- every layout error is reported with file:line and exit code 2, writing nothing.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
import yaml
from pypdf import PdfReader

from conftest import CONTENT, LAYOUTS, REPO, build, copy_content, decode_qr, pdf_text, render_page, run

MM = 72 / 25.4
SAFE_MM = 10.0
DPI = 150
SHEETS = LAYOUTS / "sheets"
KINDS = sorted(p.stem for p in SHEETS.glob("*.yaml"))
# DESIGN.md §1: the kinds care practice calls for.
DESIGN_KINDS = {"haendelseslog", "beskedark", "medicingivning", "pn-medicin", "besoegsliste", "observationer",
                "borgeroverblik", "signaturliste", "genopretning"}
UNIT = "bakkehuset"
LANGS = ("da", "en")
BACK_ENTRY = {"da": "Indført i {system}: dato / init.", "en": "Entered in {system}: date / init."}
OUTAGE = {"da": "NEDBRUD – PAPIR", "en": "OUTAGE – PAPER"}
PAGE_OF = {"da": ("Side", "af"), "en": ("Page", "of")}

# The defaults of docs/sheets.md, in mm (the contract a layout file is written against).
DEFAULTS = {"margin": 12, "gap": 3, "band_height": 13, "field_height": 11, "column_header_height": 13,
            "row_height": 9, "footer_height": 20, "qr_size": 20, "back_entry_width": 30}
A4 = (210.0, 297.0)
A3 = (297.0, 420.0)
NUMBER_COLUMN_MM = 9
CHECKBOX_MM = 4


# --- reading layouts the plain way ------------------------------------------------------

def _yaml(path: Path):
    return yaml.safe_load(path.read_text("utf-8"))


def layout_of(kind: str, folder: Path = SHEETS) -> dict:
    return _yaml(folder / f"{kind}.yaml")


def mm_of(value) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm|pt|in)\s*", str(value))
    number, unit = float(match[1]), match[2]
    return number * {"mm": 1, "cm": 10, "pt": 25.4 / 72, "in": 25.4}[unit]


def num(layout: dict, key: str) -> float:
    return mm_of(layout[key]) if key in layout else float(DEFAULTS[key])


def page_mm(layout: dict) -> tuple[float, float]:
    page = layout.get("page", {})
    w, h = {"A4": A4, "A3": A3}[page.get("size", "A4")]
    return (h, w) if page.get("orientation", "portrait") == "landscape" else (w, h)


def header_line_count(layout: dict) -> int:
    """Lines of boxes above the table: the unit/date line plus one per distinct header `line` ≥ 1."""
    return 1 + len({f.get("line", 1) for f in layout.get("header", [])} - {0})


def expected_rows(layout: dict) -> int:
    """docs/sheets.md, "How the page is divided", written out."""
    _w, h = page_mm(layout)
    top = num(layout, "margin") + num(layout, "band_height") + num(layout, "gap") \
        + header_line_count(layout) * num(layout, "field_height") + num(layout, "gap") \
        + num(layout, "column_header_height")
    bottom = num(layout, "margin") + num(layout, "footer_height") + num(layout, "gap")
    return math.floor((h - top - bottom) / num(layout, "row_height") + 1e-9)


def is_rows(layout: dict) -> bool:
    return layout.get("type", "rows") == "rows"


def system_name() -> str:
    plan = next(_yaml(p) for p in sorted((CONTENT / "plans").glob("*.yaml")))
    return plan["system"]


def fallback_url() -> str:
    plan = next(_yaml(p) for p in sorted((CONTENT / "plans").glob("*.yaml")))
    return plan["fallback"]["url"]


def label(text: dict, lang: str) -> str:
    return " ".join(text[lang].replace("{system}", system_name()).split())


ROW_KINDS = [k for k in KINDS if is_rows(layout_of(k))]
FORM_KINDS = [k for k in KINDS if not is_rows(layout_of(k))]


# --- the kit under test ----------------------------------------------------------------

@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """One example unit in Danish and English."""
    tmp = tmp_path_factory.mktemp("sheets")
    content = copy_content(tmp)
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    first = text.index("languages: [da]")
    units.write_text(text[:first] + "languages: [da, en]" + text[first + len("languages: [da]"):], "utf-8")
    assert _yaml(units)["units"][0]["id"] == UNIT
    out = tmp / "output"
    result = build(out, "--unit", UNIT, content=content)
    assert result.exit_code == 0, result.output
    return out / UNIT


def pdf_path(kit: Path, kind: str, lang: str = "da") -> Path:
    return kit / f"sheet-{kind}.{lang}.pdf"


WATERMARK_PT = 40  # the example watermark is the only text this large


def words_of(path: Path) -> tuple[list[dict], float, float]:
    """Words on the page, without the diagonal example watermark's letters mixed into them."""
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[0]
        text = page.filter(lambda obj: obj.get("object_type") != "char" or obj["size"] < WATERMARK_PT)
        return text.extract_words(keep_blank_chars=False), float(page.width), float(page.height)


def _lines_and_rects(path: Path):
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[0]
        return list(page.lines), list(page.rects), list(page.chars), float(page.width), float(page.height)


# --- the kinds -----------------------------------------------------------------------------

def test_every_kind_of_the_design_is_a_layout_file_with_danish_and_english():
    assert DESIGN_KINDS <= set(KINDS)
    for kind in KINDS:
        layout = layout_of(kind)
        assert layout["id"] == kind
        texts = [layout["title"]] + [c["label"] for c in layout.get("columns", [])] \
            + [f["label"] for f in layout.get("header", []) + layout.get("footer", [])] \
            + [b["label"] for b in layout.get("boxes", [])]
        for text in texts:
            assert set(LANGS) <= set(text), (kind, text)
    assert FORM_KINDS == ["beskedark"]  # the message form, after ICS 213


def test_every_unit_gets_every_kind_by_default(default_kit):
    manifest = _yaml(default_kit / "manifest.json")
    units = [u["id"] for u in _yaml(CONTENT / "units.yaml")["units"]]
    have = {(e["unit"], e["document"]) for e in manifest["files"]}
    for unit in units:
        for kind in KINDS:
            assert (unit, f"sheet-{kind}") in have


# --- structure ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_page_size_and_orientation_follow_the_layout(kit, kind):
    layout = layout_of(kind)
    for lang in LANGS:
        reader = PdfReader(str(pdf_path(kit, kind, lang)))
        assert len(reader.pages) == 1  # copies are the print pack's business
        box = reader.pages[0].mediabox
        w, h = float(box.width) / MM, float(box.height) / MM
        want = page_mm(layout)
        assert (round(w, 1), round(h, 1)) == want, (kind, lang)
        assert (w > h) == (layout.get("page", {}).get("orientation") == "landscape")
        root = reader.trailer["/Root"]
        assert root["/ViewerPreferences"]["/PrintScaling"] == "/None"


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_are_embedded_and_no_text_is_under_8pt_or_outside_the_safe_area(kit, kind):
    reader = PdfReader(str(pdf_path(kit, kind)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    _lines, _rects, chars, W, H = _lines_and_rects(pdf_path(kit, kind))
    safe = SAFE_MM * MM
    for ch in chars:
        if ch["size"] >= WATERMARK_PT:  # the example watermark: drawn across the page on purpose
            continue
        assert ch["size"] >= 8 - 0.01, (kind, ch["text"], ch["size"])
        assert ch["x0"] >= safe and ch["x1"] <= W - safe and ch["top"] >= safe and ch["bottom"] <= H - safe, \
            (kind, ch["text"])


def test_ink_keeps_out_of_the_ten_millimetre_edge(kit):
    for kind in KINDS:
        image = np.asarray(render_page(pdf_path(kit, kind), dpi=DPI).convert("L"))
        edge = round(SAFE_MM / 25.4 * DPI) - 1
        frame = np.concatenate([image[:edge].ravel(), image[-edge:].ravel(),
                                image[:, :edge].ravel(), image[:, -edge:].ravel()])
        assert frame.min() >= 250, kind


# --- rows ---------------------------------------------------------------------------------

def _table_rules(path: Path, layout: dict) -> tuple[list[float], float, float]:
    """y (mm from the top) of every horizontal rule that spans the table's full width."""
    lines, rects, _chars, W, H = _lines_and_rects(path)
    left, right = num(layout, "margin") * MM, W - num(layout, "margin") * MM
    ys = []
    for ln in lines:
        if abs(ln["top"] - ln["bottom"]) < 0.01 and abs(ln["x0"] - left) < 1 and abs(ln["x1"] - right) < 1:
            ys.append(ln["top"])
    for r in rects:  # the table's frame: its bottom edge closes the last row
        if r["stroke"] and abs(r["x0"] - left) < 1 and abs(r["x1"] - right) < 1 and r["height"] > 40 * MM:
            ys.append(r["bottom"])
    return sorted(round(y / MM, 2) for y in ys), W, H


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_rows_fill_the_safe_area_whole_rows_only(kit, kind):
    layout = layout_of(kind)
    rows = expected_rows(layout)
    rh = num(layout, "row_height")
    assert rows >= 8, kind  # a sheet worth printing
    for lang in LANGS:
        path = pdf_path(kit, kind, lang)
        ys, _W, H = _table_rules(path, layout)
        # the heading's bottom rule, one rule between rows, the frame's bottom: rows + 1, evenly spaced
        steps = np.diff(ys[-(rows + 1):])
        assert len(ys) >= rows + 1, (kind, ys)
        assert np.allclose(steps, rh, atol=0.05), (kind, steps)
        if len(ys) > rows + 1:
            assert abs(ys[-(rows + 2)] - ys[-(rows + 1)] - rh) > 0.05, "more rules than rows"
        # no room for another row above the footer, and nothing in the 10 mm edge
        floor = page_mm(layout)[1] - num(layout, "margin") - num(layout, "footer_height") - num(layout, "gap")
        assert ys[-1] <= floor + 0.01
        assert floor - ys[-1] < rh, "a whole row would still fit"
        assert H / MM - ys[-1] >= SAFE_MM
        # the row numbers, 1 … rows, in the first column
        words, _w, _h = words_of(path)
        numbers = {w["text"] for w in words if w["x0"] < (num(layout, "margin") + NUMBER_COLUMN_MM) * MM
                   and w["text"].isdigit()}
        assert numbers == {str(i) for i in range(1, rows + 1)}, kind


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_label_is_printed_inside_the_safe_area(kit, kind, lang):
    layout = layout_of(kind)
    path = pdf_path(kit, kind, lang)
    text = pdf_text(path)
    words, W, H = words_of(path)
    safe = SAFE_MM * MM
    inside = [w["text"] for w in words
              if w["x0"] >= safe and w["x1"] <= W - safe and w["top"] >= safe and w["bottom"] <= H - safe]
    labels = [c["label"] for c in layout.get("columns", [])] + [b["label"] for b in layout.get("boxes", [])] \
        + [f["label"] for f in layout.get("header", []) + layout.get("footer", [])] + [layout["title"]]
    for item in labels:
        wanted = label(item, lang)
        assert wanted in text, (kind, lang, wanted)
        for word in wanted.split():
            assert word in inside, (kind, lang, word)
    for must in (OUTAGE[lang], *PAGE_OF[lang]):
        assert must in text, (kind, must)
    unit = _yaml(CONTENT / "units.yaml")["units"][0]["name"]
    assert unit in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_back_entry_column_is_on_every_row_sheet(kit, kind, lang):
    layout = layout_of(kind)
    path = pdf_path(kit, kind, lang)
    text = pdf_text(path)
    declared = [c for c in layout.get("columns", []) if c.get("kind") == "entered"]
    wanted = label(declared[0]["label"], lang) if declared else BACK_ENTRY[lang].format(system=system_name())
    assert wanted in text, (kind, lang)
    assert text.count(BACK_ENTRY[lang].format(system=system_name())) == (0 if declared else 1)
    if is_rows(layout) and not declared:
        # the last column, as wide as the documented back_entry_width, right of every declared column
        words, W, _H = words_of(path)
        right = W - num(layout, "margin") * MM
        first = wanted.split()[0]
        hits = [w for w in words if w["text"] == first]
        assert any(w["x0"] >= right - num(layout, "back_entry_width") * MM for w in hits), (kind, hits)


# --- QR, pixels, vector boxes ---------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_the_qr_code_decodes_at_150_dpi_and_is_at_least_18_mm(kit, kind):
    path = pdf_path(kit, kind)
    assert decode_qr(render_page(path, dpi=DPI)) == [fallback_url()]
    _lines, rects, _chars, _W, _H = _lines_and_rects(path)
    quiet = [r for r in rects if r["non_stroking_color"] in ((1, 1, 1), [1, 1, 1], (1.0, 1.0, 1.0))
             and abs(r["width"] - r["height"]) < 0.01 and r["width"] >= 15 * MM]
    assert quiet and max(r["width"] for r in quiet) >= 18 * MM - 0.01


def _dark_lines(image, x0: int, x1: int, threshold: int = 200, share: float = 0.6) -> list[int]:
    """Centres of the thin horizontal lines (≤ 4 px) darker than `threshold` across most of [x0, x1]."""
    grey = np.asarray(image.convert("L"))[:, x0:x1]
    dark = (grey < threshold).mean(axis=1) > share
    centres, start = [], None
    for y, on in enumerate(list(dark) + [False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            if y - start <= 4:
                centres.append((start + y - 1) / 2)
            start = None
    return centres


@pytest.mark.parametrize("kind", KINDS)
def test_ruled_lines_show_in_a_render(kit, kind):
    layout = layout_of(kind)
    image = render_page(pdf_path(kit, kind), dpi=DPI)
    px = DPI / 25.4
    left = round((num(layout, "margin") + 15) * px)
    right = image.width - round((num(layout, "margin") + 15) * px)
    if is_rows(layout):
        lines = _dark_lines(image, left, right, threshold=128)
        rows = expected_rows(layout)
        pitch = num(layout, "row_height") * px
        spaced = [b - a for a, b in zip(lines, lines[1:]) if abs(b - a - pitch) <= 1.5]
        assert len(spaced) >= rows, (kind, len(spaced), rows)
    else:  # the form's boxes: ruled writing lines, `row_height` apart
        lines = _dark_lines(image, left, right, threshold=200)
        assert len(lines) >= 10, (kind, lines)


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_check_boxes_are_drawn_as_vector_squares(kit, kind):
    layout = layout_of(kind)
    columns = [c for c in layout["columns"] if c.get("kind") == "checkbox"]
    header = [f for f in layout.get("header", []) if f.get("kind") == "checkbox"]
    want = sum(max(1, len(c.get("choices", []))) for c in columns) * expected_rows(layout) \
        + sum(max(1, len(f.get("choices", []))) for f in header)
    _lines, rects, chars, _W, _H = _lines_and_rects(pdf_path(kit, kind))
    squares = [r for r in rects if abs(r["width"] - CHECKBOX_MM * MM) < 0.05 and abs(r["height"] - CHECKBOX_MM * MM) < 0.05]
    assert len(squares) == want, kind
    assert not any(ch["text"] in "☐☑☒□" for ch in chars)


# --- units choose their kinds ---------------------------------------------------------------

def _set_unit_key(content: Path, line: str) -> None:
    """Add `line` to the first unit in units.yaml, under its `example:` key."""
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    at = text.index("    example: true")
    units.write_text(text[:at] + f"    {line}\n" + text[at:], "utf-8")


def test_a_unit_gets_only_the_kinds_it_names(tmp_path):
    content = copy_content(tmp_path)
    _set_unit_key(content, "sheets: [haendelseslog, medicingivning]")
    other = _yaml(content / "units.yaml")["units"][1]["id"]
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, "--unit", other, content=content)
    assert result.exit_code == 0, result.output
    have = sorted(p.name for p in (out / UNIT).glob("sheet-*.pdf"))
    assert have == ["sheet-haendelseslog.da.pdf", "sheet-medicingivning.da.pdf"]
    assert len(list((out / other).glob("sheet-*.pdf"))) == len(KINDS)


def test_copies_of_a_sheet_keep_one_page(tmp_path):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    units.write_text(text.replace("copies: {poster-a3: 1, poster-a4: 2}",
                                  "copies: {poster-a3: 1, poster-a4: 2, sheet-medicingivning: 12}", 1), "utf-8")
    assert "sheet-medicingivning: 12" in units.read_text("utf-8")
    out = tmp_path / "out"
    assert build(out, "--unit", UNIT, content=content).exit_code == 0
    assert len(PdfReader(str(out / UNIT / "sheet-medicingivning.da.pdf")).pages) == 1


def test_an_unknown_kind_in_a_unit_is_an_error_with_its_line(tmp_path):
    content = copy_content(tmp_path)
    _set_unit_key(content, "sheets: [haendelseslog, medicin]")
    out = tmp_path / "out"
    result = build(out, content=content)
    assert result.exit_code == 2
    line = _line_of(content / "units.yaml", "sheets: [haendelseslog, medicin]")
    assert f"units.yaml:{line}:" in result.output
    assert "units[0].sheets[1]" in result.output and "unknown sheet kind 'medicin'" in result.output
    assert not out.exists()


# --- a kind without code ----------------------------------------------------------------------

TESTKIND = """\
# a kind that exists only in this test
id: testkind
title: {da: Testark, en: Test sheet}
note: {da: Kun til test., en: For tests only.}
page: {size: A4, orientation: portrait}
row_height: 12mm
header:
  - id: who
    label: {da: Hvem, en: Who}
columns:
  - id: when
    label: {da: Hvornår, en: When}
    kind: time
    width: 1
  - id: what
    label: {da: Hvad skete der, en: What happened}
    width: 3
  - id: ok
    label: {da: I orden, en: OK}
    kind: checkbox
    width: 1.5
    choices:
      - {da: Ja, en: "Yes"}
      - {da: Nej, en: "No"}
"""


def _layouts_with(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "layouts"
    (folder / "sheets").mkdir(parents=True)
    (folder / "sheets" / name).write_text(text, "utf-8")
    return folder


def test_a_kind_dropped_into_a_layouts_folder_is_built_without_code(tmp_path):
    layouts = _layouts_with(tmp_path, "testkind.yaml", TESTKIND)
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, layouts=layouts)
    assert result.exit_code == 0, result.output
    path = out / UNIT / "sheet-testkind.da.pdf"
    layout = yaml.safe_load(TESTKIND)
    text = pdf_text(path)
    for wanted in ("Testark", "Hvem", "Hvornår", "Hvad skete der", "I orden", "Ja", "Nej",
                   BACK_ENTRY["da"].format(system=system_name())):
        assert wanted in text
    ys, _W, _H = _table_rules(path, layout)
    rows = expected_rows(layout)
    assert np.allclose(np.diff(ys[-(rows + 1):]), 12, atol=0.05)
    assert decode_qr(render_page(path, dpi=DPI)) == [fallback_url()]
    # the default kinds are still there, and the manifest knows the new one
    assert len(list((out / UNIT).glob("sheet-*.pdf"))) == len(KINDS) + 1
    manifest = _yaml(out / "manifest.json")
    assert any(e["document"] == "sheet-testkind" for e in manifest["files"])


def test_a_layouts_folder_replaces_a_default_kind_by_file_name(tmp_path):
    text = (SHEETS / "haendelseslog.yaml").read_text("utf-8").replace("Hændelseslog", "Vores logbog")
    layouts = _layouts_with(tmp_path, "haendelseslog.yaml", text)
    out = tmp_path / "out"
    assert build(out, "--unit", UNIT, layouts=layouts).exit_code == 0
    assert "Vores logbog" in pdf_text(out / UNIT / "sheet-haendelseslog.da.pdf")


def test_the_example_in_the_docs_builds(tmp_path):
    docs = (REPO / "docs" / "sheets.md").read_text("utf-8")
    example = re.search(r"```yaml\n(# layouts/sheets/(\S+)\.yaml.*?)```", docs, re.S)
    layouts = _layouts_with(tmp_path, f"{example[2]}.yaml", example[1])
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, layouts=layouts)
    assert result.exit_code == 0, result.output
    assert (out / UNIT / f"sheet-{example[2]}.da.pdf").is_file()


# --- layout errors ----------------------------------------------------------------------------

def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line)


ERRORS = {
    "unknown key": (TESTKIND.replace("row_height: 12mm", "row_hieght: 12mm"), "row_hieght: 12mm",
                    "row_hieght", "unknown key 'row_hieght'; did you mean 'row_height'?"),
    "row height 7 mm": (TESTKIND.replace("row_height: 12mm", "row_height: 7mm"), "row_height: 7mm",
                        "row_height", "7.0mm is under 8mm"),
    "widths that cannot fit": (TESTKIND.replace("    kind: time\n    width: 1", "    kind: time\n    width: 0.3"),
                               "width: 0.3", "columns[0].width", "column 'when' gets"),
    "label under 8pt": (TESTKIND.replace("row_height: 12mm", "row_height: 12mm\nlabel_size: 7"), "label_size: 7",
                        "label_size", "7pt is under the 8pt minimum"),
    "id is not the file name": (TESTKIND.replace("id: testkind", "id: other"), "id: other", "id",
                                "differs from the file name"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_layout_errors_name_file_line_and_field(tmp_path, case):
    text, needle, field, message = ERRORS[case]
    layouts = _layouts_with(tmp_path, "testkind.yaml", text)
    out = tmp_path / "out"
    result = build(out, layouts=layouts)
    assert result.exit_code == 2, result.output
    path = layouts / "sheets" / "testkind.yaml"
    line = _line_of(path, needle)
    assert f"{path}:{line}:" in result.output, result.output
    assert f"{field}: " in result.output and message in result.output, result.output
    assert not out.exists()
    check = run("check", "--content", str(CONTENT), "--layouts", str(layouts))
    assert check.exit_code == 2 and f"{path}:{line}:" in check.output


def test_a_label_missing_for_a_units_language_names_file_line_field_and_language(tmp_path):
    layouts = _layouts_with(tmp_path, "testkind.yaml",
                            TESTKIND.replace("label: {da: Hvad skete der, en: What happened}",
                                             "label: {da: Hvad skete der}"))
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    at = text.index("languages: [da]")
    units.write_text(text[:at] + "languages: [da, en]" + text[at + len("languages: [da]"):], "utf-8")
    out = tmp_path / "out"
    result = build(out, content=content, layouts=layouts)
    assert result.exit_code == 2, result.output
    path = layouts / "sheets" / "testkind.yaml"
    line = _line_of(path, "label: {da: Hvad skete der}")
    assert f"{path}:{line}:" in result.output
    assert "columns[1].label: no label in language 'en'" in result.output
    assert UNIT in result.output
    assert not out.exists()
    # Danish only: nobody asks for English, so the same layout builds
    danish = copy_content(tmp_path / "danish-only")
    units = danish / "units.yaml"
    units.write_text(re.sub(r"languages: \[[^\]]*\]", "languages: [da]", units.read_text("utf-8")), "utf-8")
    plain = build(tmp_path / "da", "--unit", UNIT, content=danish, layouts=layouts)
    assert plain.exit_code == 0, plain.output
