"""The plan, the binder, the print pack, the preview, the reprint list and the calendar (issues 5 and 6)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import AS_OF_DATE, CONTENT, LAYOUTS, build, copy_content, pdf_text

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "it-nedbrud-nexus.txt"
UNIT = "bakkehuset"


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))


def _fourth_tuesdays(after: dt.date, count: int) -> list[dt.date]:
    days, year, month = [], after.year, after.month
    while len(days) < count:
        tuesdays = [d for d in calendar.Calendar().itermonthdates(year, month)
                    if d.month == month and d.weekday() == calendar.TUESDAY]
        if tuesdays[3] >= after:
            days.append(tuesdays[3])
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return days


# --- the plan -------------------------------------------------------------------------------

SEED_FACTS = [
    "72 36 14 48", "72 36 12 34", "72 36 14 77",        # every number
    "http://holbaek.nexus.kmd.dk", "https://nemadgang.holb.dk/", "nexus-drift@holb.dk",
    "07.00–15.30",                                     # "hverdage ml. kl. 7-15.30"
    "4. tirsdag i måneden (aften)", "1 – 2 timer",
    "Lise Kemp", "8. september 2022", "9. september 2022", "Charlotte Heding", "staben",
    "AMK", "vikarkoder", "KMD overvåger systemet",
]


def test_the_plan_holds_every_fact_of_the_seed(default_kit):
    seed = SEED.read_text("utf-8") if SEED.is_file() else ""
    text = pdf_text(default_kit / UNIT / "plan.da.pdf")
    for fact in SEED_FACTS:
        assert fact in text, fact
    # every section heading of the seed, in its order
    headings = ["Situation", "Alarmering", "HJÆLP – der er ikke adgang til systemet (Nexus)", "Opgaver",
                "Handling", "Ledelse og organisation", "Bemanding og udstyr", "Kommunikation",
                "Kontaktoplysninger", "Evt. andre vigtige opmærksomhedspunkter"]
    positions = [text.find(h) for h in headings]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), list(zip(headings, positions))
    if seed:  # the seed's own sentences survive word for word (the binder keeps the plan's wording)
        for sentence in ("Den lokale leder har ansvar for kommunikation og opfølgning.",
                         "Skab overblik over situationen"):
            assert sentence in seed and sentence in text


def test_the_plan_has_a_bookmark_per_section_and_metadata(default_kit):
    reader = PdfReader(str(default_kit / UNIT / "plan.da.pdf"))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    plan = yaml.safe_load((CONTENT / "plans" / "nexus.yaml").read_text("utf-8"))
    for section in plan["sections"]:
        heading = section["heading"]["da"] if isinstance(section["heading"], dict) else section["heading"]
        assert heading in titles
    meta = reader.metadata
    assert meta.title.startswith("IT-nedbrud – Nexus") and meta.author == "Holbæk Kommune"
    assert reader.trailer["/Root"]["/Lang"] == "da"


def test_the_plan_links_carry_the_right_uris(default_kit):
    reader = PdfReader(str(default_kit / UNIT / "plan.da.pdf"))
    uris = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    assert {"tel:+4572361448", "tel:+4572361234", "tel:+4572361477", "mailto:nexus-drift@holb.dk",
            "http://holbaek.nexus.kmd.dk", "https://nemadgang.holb.dk/"} <= uris


# --- the binder and the print pack ----------------------------------------------------------

def _sheet_titles(lang: str = "da") -> dict[str, str]:
    titles = {}
    for path in sorted((LAYOUTS / "sheets").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        titles[f"sheet-{data['id']}"] = data["title"][lang]
    return titles


def test_the_binder_lists_every_sheet_kind_the_unit_gets(default_kit):
    text = pdf_text(default_kit / UNIT / "binder.da.pdf", page=0)
    for title in _sheet_titles().values():
        assert title in text
    assert "Botilbud Bakkehuset" in text and "Nedbrudsmappe" in text


def test_a_unit_that_names_its_sheets_gets_only_those_in_its_binder(tmp_path):
    content = copy_content(tmp_path)
    units = (content / "units.yaml").read_text("utf-8")
    units = units.replace("    example: true\n", "    sheets: [haendelseslog, medicingivning]\n    example: true\n", 1)
    (content / "units.yaml").write_text(units, "utf-8")
    out = tmp_path / "out"
    assert build(out, "--unit", UNIT, content=content).exit_code == 0
    text = pdf_text(out / UNIT / "binder.da.pdf", page=0)
    titles = _sheet_titles()
    assert titles["sheet-haendelseslog"] in text and titles["sheet-medicingivning"] in text
    assert titles["sheet-pn-medicin"] not in text


def test_print_pack_is_the_sum_of_its_parts_times_their_copies(default_kit):
    manifest = _manifest(default_kit)
    units = {u["id"]: u for u in yaml.safe_load((CONTENT / "units.yaml").read_text("utf-8"))["units"]}
    for unit_id, unit in units.items():
        parts = [e for e in manifest["files"] if e["unit"] == unit_id and e["lang"] == "da"
                 and e["document"] != "print-pack"]
        copies = unit.get("copies", {})
        expected = 1  # the print instructions
        for e in parts:
            n = 1 if e["document"] == "pocket-cards" else copies.get(e["document"], 1)
            expected += e["pages"] * n
        pack = default_kit / unit_id / "print-pack.da.pdf"
        reader = PdfReader(str(pack))
        # the blank backs that make it one double-sided job are counted in test_pdf_structure.py
        printed = [p for p in reader.pages if p.extract_text().strip() != "Denne side er med vilje tom."]
        assert len(printed) == expected, unit_id
        a3 = [p for p in printed if round(float(p.mediabox.height) / 72 * 25.4) == 420]
        assert len(a3) == copies.get("poster-a3", 1), unit_id
        assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"


def test_print_pack_starts_with_instructions(default_kit):
    text = pdf_text(default_kit / UNIT / "print-pack.da.pdf", page=0)
    assert "Udskriftspakke" in text and "100 %" in text and "lange kant" in text


# --- preview, reprint list -----------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in (("a", "href"), ("img", "src")):
                self.targets.append(value)


def test_index_links_resolve_to_files_that_exist(default_kit):
    parser = _Links()
    parser.feed((default_kit / "index.html").read_text("utf-8"))
    assert len(parser.targets) > 20
    for target in parser.targets:
        assert (default_kit / target).is_file(), target
    pdfs = {t for t in parser.targets if t.endswith(".pdf")}
    assert pdfs == {e["path"] for e in _manifest(default_kit)["files"]}


def test_reprint_list_names_exactly_the_documents_that_show_a_changed_phone(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    assert build(out, content=content).exit_code == 0
    units = (content / "units.yaml").read_text("utf-8")
    old = "99 99 10 02"
    assert units.count(old) == 1
    # which documents show the leader's phone, found in the first build's own text
    showing = {e["path"] for e in _manifest(out)["files"]
               if old in pdf_text(out / e["path"])}
    assert {f"{UNIT}/poster-a3.da.pdf", f"{UNIT}/print-pack.da.pdf"} <= showing
    (content / "units.yaml").write_text(units.replace(old, "99 99 10 09"), "utf-8")
    result = build(out, content=content)
    assert result.exit_code == 0
    listed = set(re.findall(r"^\s+(\S+\.pdf)$", (out / "reprint.txt").read_text("utf-8"), re.M))
    assert listed == showing
    assert all(p.startswith(f"{UNIT}/") for p in listed)


def test_more_copies_of_one_poster_flag_only_what_lists_or_holds_the_copies(tmp_path):
    """The binder's contents list and the print pack show how many posters to print; the pocket
    cards, the plan and the other posters do not, so they need no reprint."""
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    assert build(out, "--unit", UNIT, content=content).exit_code == 0
    units = (content / "units.yaml").read_text("utf-8")
    old = "copies: {poster-a3: 1, poster-a4: 2}"
    assert units.count(old) == 1 and units.index(old) < units.index("- id:", units.index(f"id: {UNIT}") + 5)
    (content / "units.yaml").write_text(units.replace(old, "copies: {poster-a3: 1, poster-a4: 5}"), "utf-8")
    assert build(out, "--unit", UNIT, content=content).exit_code == 0
    listed = set(re.findall(r"^\s+(\S+\.pdf)$", (out / "reprint.txt").read_text("utf-8"), re.M))
    assert listed == {f"{UNIT}/binder.da.pdf", f"{UNIT}/print-pack.da.pdf"}, listed


def test_an_unchanged_rebuild_has_nothing_to_reprint(tmp_path):
    out = tmp_path / "out"
    assert build(out, "--unit", UNIT).exit_code == 0
    assert build(out, "--unit", UNIT).exit_code == 0
    assert "Nothing to reprint" in (out / "reprint.txt").read_text("utf-8")


# --- planned downtime calendar ---------------------------------------------------------------------

def test_calendar_holds_the_next_fourth_tuesdays(default_kit):
    from icalendar import Calendar
    cal = Calendar.from_ical((default_kit / "calendar" / "nexus.ics").read_bytes())
    starts = [e.decoded("dtstart") for e in cal.walk("VEVENT")]
    assert starts == _fourth_tuesdays(AS_OF_DATE, 12)
    assert cal["x-wr-timezone"] == "Europe/Copenhagen"


def test_calendar_with_a_start_time_uses_the_rule_time_and_zone(tmp_path):
    from icalendar import Calendar
    content = copy_content(tmp_path)
    plan = (content / "plans" / "nexus.yaml").read_text("utf-8")
    plan = plan.replace("  part_of_day: evening\n", "  part_of_day: evening\n  start: \"18:00\"\n", 1)
    (content / "plans" / "nexus.yaml").write_text(plan, "utf-8")
    out = tmp_path / "out"
    assert build(out, "--unit", UNIT, content=content).exit_code == 0
    cal = Calendar.from_ical((out / "calendar" / "nexus.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert [e.decoded("dtstart").date() for e in events] == _fourth_tuesdays(AS_OF_DATE, 12)
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert (start.hour, start.minute) == (18, 0) and str(start.tzinfo) == "Europe/Copenhagen"
        assert end - start == dt.timedelta(hours=2)  # the longest expected downtime
    assert cal.walk("VTIMEZONE")


@pytest.mark.parametrize("as_of", ["2026-11-24", "2026-11-25"])
def test_poster_and_calendar_agree_on_the_dates(tmp_path, as_of):
    out = tmp_path / "out"
    from conftest import run
    assert run("build", "--content", str(CONTENT), "--out", str(out), "--as-of", as_of,
               "--unit", UNIT).exit_code == 0
    from icalendar import Calendar
    cal = Calendar.from_ical((out / "calendar" / "nexus.ics").read_bytes())
    first = next(iter(cal.walk("VEVENT"))).decoded("dtstart")
    expected = _fourth_tuesdays(dt.date.fromisoformat(as_of), 1)[0]
    assert first == expected  # on the day itself it is still "next"
    from babel.dates import format_skeleton
    assert format_skeleton("yMMMEd", expected, locale="da") in pdf_text(out / UNIT / "poster-a3.da.pdf")
