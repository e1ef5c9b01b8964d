"""Content text is text (DESIGN.md §4): `&`, `<b>`, `<img src=x>`, `</para>`, quotes and
non-ASCII letters in any text field print as themselves on every document that shows the
field — never as markup, never as a crash, never as `&amp;`.

Every text field of a copy of the example content gets a value made of a tag (`Q<n>x`, to find
it again) and the special strings. Roomy fields (steps, summary, sections, contact texts, …)
get all of them at once. Fields the layouts keep short (the plan's title, names, the address,
the revision line, the system's name on the sheets) get one special string per build; six
builds cover all six in every field. One unit (solsikken, Danish and English, with two
neighbours) gets its whole kit in each build.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from conftest import build, copy_content, pdf_text

UNIT = "solsikken"
NEIGHBOURS = ("bakkehuset", "strandgaarden")
SPECIALS = ["&", "<b>é</b>", "<img src=x>", "</para>", '"ü"', "'æøå'"]
ALL = " ".join(SPECIALS)
# the system's name sits in 8 pt captions of fixed width on every sheet ("Entered in Nexus: date /
# init."), so it gets the shortest form of each special string
SYSTEM = ["S&", "S<b>", "S<img>", "S</para>", 'S"ü"', "S'æø'"]


class Marked:
    """Gives every field a tagged value and remembers which field got which."""

    def __init__(self, variant: int):
        self.variant = variant
        self.values: dict[str, str] = {}

    def __call__(self, field: str, short: bool = False) -> str:
        n = len(self.values) + 1
        value = f"Q{n}x {SPECIALS[self.variant] if short else ALL}"
        self.values[field] = value
        return value

    def text(self, value, field: str, short: bool = False):
        """A text field: plain, or one value per language (field.da, field.en)."""
        if isinstance(value, dict):
            return {lang: self(f"{field}.{lang}", short) for lang in value}
        return self(field, short)


def _load(path: Path):
    return yaml.safe_load(path.read_text("utf-8"))


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def special_content(tmp_path: Path, variant: int) -> tuple[Path, dict[str, str]]:
    content = copy_content(tmp_path)
    m = Marked(variant)

    org = _load(content / "organisation.yaml")
    org["name"] = m.text(org["name"], "organisation.name")
    _dump(content / "organisation.yaml", org)

    contacts = _load(content / "contacts.yaml")
    for contact in contacts["contacts"]:
        cid = contact["id"]
        contact["name"] = m.text(contact["name"], f"contacts.{cid}.name", short=True)
        if cid == "it-oncall":  # not in the example; the poster and plan print it as "Do not call: …"
            contact["not_when"] = {"da": "x", "en": "x"}
        for key in ("call_when", "not_when", "does_not"):
            if key in contact:
                contact[key] = m.text(contact[key], f"contacts.{cid}.{key}")
    _dump(content / "contacts.yaml", contacts)

    plan_file = content / "plans" / "nexus.yaml"
    plan = _load(plan_file)
    plan["title"] = m.text(plan["title"], "plan.title", short=True)
    plan["system"] = SYSTEM[variant]
    m.values["plan.system"] = SYSTEM[variant]
    for key in ("summary", "outside_hours"):
        plan[key] = m.text(plan[key], f"plan.{key}")
    plan["steps"] = [m.text(step, f"plan.steps[{i}]") for i, step in enumerate(plan["steps"])]
    for key in ("how", "mobile"):
        plan["fallback"][key] = m.text(plan["fallback"][key], f"plan.fallback.{key}")
    plan["password_reset"]["how"] = m.text(plan["password_reset"]["how"], "plan.password_reset.how")
    plan["maintenance"]["note"] = m.text(plan["maintenance"]["note"], "plan.maintenance.note")
    for key in ("prepared_by", "approved_by"):
        plan["revision"][key] = m.text(plan["revision"][key], f"plan.revision.{key}", short=True)
    plan["revision"]["editor"] = m("plan.revision.editor", short=True)
    for section in plan["sections"]:
        sid = section["id"]
        section["heading"] = m.text(section["heading"], f"sections.{sid}.heading")
        for j, block in enumerate(section["body"]):
            if isinstance(block, dict) and "bullets" in block:
                block["bullets"] = [m.text(item, f"sections.{sid}.body[{j}].bullets[{k}]")
                                    for k, item in enumerate(block["bullets"])]
            else:
                section["body"][j] = m.text(block, f"sections.{sid}.body[{j}]")
    _dump(plan_file, plan)

    units = _load(content / "units.yaml")
    for unit in units["units"]:
        uid = unit["id"]
        unit["name"] = m(f"units.{uid}.name", short=True)
        unit["leader"]["name"] = m(f"units.{uid}.leader.name", short=True)
        # typed on a Mac: decomposed letters (e + U+0301) must print composed (NFC)
        unit["address"] = unicodedata.normalize("NFD", m(f"units.{uid}.address", short=True) + " é")
        m.values[f"units.{uid}.address"] += " é"
    _dump(content / "units.yaml", units)
    return content, m.values


# --- which document prints which field (from the renderers; checked below both ways) ---------

CONTACTS = ("it", "nexus-team", "it-oncall", "amk")
UNIT_FIELDS = {f"units.{UNIT}.name", f"units.{UNIT}.address", f"units.{UNIT}.leader.name",
               *(f"units.{n}.name" for n in NEIGHBOURS)}
CONTACT_TEXTS = {f"contacts.{c}.{k}" for c in CONTACTS for k in ("name", "call_when")} | {
    "contacts.it-oncall.not_when", "contacts.it-oncall.does_not"}
REVISION = {"plan.revision.prepared_by", "plan.revision.approved_by", "plan.revision.editor"}
STEPS = {f"plan.steps[{i}]" for i in range(5)}
POSTER = {"plan.title", "plan.summary", "plan.system", "plan.fallback.how", "plan.fallback.mobile",
          "plan.password_reset.how", "plan.outside_hours", "plan.maintenance.note",
          *STEPS, *REVISION, *CONTACT_TEXTS, *UNIT_FIELDS}
# a card lists only contacts with a number, and the "when" only outside working hours
CARDS = {"plan.title", "plan.system", "plan.fallback.mobile", *STEPS, f"units.{UNIT}.name",
         f"units.{UNIT}.leader.name", "contacts.it.name", "contacts.nexus-team.name", "contacts.it-oncall.name",
         "contacts.it-oncall.call_when"}
SHEET = {"plan.system", f"units.{UNIT}.name"}
BINDER = {"organisation.name", "plan.title", "plan.system", f"units.{UNIT}.name", f"units.{UNIT}.address"}
PLAN_SECTIONS = "sections."  # every heading, paragraph and bullet
PLAN = {"organisation.name", "plan.title", "plan.summary", "plan.outside_hours", "plan.maintenance.note",
        *REVISION, *CONTACT_TEXTS, *UNIT_FIELDS}


def base(field: str) -> str:
    """The field without its language: plan.title.da -> plan.title."""
    return field[:-3] if field.endswith((".da", ".en")) else field


def expected(document: str, values: dict[str, str]) -> set[str]:
    fields = {base(f) for f in values}
    if document.startswith("poster-"):
        want = POSTER
    elif document == "pocket-cards":
        want = CARDS
    elif document.startswith("sheet-"):
        want = SHEET
    elif document == "binder":
        want = BINDER
    elif document == "plan":
        want = PLAN | {base(f) for f in values if f.startswith(PLAN_SECTIONS)}
    elif document == "print-pack":  # every part, in one file
        want = POSTER | CARDS | SHEET | BINDER | PLAN | {base(f) for f in values if f.startswith(PLAN_SECTIONS)}
    else:
        raise AssertionError(f"a document this test does not know: {document}")
    assert want <= fields, sorted(want - fields)
    return want


def field_value(values: dict[str, str], field: str, lang: str) -> str:
    return values.get(f"{field}.{lang}", values.get(field))


@pytest.mark.parametrize("variant", range(len(SPECIALS)), ids=[s.strip("'\"") for s in SPECIALS])
def test_special_characters_print_as_themselves_on_every_document(tmp_path, variant):
    content, values = special_content(tmp_path, variant)
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, content=content)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 0, result.output

    pdfs = sorted((out / UNIT).glob("*.pdf"))
    documents = {p.name.split(".")[0] for p in pdfs}
    assert {"poster-a3", "poster-a4", "pocket-cards", "plan", "binder", "print-pack"} <= documents
    assert len([d for d in documents if d.startswith("sheet-")]) >= 9
    assert {p.name.split(".")[1] for p in pdfs} == {"da", "en"}

    tags = {re.match(r"Q\d+x", v)[0]: f for f, v in values.items() if v.startswith("Q")}
    for pdf in pdfs:
        document, lang = pdf.name.split(".")[:2]
        text = pdf_text(pdf)
        for raw in ("&amp;", "&lt;", "&gt;", "&quot;", "&#"):
            assert raw not in text, f"{pdf.name}: escaped markup {raw!r} printed"
        missing = [f for f in sorted(expected(document, values))
                   if field_value(values, f, lang) not in text]
        assert not missing, f"{pdf.name} does not show literally: " + "; ".join(
            f"{f} = {field_value(values, f, lang)!r}" for f in missing[:5]) + f"\n{text[:2000]}"
        # and wherever a field shows at all, it shows whole (no half-eaten markup)
        for tag in set(re.findall(r"Q\d+x", text)):
            field = tags[tag]
            assert values[field] in text, f"{pdf.name}: {field} shows only partly: {values[field]!r}"


def test_plan_bookmarks_and_metadata_keep_special_characters(tmp_path):
    """The plan's outline (bookmarks) and every PDF's title show the same literal text."""
    from pypdf import PdfReader
    content, values = special_content(tmp_path, 3)  # </para>
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, "--lang", "en", content=content)
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(out / UNIT / "plan.en.pdf"))
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    headings = [v for f, v in values.items() if f.startswith("sections.") and f.endswith(".heading.en")]
    assert values["plan.title.en"] in outline
    assert set(headings) <= set(outline), (outline, headings)
    for pdf in (out / UNIT).glob("*.pdf"):
        title = PdfReader(str(pdf)).metadata.title
        assert values[f"units.{UNIT}.name"] in title, (pdf.name, title)


def test_a_build_uses_no_network_even_when_content_names_addresses(tmp_path, monkeypatch):
    """Content that names an image or a stylesheet by URL is printed, never fetched: every socket
    is refused during the build (in this process and in the workers it forks)."""
    import socket
    attempts = tmp_path / "network-attempts"

    def refused(*args, **kwargs):
        with open(attempts, "a") as fh:
            fh.write(f"{args!r}\n")
        raise OSError("network access during a build")
    for name in ("create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refused)
    monkeypatch.setattr(socket.socket, "connect", refused)
    content = copy_content(tmp_path)
    markup = '<img src="http://127.0.0.1:9/logo.png"/> <link href="https://example.org/x.css"> Ring.'
    plan = content / "plans" / "nexus.yaml"
    text = plan.read_text("utf-8")
    old = "      - da: Den lokale leder har ansvar for kommunikation og opfølgning."
    assert old in text
    plan.write_text(text.replace(old, f"      - da: '{markup}'", 1), "utf-8")
    out = tmp_path / "out"
    result = build(out, "--unit", "bakkehuset", content=content)
    assert result.exit_code == 0, result.output
    assert not attempts.exists(), attempts.read_text()
    assert markup in pdf_text(out / "bakkehuset" / "plan.da.pdf")
