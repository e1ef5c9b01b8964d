"""The wall poster, tested on real output in the layers of DESIGN.md §5.

1. structure: page count, MediaBox in mm, fonts embedded and subset, no standard-14 font,
   /PrintScaling /None, metadata;
2. text: every fact of the seed in its Danish format, maintenance dates computed here
   independently, the example watermark, the safe area, the minimum font sizes;
3. QR: a 150 dpi render decodes to the content's own fallback URL — also for a made-up
   second municipality (tests/fixtures/other-municipality) that must show none of Holbæk's facts;
4. determinism: a second build in another process gives byte-identical files, and the
   manifest describes the files as they are.

Expected values come from the seed plan (written out here) or from the content YAML read
with plain PyYAML — never from the program's own output.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import (AS_OF, AS_OF_DATE, CONTENT, FIXTURES, LAYOUTS, build, copy_content, decode_qr, pdf_text,
                      render_page, run)

MM = 72 / 25.4  # points per millimetre
SAFE_MM = 10.0
PAGE_MM = {"poster-a3": (297.0, 420.0), "poster-a4": (210.0, 297.0)}
POSTERS = tuple(PAGE_MM)
OTHER = FIXTURES / "other-municipality"

# DESIGN.md §4: the smallest sizes a poster may print at (pt).
MINIMUM = {
    "poster-a3": {"title": 60, "step": 20, "number": 28, "text": 14, "footer": 9},
    "poster-a4": {"title": 40, "step": 14, "number": 20},
}
STANDARD_14 = ("Helvetica", "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Courier",
               "Symbol", "ZapfDingbats")

# The facts of shared/seed/it-nedbrud-nexus.txt that a poster shows, in the Danish formats.
SEED_NUMBERS = ("72 36 14 48", "72 36 12 34", "72 36 14 77")
SEED_FACTS = (
    "http://holbaek.nexus.kmd.dk",  # the fallback link
    "nexus-drift@holb.dk",  # the NEXUS team's mailbox
    "https://nemadgang.holb.dk/",  # forgotten password
    "mandag–fredag 07.00–15.30",  # "hverdage ml. kl. 7-15.30"
    "8. september 2022",  # approved
    "9. september 2022",  # last updated (09.09.2022)
    "Lise Kemp",
    "Charlotte Heding",
    "AMK",
)
WATERMARK = "EKSEMPEL – ikke til brug"
# What no other municipality's poster may print: Holbæk's numbers, addresses and names (and its
# system: the made-up municipality's plans are for Cura and Bosted).
HOLBAEK = ("Holbæk", "Holbaek", "holbaek", "holb.dk", "72 36", "Lise Kemp", "Charlotte Heding", "nexus-drift",
           "nemadgang", "HolBækken", "Nexus", "KMD", "Social Indsats")


# --- reading content the plain way (not through nødkit) ---------------------------------

def _yaml(path: Path):
    return yaml.safe_load(path.read_text("utf-8"))


def txt(value, lang: str = "da") -> str:
    """A content text: plain (in the default language, here da) or a mapping language -> text."""
    return value[lang] if isinstance(value, dict) else value


def units_of(content: Path) -> list[dict]:
    return _yaml(content / "units.yaml")["units"]


def plans_of(content: Path) -> dict[str, dict]:
    return {p["id"]: p for p in (_yaml(f) for f in sorted((content / "plans").glob("*.yaml")))}


def national(number: str) -> str:
    """A Danish number as the seed prints it: four groups of two digits."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("45") and len(digits) == 10:
        digits = digits[2:]
    assert len(digits) == 8, number
    return " ".join(digits[i:i + 2] for i in range(0, 8, 2))


def nth_weekday_dates(after: dt.date, weekday: int, nth: int, count: int) -> list[dt.date]:
    """The next `count` dates on or after `after` that are the nth `weekday` of their month."""
    out: list[dt.date] = []
    year, month = after.year, after.month
    while len(out) < count:
        days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
        day = days[nth - 1]
        if day >= after:
            out.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def danish_short(day: dt.date) -> str:
    """'22. dec. 2026': day, the CLDR abbreviated month name, year."""
    from babel.dates import get_month_names
    return f"{day.day}. {get_month_names('abbreviated', locale='da')[day.month]} {day.year}"


def danish_long(day: dt.date) -> str:
    """'27. november 2026'."""
    from babel.dates import get_month_names
    return f"{day.day}. {get_month_names('wide', locale='da')[day.month]} {day.year}"


def layout_value(document: str, key: str, default):
    data = _yaml(LAYOUTS / f"{document}.yaml")
    return data.get(key, default)


DEFAULT_UNITS = [u["id"] for u in units_of(CONTENT)]
DEFAULT_POSTERS = [(u, d) for u in DEFAULT_UNITS for d in POSTERS]
DEFAULT_PLAN = next(iter(plans_of(CONTENT).values()))


def poster_path(kit: Path, unit: str, document: str) -> Path:
    path = kit / unit / f"{document}.da.pdf"
    assert path.is_file(), f"{path} was not built"
    return path


def ids(params):
    return [f"{u}/{d}" for u, d in params]


# --- PDF helpers -------------------------------------------------------------------------

def _walk(obj, seen: set[tuple[int, int]], found: list):
    """Every dictionary reachable from `obj` (following indirect references once)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        found.append(obj)
        for value in obj.values():
            _walk(value, seen, found)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _walk(value, seen, found)


def all_dicts(reader) -> list:
    found: list = []
    _walk(reader.trailer, set(), found)
    return found


def matches(page, text: str) -> list[dict]:
    """pdfplumber matches of `text`, any run of spaces/no-break spaces/line breaks between words."""
    pattern = r"[\s\u00a0]+".join(re.escape(w) for w in text.split())
    return page.search(pattern, regex=True, return_chars=True)


def unrotated(page):
    """The page without rotated text (the diagonal watermark runs through other lines' text)."""
    return page.filter(lambda obj: obj.get("object_type") != "char" or abs(obj["matrix"][1]) < 1e-6)


def steps_column(page, document: str):
    """The left column (DESIGN.md poster anatomy): everything left of the "call now" heading that
    opens the right column (its width follows what the columns hold), cropped so that a step
    wrapping over several lines reads as one text, not interleaved with the right column."""
    heading = page.search(r"Ring nu|Call now", regex=True)  # a step may say it too: the heading is rightmost
    assert heading, "no 'call now' heading"
    return page.crop((0, 0, max(h["x0"] for h in heading) - 0.5, float(page.height)))


def ink_chars(match: dict) -> list[dict]:
    return [c for c in match["chars"] if c["text"].strip() and c["text"] != "\u00a0"]


# --- 1. structure ------------------------------------------------------------------------

@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_page_is_exactly_the_paper_size(default_kit, unit, document):
    from pypdf import PdfReader
    reader = PdfReader(poster_path(default_kit, unit, document))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    box = page.mediabox
    width, height = float(box.width) / MM, float(box.height) / MM
    want_w, want_h = PAGE_MM[document]
    assert (float(box.left), float(box.bottom)) == (0.0, 0.0)
    assert abs(width - want_w) <= 0.1 and abs(height - want_h) <= 0.1, (width, height)
    assert page.get("/Rotate", 0) == 0  # portrait as drawn, not rotated by the viewer
    if "/CropBox" in page:
        crop = page.cropbox
        assert (float(crop.width), float(crop.height)) == (float(box.width), float(box.height))


@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_fonts_are_embedded_subset_truetype_and_no_standard_font(default_kit, unit, document):
    from pypdf import PdfReader
    path = poster_path(default_kit, unit, document)
    reader = PdfReader(path)
    fonts = [d for d in all_dicts(reader) if d.get("/Type") == "/Font"]
    assert fonts, "no font dictionaries found"
    for font in fonts:
        base = str(font.get("/BaseFont", ""))
        assert not any(base.lstrip("/").split("+")[-1] == name for name in STANDARD_14), base
        descendants = font.get("/DescendantFonts")
        descriptors = [font.get("/FontDescriptor")] if descendants is None else \
            [d.get_object().get("/FontDescriptor") for d in descendants]
        for descriptor in descriptors:
            assert descriptor is not None, f"{base}: no FontDescriptor (not embedded)"
            descriptor = descriptor.get_object()
            assert "/FontFile2" in descriptor, f"{base}: no embedded TrueType program (FontFile2)"
        assert re.match(r"^/[A-Z]{6}\+", base), f"{base}: not subset"
    # ... and no standard font named anywhere, not even in an unused resource or a content stream
    raw = path.read_bytes()
    streams = b"".join(p.get_contents().get_data() for p in reader.pages if p.get_contents() is not None)
    for name in STANDARD_14:
        assert f"/{name}".encode() not in raw
        assert f"/{name}".encode() not in streams


@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_print_scaling_none_and_metadata(default_kit, unit, document):
    from pypdf import PdfReader
    reader = PdfReader(poster_path(default_kit, unit, document))
    prefs = reader.trailer["/Root"]["/ViewerPreferences"].get_object()
    assert prefs["/PrintScaling"] == "/None"
    unit_data = next(u for u in units_of(CONTENT) if u["id"] == unit)
    plan = plans_of(CONTENT)[unit_data["plan"]]
    meta = reader.metadata
    assert meta is not None
    assert txt(plan["title"]) in meta.title and unit_data["name"] in meta.title, meta.title
    assert meta.author == txt(_yaml(CONTENT / "organisation.yaml")["name"])


# --- 2. text -----------------------------------------------------------------------------

@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_every_seed_fact_is_printed_in_danish_format(default_kit, unit, document):
    text = pdf_text(poster_path(default_kit, unit, document))
    missing = [fact for fact in SEED_NUMBERS + SEED_FACTS if fact not in text]
    assert not missing, f"not on the poster: {missing}"
    assert "+45" not in text  # national format: Danish numbers without the country code
    # the unit's own block: its name, address, leader and numbers, and its neighbours' numbers
    units = {u["id"]: u for u in units_of(CONTENT)}
    me = units[unit]
    for fact in [me["name"], me["address"], national(me["phone"]), national(me["leader"]["phone"])]:
        assert fact in text
    for neighbour in me.get("neighbours", []):  # (their names: see the xfail test below)
        assert national(units[neighbour]["phone"]) in text
    # and the kit is printed for the as-of date
    assert danish_long(AS_OF_DATE) in text


@pytest.mark.parametrize("document", POSTERS)
def test_next_maintenance_dates_are_the_4th_tuesdays_after_as_of(default_kit, document):
    text = pdf_text(poster_path(default_kit, DEFAULT_UNITS[0], document))
    assert DEFAULT_PLAN["maintenance"]["rrule"] == "FREQ=MONTHLY;BYDAY=+4TU"  # the seed's rule
    count = layout_value(document, "maintenance_dates", 6)
    assert count >= 1
    expected = nth_weekday_dates(AS_OF_DATE, calendar.TUESDAY, 4, count)
    assert expected[0] == dt.date(2026, 12, 22)  # the computation itself, checked by hand once
    for day in expected:
        assert danish_short(day) in text, f"{day} missing"
    # no date before as-of (24 November 2026 is November's 4th Tuesday) and none beyond the count
    assert danish_short(dt.date(2026, 11, 24)) not in text
    after = nth_weekday_dates(expected[-1] + dt.timedelta(days=1), calendar.TUESDAY, 4, 1)[0]
    assert danish_short(after) not in text


@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_example_units_carry_the_watermark(default_kit, unit, document):
    assert next(u for u in units_of(CONTENT) if u["id"] == unit).get("example") is True
    assert WATERMARK in pdf_text(poster_path(default_kit, unit, document))


def test_a_real_unit_has_no_watermark(tmp_path):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    units.write_text(text.replace("    example: true", "    example: false", 1), "utf-8")
    real = units_of(content)[0]
    assert real["example"] is False and all(u["example"] for u in units_of(content)[1:])
    out = tmp_path / "out"
    result = build(out, "--unit", real["id"], content=content)
    assert result.exit_code == 0, result.output
    for document in POSTERS:
        text = pdf_text(out / real["id"] / f"{document}.da.pdf")
        assert real["name"] in text  # the text was read at all
        assert "EKSEMPEL" not in text and "ikke til brug" not in text


@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_no_character_or_shape_inside_the_10mm_edge(default_kit, unit, document):
    import pdfplumber
    with pdfplumber.open(poster_path(default_kit, unit, document)) as pdf:
        page = pdf.pages[0]
        edge = SAFE_MM * MM
        w, h = float(page.width), float(page.height)
        assert page.chars
        outside = [c["text"] for c in page.chars
                   if c["x0"] < edge or c["x1"] > w - edge or c["top"] < edge or c["bottom"] > h - edge]
        assert not outside, f"characters within {SAFE_MM} mm of the edge: {outside[:20]}"
        shapes = page.rects + page.lines + page.curves
        assert shapes
        outside = [(s["x0"], s["top"], s["x1"], s["bottom"]) for s in shapes
                   if s["x0"] < edge or s["x1"] > w - edge or s["top"] < edge or s["bottom"] > h - edge]
        assert not outside, f"shapes within {SAFE_MM} mm of the edge: {outside[:5]}"


@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_no_ink_in_the_10mm_border_of_a_render(default_kit, unit, document):
    import numpy as np
    dpi = 100
    pixels = np.asarray(render_page(poster_path(default_kit, unit, document), 0, dpi))
    height, width = pixels.shape[:2]
    want_w, want_h = PAGE_MM[document]
    assert abs(width - want_w / 25.4 * dpi) <= 2 and abs(height - want_h / 25.4 * dpi) <= 2
    border = int(SAFE_MM / 25.4 * dpi)  # whole pixels that lie inside the 10 mm
    ink = pixels.min(axis=2) < 255
    assert ink[border:-border, border:-border].any(), "the page is blank"
    frame = ink.copy()
    frame[border:-border, border:-border] = False
    ys, xs = np.nonzero(frame)
    assert not len(ys), f"{len(ys)} inked pixels in the border, e.g. at {list(zip(xs[:5], ys[:5]))}"


def _footer_top(page, facts: list[str]) -> float:
    """Top of the footer block: the highest line that carries one of the footer's facts."""
    tops = [min(c["top"] for c in m["chars"]) for fact in facts for m in matches(page, fact)]
    assert tops, f"footer facts not found: {facts}"
    return min(tops)


@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_font_sizes_meet_the_print_rules(default_kit, unit, document):
    import pdfplumber
    rule = MINIMUM[document]
    plan = plans_of(CONTENT)[next(u for u in units_of(CONTENT) if u["id"] == unit)["plan"]]
    units = {u["id"]: u for u in units_of(CONTENT)}
    me = units[unit]
    numbers = list(SEED_NUMBERS) + [national(me["phone"]), national(me["leader"]["phone"])] + \
        [national(units[n]["phone"]) for n in me.get("neighbours", [])]
    with pdfplumber.open(poster_path(default_kit, unit, document)) as pdf:
        page = unrotated(pdf.pages[0])
        title = matches(page, txt(plan["title"]))
        assert title, "title not found"
        sizes = [c["size"] for m in title for c in ink_chars(m)]
        assert min(sizes) >= rule["title"] - 0.01, f"title at {min(sizes):.1f} pt"
        for number in numbers:
            found = matches(page, number)
            assert found, f"{number} not found"
            for m in found:
                for c in ink_chars(m):
                    assert c["size"] >= rule["number"] - 0.01, f"{number} at {c['size']:.1f} pt"
                    assert "Bold" in c["fontname"], f"{number} in {c['fontname']}"
        column = steps_column(page, document)
        for step in map(txt, plan["steps"]):
            found = matches(column, step)
            assert found, f"step not found: {step}"
            small = [c["size"] for m in found for c in ink_chars(m) if c["size"] < rule["step"] - 0.01]
            assert not small, f"step {step!r} at {min(small):.1f} pt"
        if "text" in rule:
            revision = plan["revision"]
            top = _footer_top(page, [txt(revision["editor"]), txt(revision["approved_by"])])
            body = [c for c in page.chars if c["text"].strip() and c["top"] < top - 0.5]
            footer = [c for c in page.chars if c["text"].strip() and c["top"] >= top - 0.5]
            assert footer and body
            # the footer is the bottom of the page: nothing else below it
            assert max(c["bottom"] for c in footer) >= max(c["bottom"] for c in body if c["upright"])
            small = sorted({(round(c["size"], 1), c["text"]) for c in body if c["size"] < rule["text"] - 0.01})
            assert not small, f"text under {rule['text']} pt outside the footer: {small[:10]}"
            small = sorted({round(c["size"], 1) for c in footer if c["size"] < rule["footer"] - 0.01})
            assert not small, f"footer text under {rule['footer']} pt: {small}"


# --- 3. QR ---------------------------------------------------------------------------------

@pytest.mark.parametrize("unit,document", DEFAULT_POSTERS, ids=ids(DEFAULT_POSTERS))
def test_qr_decodes_to_the_contents_fallback_url(default_kit, unit, document):
    url = plans_of(CONTENT)[next(u for u in units_of(CONTENT) if u["id"] == unit)["plan"]]["fallback"]["url"]
    assert url == "http://holbaek.nexus.kmd.dk"  # the seed's link, as written (never rewritten to https)
    assert decode_qr(render_page(poster_path(default_kit, unit, document), 0, 150)) == [url]


@pytest.fixture(scope="module")
def other_kit(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("other") / "output"
    result = build(out, content=OTHER)
    assert result.exit_code == 0, result.output
    return out


OTHER_UNITS = [u["id"] for u in units_of(OTHER)]
OTHER_POSTERS = [(u, d) for u in OTHER_UNITS for d in POSTERS]


@pytest.mark.parametrize("unit,document", OTHER_POSTERS, ids=ids(OTHER_POSTERS))
def test_other_municipality_qr_decodes_to_its_own_url(other_kit, unit, document):
    plan = plans_of(OTHER)[next(u for u in units_of(OTHER) if u["id"] == unit)["plan"]]
    url = plan["fallback"]["url"]
    assert url.startswith("https://") and "holb" not in url
    assert decode_qr(render_page(poster_path(other_kit, unit, document), 0, 150)) == [url]


@pytest.mark.parametrize("unit,document", OTHER_POSTERS, ids=ids(OTHER_POSTERS))
def test_other_municipality_shows_none_of_holbaeks_facts(other_kit, unit, document):
    path = poster_path(other_kit, unit, document)
    text = pdf_text(path)
    found = [fact for fact in HOLBAEK if fact.lower() in text.lower()]
    assert not found, f"Holbæk's facts on another municipality's poster: {found}"
    from pypdf import PdfReader
    meta = PdfReader(path).metadata
    assert meta.author == txt(_yaml(OTHER / "organisation.yaml")["name"])
    assert not [fact for fact in HOLBAEK if fact.lower() in f"{meta.title} {meta.author}".lower()]


@pytest.mark.parametrize("unit,document", OTHER_POSTERS, ids=ids(OTHER_POSTERS))
def test_other_municipality_shows_its_own_facts(other_kit, unit, document):
    import pdfplumber
    units = {u["id"]: u for u in units_of(OTHER)}
    me = units[unit]
    plan = plans_of(OTHER)[me["plan"]]
    contacts = {c["id"]: c for c in _yaml(OTHER / "contacts.yaml")["contacts"]}
    path = poster_path(other_kit, unit, document)
    text = pdf_text(path)
    numbers = [national(p) for cid in plan["contacts"] for p in contacts[cid].get("phones", [])]
    numbers += [national(me["phone"]), national(me["leader"]["phone"])]
    numbers += [national(units[n]["phone"]) for n in me.get("neighbours", [])]
    expected = numbers + [txt(plan["title"]), me["name"], me["address"],
                          txt(plan["revision"]["editor"]), txt(plan["revision"]["approved_by"])]
    expected += [txt(contacts[cid]["name"]) for cid in plan["contacts"]]  # incl. "Drift & Support", as itself
    missing = [fact for fact in expected if fact not in text]
    # under the QR code a long address may take two lines, broken after a '/' or before a '.' (or
    # the '?', '&' or '#' of a query)
    url = plan["fallback"]["url"]
    lines = re.search(r"\s*".join(re.escape(part) for part in re.split(r"(?<=/)|(?=[.?&#])", url) if part), text)
    missing += [] if lines else [url]
    assert not missing, f"not on the poster: {missing}"
    if me["plan"] == "cura":
        # opening hours that differ per weekday, in Danish
        assert "mandag–torsdag 08.00–15.00" in text and "fredag 08.00–14.00" in text
        assert "14. marts 2024" in text and "30. januar 2025" in text
        count = layout_value(document, "maintenance_dates", 6)
        for day in nth_weekday_dates(AS_OF_DATE, calendar.WEDNESDAY, 1, count):  # FREQ=MONTHLY;BYDAY=+1WE
            assert danish_short(day) in text
    rule = MINIMUM[document]
    with pdfplumber.open(path) as pdf:
        page = unrotated(pdf.pages[0])
        for number in numbers:
            for m in matches(page, number):
                assert all(c["size"] >= rule["number"] - 0.01 and "Bold" in c["fontname"] for c in ink_chars(m))


def test_unit_block_names_never_break_inside_a_word(default_kit, other_kit):
    broken = []
    for content, kit in ((CONTENT, default_kit), (OTHER, other_kit)):
        units = {u["id"]: u for u in units_of(content)}
        for unit in units.values():
            names = [unit["leader"]["name"]] + [units[n]["name"] for n in unit.get("neighbours", [])]
            for document in POSTERS:
                text = pdf_text(kit / unit["id"] / f"{document}.da.pdf")
                broken += [f"{unit['id']}/{document}: {name}" for name in names if name not in text]
    assert not broken, broken


# --- 4. determinism and the manifest ----------------------------------------------------------

def test_two_builds_are_byte_identical(default_kit, tmp_path):
    """A second build in a fresh process (another hash seed, another time zone) writes exactly the
    same bytes. Two units (one with neighbours that the other lacks) keep it quick."""
    units = [DEFAULT_UNITS[0], DEFAULT_UNITS[-1]]
    out = tmp_path / "again"
    env = dict(os.environ, PYTHONHASHSEED="12345", TZ="Pacific/Kiritimati")
    proc = subprocess.run([sys.executable, "-m", "nødkit", "build", "--content", str(CONTENT), "--out", str(out),
                           "--as-of", AS_OF, *(a for u in units for a in ("--unit", u))],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    first = {e["path"]: e for e in json.loads((default_kit / "manifest.json").read_text("utf-8"))["files"]}
    second = {e["path"]: e for e in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}
    assert second and {e["unit"] for e in second.values()} == set(units)
    assert {f"{u}/{d}.da.pdf" for u in units for d in POSTERS} <= set(second)
    for path, entry in second.items():
        assert entry == first[path], path
        assert (out / path).read_bytes() == (default_kit / path).read_bytes(), f"{path} differs between two builds"


def test_manifest_describes_the_files_as_they_are(default_kit):
    from pypdf import PdfReader
    manifest = json.loads((default_kit / "manifest.json").read_text("utf-8"))
    assert manifest["as_of"] == AS_OF
    entries = manifest["files"]
    pdfs = sorted(p.relative_to(default_kit).as_posix() for p in default_kit.rglob("*.pdf"))
    assert sorted(e["path"] for e in entries) == pdfs
    stray = [p.name for p in default_kit.rglob("*") if p.name.endswith(".tmp") or p.name.endswith(".lock")]
    assert not stray, f"temporary or lock files left behind: {stray}"
    for e in entries:
        path = default_kit / e["path"]
        assert e["path"] == f"{e['unit']}/{e['document']}.{e['lang']}.pdf"
        assert e["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), e["path"]
        assert e["pages"] == len(PdfReader(path).pages), e["path"]
    # every unit of the content got both posters in its language
    have = {(e["unit"], e["document"], e["lang"]) for e in entries}
    for unit in units_of(CONTENT):
        for lang in unit.get("languages") or [_yaml(CONTENT / "organisation.yaml")["default_language"]]:
            for document in POSTERS:
                assert (unit["id"], document, lang) in have


def test_as_of_changes_the_dates_and_nothing_else_of_the_facts(tmp_path, default_kit):
    """--as-of is an input: another date gives other maintenance dates and printed date."""
    unit = DEFAULT_UNITS[0]
    later = tmp_path / "later"
    result = run("build", "--content", str(CONTENT), "--out", str(later), "--unit", unit, "--as-of", "2027-03-01")
    assert result.exit_code == 0, result.output
    text = pdf_text(later / unit / "poster-a3.da.pdf")
    for day in nth_weekday_dates(dt.date(2027, 3, 1), calendar.TUESDAY, 4, 3):
        assert danish_short(day) in text
    assert danish_short(dt.date(2026, 12, 22)) not in text
    assert danish_long(dt.date(2027, 3, 1)) in text
    for fact in SEED_NUMBERS + SEED_FACTS:
        assert fact in text
    assert text != pdf_text(default_kit / unit / "poster-a3.da.pdf")
