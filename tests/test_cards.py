"""Pocket cards (issue 3), proven on real output: PDFs built by `nødkit build`, measured
with pdfplumber, rendered with pypdfium2 and decoded with zxing-cpp.

The trim boxes are found from the cut marks alone (not from the layout code), so the
geometry tests would catch a renderer that draws marks somewhere else than it thinks.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import CONTENT, LAYOUTS, build, copy_content, decode_qr, pdf_text, render_page
from pypdf import PdfReader
from reportlab.lib.units import mm

from nødkit.content.load import load_content
from nødkit.i18n import Words
from nødkit.layout import load_layouts
from nødkit.layout.cards import CardsLayout, Misfit, impose

DOC = "pocket-cards"
ID1 = (85.60, 53.98)  # mm
TOLERANCE = 0.2  # mm
SAFE = 10  # mm
UNIT = "bakkehuset"


def _layout() -> CardsLayout:
    return load_layouts([LAYOUTS]).documents[DOC].layout


def _cards_pdf(out: Path, unit: str = UNIT, lang: str = "da") -> Path:
    return out / unit / f"{DOC}.{lang}.pdf"


def _pt(v: float) -> float:
    return v / mm


def _marks(page, layout: CardsLayout) -> tuple[list[dict], list[dict]]:
    """The cut marks on a page: (vertical, horizontal) line segments of the marks' length."""
    length = layout.cut_marks.length
    vertical, horizontal = [], []
    for line in page.lines:
        w, h = line["x1"] - line["x0"], line["bottom"] - line["top"]
        if abs(max(w, h) - length) > 0.05 * mm or abs(line["linewidth"] - layout.cut_marks.weight) > 0.01:
            continue
        (vertical if w < 0.01 else horizontal).append(line)
    return vertical, horizontal


def _cuts(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 0.1:
            out.append(v)
    return out


def trim_boxes(page, layout: CardsLayout) -> list[tuple[float, float, float, float]]:
    """Trim boxes (x0, top, x1, bottom in pt) read from the cut marks alone.

    Vertical marks give the cut lines across, horizontal marks the cut lines down; a
    cell between neighbouring cut lines is a card if it holds text (a gutter holds none).
    """
    vertical, horizontal = _marks(page, layout)
    xs = _cuts([ln["x0"] for ln in vertical])
    ys = _cuts([ln["top"] for ln in horizontal])
    boxes = []
    for x0, x1 in itertools.pairwise(xs):
        for y0, y1 in itertools.pairwise(ys):
            if any(x0 < (c["x0"] + c["x1"]) / 2 < x1 and y0 < (c["top"] + c["bottom"]) / 2 < y1 for c in page.chars):
                boxes.append((x0, y0, x1, y1))
    return boxes


@pytest.fixture(scope="module")
def cards(default_kit) -> Path:
    return _cards_pdf(default_kit)


@pytest.fixture(scope="module")
def layout() -> CardsLayout:
    return _layout()


# --- structure -------------------------------------------------------------------------

def test_every_unit_gets_cards_in_the_manifest(default_kit):
    import json
    manifest = json.loads((default_kit / "manifest.json").read_text("utf-8"))
    units = {e["unit"] for e in manifest["files"]}
    cards = {e["unit"]: e for e in manifest["files"] if e["document"] == DOC}
    assert set(cards) == units
    assert all(e["pages"] == 2 for e in cards.values())  # no copy count: one sheet, front and back


def test_structure(cards):
    reader = PdfReader(str(cards))
    assert len(reader.pages) == 2
    for page in reader.pages:
        box = page.mediabox
        assert (round(_pt(float(box.width)), 1), round(_pt(float(box.height)), 1)) == (210.0, 297.0)
    prefs = reader.trailer["/Root"]["/ViewerPreferences"]
    assert prefs["/PrintScaling"] == "/None"
    assert prefs["/Duplex"] == "/DuplexFlipLongEdge"
    data = cards.read_bytes()
    assert b"Helvetica" not in data
    fonts = set()
    for page in reader.pages:
        for form in page["/Resources"]["/XObject"].values():
            for font in form.get_object()["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
                    else font["/FontDescriptor"]
                assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]
                fonts.add(font["/BaseFont"])
    assert fonts and all(re.match(r"/[A-Z]{6}\+", f) for f in fonts)  # subset


def test_default_layout_fits_eight_cards(layout):
    placed = impose(layout)
    assert not isinstance(placed, Misfit)
    assert (placed.columns, placed.rows) == (2, 4)
    # a fifth row would not fit: 5 × 53.98mm alone nearly fills the 277mm between the margins
    assert isinstance(impose(layout.model_copy(update={"rows": 5})), Misfit)


# --- geometry --------------------------------------------------------------------------

def test_trim_boxes_from_cut_marks_are_id1(cards, layout):
    with pdfplumber.open(cards) as pdf:
        for page in pdf.pages:
            boxes = trim_boxes(page, layout)
            assert len(boxes) == 8
            for x0, y0, x1, y1 in boxes:
                assert abs(_pt(x1 - x0) - ID1[0]) <= TOLERANCE
                assert abs(_pt(y1 - y0) - ID1[1]) <= TOLERANCE


def test_cut_marks_stay_off_every_card(cards, layout):
    with pdfplumber.open(cards) as pdf:
        for page in pdf.pages:
            boxes = trim_boxes(page, layout)
            vertical, horizontal = _marks(page, layout)
            for mark in vertical + horizontal:
                for x0, y0, x1, y1 in boxes:
                    inside_x = mark["x1"] > x0 - 0.01 and mark["x0"] < x1 + 0.01
                    inside_y = mark["bottom"] > y0 - 0.01 and mark["top"] < y1 + 0.01
                    assert not (inside_x and inside_y), f"cut mark {mark['x0']:.1f},{mark['top']:.1f} touches a card"
            # two marks on one cut line never run together into what looks like one long mark
            for marks, along, across in ((vertical, "top", "x0"), (horizontal, "x0", "top")):
                ends = "bottom" if along == "top" else "x1"
                for m1 in marks:
                    for m2 in marks:
                        if m1 is not m2 and abs(m1[across] - m2[across]) < 0.01 and m1[along] <= m2[along]:
                            assert _pt(m2[along] - m1[ends]) >= 0.5
            # every corner of every card is marked in both directions
            for x0, y0, x1, y1 in boxes:
                for x in (x0, x1):
                    assert any(abs(m["x0"] - x) < 0.05 for m in vertical)
                for y in (y0, y1):
                    assert any(abs(m["top"] - y) < 0.05 for m in horizontal)


def test_backs_mirror_fronts_for_long_edge_duplex(cards, layout):
    with pdfplumber.open(cards) as pdf:
        width = float(pdf.pages[0].width)
        fronts = trim_boxes(pdf.pages[0], layout)
        backs = trim_boxes(pdf.pages[1], layout)
    assert len(fronts) == len(backs) == 8
    centre = [((x0 + x1) / 2, (y0 + y1) / 2) for x0, y0, x1, y1 in backs]
    for x0, y0, x1, y1 in fronts:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        nearest = min(math.dist((width - cx, cy), b) for b in centre)
        assert _pt(nearest) <= TOLERANCE


def test_no_ink_within_10mm_of_the_edge(cards):
    edge = SAFE * mm
    with pdfplumber.open(cards) as pdf:
        for page in pdf.pages:
            w, h = float(page.width), float(page.height)
            for obj in page.chars + page.lines + page.rects + page.curves:
                assert obj["x0"] >= edge - 0.01 and obj["x1"] <= w - edge + 0.01, obj
                assert obj["top"] >= edge - 0.01 and obj["bottom"] <= h - edge + 0.01, obj
    dpi = 150
    band = int(SAFE / 25.4 * dpi) - 1  # pixels entirely inside the 10mm edge
    for index in (0, 1):
        image = render_page(cards, index, dpi=dpi).convert("L")
        w, h = image.size
        for region in ((0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)):
            assert image.crop(region).getextrema()[0] >= 250, f"ink in the edge {region} on page {index + 1}"


# --- QR --------------------------------------------------------------------------------

def test_every_card_qr_decodes_to_the_content_url(cards, layout):
    url = load_content(CONTENT).plans["nexus"].fallback.url
    dpi = 150
    image = render_page(cards, 0, dpi=dpi)
    k = dpi / 72
    with pdfplumber.open(cards) as pdf:
        boxes = trim_boxes(pdf.pages[0], layout)
    assert len(boxes) == 8
    for x0, y0, x1, y1 in boxes:
        card = image.crop((int(x0 * k), int(y0 * k), math.ceil(x1 * k), math.ceil(y1 * k)))
        assert decode_qr(card) == [url]


def test_qr_size_and_module(cards, layout):
    with pdfplumber.open(cards) as pdf:
        rects = pdf.pages[0].rects
    # the white square behind each code is the code with its quiet zone
    white = [r for r in rects if r["non_stroking_color"] in ((1, 1, 1), (1.0, 1.0, 1.0), [1, 1, 1])
             and abs(r["width"] - r["height"]) < 0.01]
    assert len(white) == 8
    assert all(_pt(r["width"]) >= 18 - 1e-6 for r in white)
    modules = [r for r in rects if r["non_stroking_color"] in ((0, 0, 0), (0.0, 0.0, 0.0), [0, 0, 0])
               and _pt(r["height"]) < 2]
    assert modules and _pt(min(r["height"] for r in modules)) >= 0.4


# --- text ------------------------------------------------------------------------------

def test_card_text_holds_numbers_in_national_format(cards):
    content = load_content(CONTENT)
    words = Words("da", content.organisation.region)
    unit = content.unit(UNIT)
    front = pdf_text(cards, 0)
    back = pdf_text(cards, 1)
    expected = [words.phone(p) for c in content.plans["nexus"].contacts
                for p in content.contacts[c].phones] + [words.phone(unit.leader.phone)]
    assert "72 36 14 77" in expected  # the seed's NEXUS team, as a person would write it
    for number in expected:
        assert front.count(number) == 8, number
    assert front.count("I arbejdstiden mandag–fredag 07.00–15.30") == 8
    assert front.count(content.plans["nexus"].fallback.url) == 8
    assert "Udskriv i faktisk størrelse (100 %), dobbeltsidet, vend på den lange kant." in front
    assert back.count(unit.name) == 8
    assert back.count("https://nemadgang.holb.dk/") == 8
    assert len(re.findall(r"Kit-version [0-9a-f]{8}", back)) == 8
    assert back.count("1. Ring til andre botilbud") == 8


_PHONE = re.compile(r"\d\d[\u00a0 ]\d\d[\u00a0 ]\d\d[\u00a0 ]\d\d")


def test_type_sizes(cards):
    with pdfplumber.open(cards) as pdf:
        for page in pdf.pages:
            chars = page.chars
            assert min(c["size"] for c in chars) >= 7 - 0.01
            text = "".join(c["text"] for c in chars)  # content-stream order: a drawn string stays together
            numbers = list(_PHONE.finditer(text))
            if page.page_number == 1:
                assert len(numbers) == 8 * 4
            for match in numbers:
                for c in chars[match.start():match.end()]:
                    if c["text"].isdigit():
                        assert c["size"] >= 9 - 0.01 and "Bold" in c["fontname"], (match.group(), c["size"])


def test_check_bar_is_50mm_and_says_so(cards, layout):
    with pdfplumber.open(cards) as pdf:
        for page in pdf.pages:
            bars = [ln for ln in page.lines if abs(ln["bottom"] - ln["top"]) < 0.01
                    and abs(_pt(ln["x1"] - ln["x0"]) - _pt(layout.check_bar.length)) < 0.05]
            assert len(bars) == 1
            bar = bars[0]
            # the end ticks stand on the bar's ends
            ticks = [ln for ln in page.lines
                     if abs(ln["x1"] - ln["x0"]) < 0.01 and ln["top"] < bar["top"] < ln["bottom"]]
            assert sorted(round(t["x0"], 2) for t in ticks) == [round(bar["x0"], 2), round(bar["x1"], 2)]
    assert "Denne linje er 50 mm lang." in pdf_text(cards, 0)
    assert "Denne linje er 50 mm lang." in pdf_text(cards, 1)
    assert _pt(layout.check_bar.length) == pytest.approx(50)


def test_example_units_carry_the_watermark_on_every_card(cards):
    for page in (0, 1):
        assert pdf_text(cards, page).count("EKSEMPEL – ikke til brug") == 8


# --- copies ----------------------------------------------------------------------------

def test_copies_count_cards_and_make_whole_sheets(tmp_path):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    start = text.index(f"- id: {UNIT}")
    block_end = text.index("\n\n", start)
    block = text[start:block_end]
    if "copies:" in block:
        block = re.sub(r"copies: \{", f"copies: {{{DOC}: 12, ", block)
    else:
        block += f"\n    copies: {{{DOC}: 12}}"
    units.write_text(text[:start] + block + text[block_end:], "utf-8")
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, content=content)
    assert result.exit_code == 0, result.output
    pdf = _cards_pdf(out)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 4  # 12 cards at 8 a sheet: 2 sheets, front and back each
    labels = [pdf_text(pdf, i) for i in range(4)]
    # front, back, front, back: a duplex printer puts each back behind its own front
    assert "Forsider · ark 1 af 2" in labels[0]
    assert "Bagsider · ark 1 af 2" in labels[1]
    assert "Forsider · ark 2 af 2" in labels[2]
    assert "Bagsider · ark 2 af 2" in labels[3]
    layout = _layout()
    with pdfplumber.open(pdf) as doc:
        assert [len(trim_boxes(p, layout)) for p in doc.pages] == [8, 8, 8, 8]  # every place filled


def test_real_units_have_no_watermark(tmp_path):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    start = text.index(f"- id: {UNIT}")
    end = text.index("example: true", start)
    units.write_text(text[:end] + "example: false" + text[end + len("example: true"):], "utf-8")
    out = tmp_path / "out"
    assert build(out, "--unit", UNIT, content=content).exit_code == 0
    assert "EKSEMPEL" not in pdf_text(_cards_pdf(out))


def test_same_input_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert build(tmp_path / name, "--unit", UNIT).exit_code == 0
    assert _cards_pdf(tmp_path / "a").read_bytes() == _cards_pdf(tmp_path / "b").read_bytes()


# --- bad input -------------------------------------------------------------------------

def test_too_long_step_fails_naming_the_field(tmp_path):
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    text = plan.read_text("utf-8")
    first = "Ring til andre botilbud og hør, hvor stort nedbruddet er."
    assert first in text
    # beyond what a card can hold even alone (a card leaves out its last steps before this one)
    plan.write_text(text.replace(first, " ".join(["Ring til alle de andre botilbud i kommunen."] * 40), 1), "utf-8")
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, content=content)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if f"{UNIT}/{DOC}/da" in ln]
    assert lines and "field plan.steps[0]" in lines[0], result.output
    assert not out.exists()


def test_too_long_url_for_the_card_qr_fails_naming_the_field(tmp_path):
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    url = "http://holbaek.nexus.kmd.dk"
    long_url = "https://holbaek.nexus.kmd.dk/" + "/".join(["fallback-login"] * 9)
    plan.write_text(plan.read_text("utf-8").replace(f"url: {url}", f"url: {long_url}", 1), "utf-8")
    result = build(tmp_path / "out", "--unit", UNIT, content=content)
    # refused with the content, before anything is drawn (issue 14), as `check` refuses it
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if re.search(r"nexus\.yaml:\d+:\d+: fallback\.url: ", ln)]
    assert lines and DOC in lines[0] and "holds at most 106 bytes" in lines[0], result.output


def _override(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A layouts folder whose pocket-cards.yaml changes one line; -> (folder, that line's number)."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    text = (LAYOUTS / f"{DOC}.yaml").read_text("utf-8")
    lines = text.splitlines()
    index = next(i for i, ln in enumerate(lines) if ln.startswith(old))
    lines[index] = new
    (folder / f"{DOC}.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder, index + 1


@pytest.mark.parametrize(("old", "new", "field"), [
    ("rows:", "rows: 5", "rows"),
    ("columns:", "columns: 3", "columns"),
    ("gutter:", "gutter: {x: 4mm, y: 10mm}", "gutter.x"),  # marks of both neighbours need 10mm
    ("strip:", "strip: {height: 230mm, gap: 3mm}", "rows"),  # auto rows, and not even one fits
    ("margin:", "margin: 8mm", "margin"),
    ("qr_size:", "qr_size: 15mm", "qr_size"),
])
def test_layout_that_cannot_fit_fails_with_file_and_line(tmp_path, old, new, field):
    folder, line = _override(tmp_path, old, new)
    if field == "rows" and not new.startswith("rows:"):
        # with `rows: auto` the misfit is reported at the rows key, which says why
        line = next(i for i, ln in enumerate((folder / f"{DOC}.yaml").read_text("utf-8").splitlines(), 1)
                    if ln.startswith("rows:"))
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, layouts=folder)
    assert result.exit_code == 2, result.output
    assert f"{DOC}.yaml:{line}:" in result.output and f"{field}:" in result.output, result.output
    assert not out.exists()


def test_type_below_the_print_rule_is_refused(tmp_path):
    folder, line = _override(tmp_path, "  number:", "  number:  {max: 12, min: 8}")
    result = build(tmp_path / "out", "--unit", UNIT, layouts=folder)
    assert result.exit_code == 2
    assert f"{DOC}.yaml:{line}:" in result.output and "sizes.number.min" in result.output
