"""Property-based tests (hypothesis): whatever an admin writes, nødkit builds a right kit or
says why not — never a traceback.

1. Random valid content: random lengths within sane bounds, random characters the default
   fonts (Vera) have — Latin-1 letters, digits and punctuation, `&<>"'`, and the typographic
   marks a word processor puts in (– — “ ” ‘ ’ … €) — in the organisation's name, the plan's
   texts, contact names, the unit's name, address and leader, a neighbour's name, and a random
   fallback URL (with query characters). Each example builds one unit through the CLI. Either
   the build succeeds, and its A4 poster's QR code decodes (from a 150 dpi render) to the URL,
   its text holds the unit's name and every character stays inside the 10 mm safe area; or it
   fails with a message and exit code 1 (a text that does not fit) or 2 (content) — never a
   traceback. At least a third of the examples must build, or the test would prove little.
2. `parse_yaml` on random text, and on random text made of YAML's own punctuation: it returns
   plain data (dicts with text keys, lists, text, None) or raises ContentError naming the file.

How many: NODKIT_FUZZ_EXAMPLES (default 25) builds, and twenty times as many YAML texts (500).
Each build takes about a second. CI runs the default on every push; a nightly job can set
NODKIT_FUZZ_EXAMPLES=500. Examples are random per run (no example database is written); a
failure prints the `@reproduce_failure` line to replay it.

nødkit has no option to build a single document, so each example builds the unit's whole kit
except the registration sheets (the unit asks for `sheets: []`): 6 documents.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, AS_OF_DATE, CONTENT, decode_qr, pdf_text, render_page, run

from nødkit.content.textfile import suspicious
from nødkit.content.yamlfile import YamlDoc, parse_yaml
from nødkit.errors import ContentError

EXAMPLES = int(os.environ.get("NODKIT_FUZZ_EXAMPLES", "25"))
SAFE_AREA_MM = 10

# what Vera draws: printable Latin-1 (no soft hyphen: it is invisible by design) and a word
# processor's typographic marks
LATIN1 = "".join(chr(c) for c in [*range(0x20, 0x7F), *range(0xA0, 0x100)] if c != 0xAD)
TYPOGRAPHIC = "–—“”‘’…€"
ALPHABET = LATIN1.replace("{", "") + TYPOGRAPHIC * 4 + "&<>\"'" * 4  # the characters markup cares about, more often


def printable(s: str) -> bool:
    """Some letters and a mark (`Ã¥`) are what UTF-8 read with the wrong encoding looks like, and
    refused as that (test_content_errors.py): a random text is not to look like one."""
    return any(c.isalnum() for c in s) and not any(suspicious(s))


def text(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(alphabet=ALPHABET, min_size=min_size, max_size=max_size).filter(printable)


def words(max_words: int, max_word: int = 12) -> st.SearchStrategy[str]:
    """Sentence-like text: a poster wraps between words; one 90-letter word cannot wrap."""
    word = st.text(alphabet=ALPHABET.replace(" ", ""), min_size=1, max_size=max_word)
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join).filter(printable)


URL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-._~/?&=#%+!$'()*,;:@"
urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}.dk/{path}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?(\.[a-z0-9]{1,10}){0,2}", fullmatch=True),
    st.text(alphabet=URL_CHARS, max_size=24),
)


@st.composite
def contents(draw) -> dict:
    """Changes to the example content: file -> {field: value}."""
    return {
        "organisation": draw(words(6)),
        "title": draw(words(2, 8)),  # the A3 title band holds about 20 letters
        "system": draw(text(1, 10).filter(lambda s: s.strip() == s)),
        "summary": draw(words(16)),
        "steps": draw(st.lists(words(9, 10), min_size=1, max_size=5)),
        "url": draw(urls),
        "how": draw(words(14)),
        "mobile": draw(st.none() | words(14)),
        "outside_hours": draw(words(16)),
        "contact_names": draw(st.lists(words(4), min_size=4, max_size=4)),
        "call_when": draw(st.lists(words(8, 10), min_size=4, max_size=4)),
        "section": draw(words(60)),
        "editor": draw(words(3)),
        "unit": draw(words(3, 10)),
        "address": draw(words(5)),
        "leader": draw(words(3)),
        "neighbour": draw(words(3, 10)),
        "example": draw(st.booleans()),
    }


def write_content(folder: Path, c: dict) -> Path:
    """The example content with every text replaced; written with PyYAML in double quotes, so any
    character reaches nødkit as the text drawn."""
    content = folder / "content"
    (content / "plans").mkdir(parents=True)

    def load(name):
        return yaml.safe_load((CONTENT / name).read_text("utf-8"))

    def dump(name, data):
        (content / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_style='"',
                                                   width=10**6), "utf-8")

    organisation = load("organisation.yaml")
    organisation["name"] = {"da": c["organisation"]}
    dump("organisation.yaml", organisation)

    contacts = load("contacts.yaml")
    for contact, name, when in zip(contacts["contacts"], c["contact_names"], c["call_when"]):
        contact["name"], contact["call_when"] = name, when
        contact.pop("does_not", None)
    dump("contacts.yaml", contacts)

    plan = load("plans/nexus.yaml")
    plan.update(title=c["title"], system=c["system"], summary=c["summary"], steps=c["steps"],
                outside_hours=c["outside_hours"])
    plan["fallback"] = {"url": c["url"], "how": c["how"], **({"mobile": c["mobile"]} if c["mobile"] else {})}
    plan["revision"].update(editor=c["editor"], approved_on=str(plan["revision"]["approved_on"]),
                            last_updated=str(plan["revision"]["last_updated"]))
    plan["sections"] = [{"id": "situation", "heading": c["title"], "body": [c["section"], "{url:fallback}"]}]
    dump("plans/nexus.yaml", plan)

    units = {"units": [
        {"id": "enhed", "name": c["unit"], "plan": "nexus", "address": c["address"], "phone": "99 99 10 01",
         "leader": {"name": c["leader"], "phone": "99 99 10 02"}, "neighbours": ["naboen"], "languages": ["da"],
         "sheets": [], "example": c["example"]},
        {"id": "naboen", "name": c["neighbour"], "plan": "nexus", "address": "Eksempelvej 2, 4300 Holbæk",
         "phone": "99 99 20 01", "leader": {"name": "Bo Prøvesen", "phone": "99 99 20 02"}, "sheets": []},
    ]}
    dump("units.yaml", units)
    return content


def squeeze(s: str) -> str:
    return "".join(s.replace("\u00a0", " ").split())


def outside_safe_area(pdf: Path) -> list[str]:
    import pdfplumber
    from reportlab.lib.units import mm
    edge = SAFE_AREA_MM * mm - 0.5
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        return [ch["text"] for ch in page.chars
                if ch["x0"] < edge or ch["x1"] > page.width - edge
                or ch["top"] < edge or ch["bottom"] > page.height - edge]


def test_random_content_builds_a_right_poster_or_says_why_not():
    outcomes: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(contents())
    def one(c: dict) -> None:
        with tempfile.TemporaryDirectory(prefix="nodkit-fuzz-") as tmp:
            content = write_content(Path(tmp), c)
            out = Path(tmp) / "out"
            result = run("build", "--content", str(content), "--out", str(out), "--as-of", AS_OF, "--unit", "enhed")
            assert "Traceback" not in result.output, result.output
            if result.exit_code != 0:
                assert result.exit_code in (1, 2), result.output
                assert "error:" in result.output, result.output
                assert not out.exists() or not list(out.rglob("*.pdf")), "a failed build wrote PDFs"
                reason = next((ln for ln in result.output.splitlines() if ln.startswith("  ")), "").strip()
                outcomes.append(f"refused ({result.exit_code}): {reason[:300]}")
                return
            poster = out / "enhed" / "poster-a4.da.pdf"
            assert decode_qr(render_page(poster)) == [c["url"]]
            assert squeeze(c["unit"]) in squeeze(pdf_text(poster)), (c["unit"], pdf_text(poster))
            assert not outside_safe_area(poster), "".join(outside_safe_area(poster))
            assert {p.name for p in (out / "enhed").glob("*.pdf")} >= {"poster-a3.da.pdf", "pocket-cards.da.pdf",
                                                                       "plan.da.pdf", "print-pack.da.pdf"}
            outcomes.append("built")

    one()
    built = outcomes.count("built")
    print(f"fuzz: {len(outcomes)} examples, {built} built, the rest refused with a message:")
    for outcome in sorted(o for o in outcomes if o != "built"):
        print("  " + outcome)
    # the bounds above are chosen so most examples fit; if few do, the test proves little
    assert built >= len(outcomes) / 3, f"only {built} of {len(outcomes)} examples built: {outcomes}"


# --- parse_yaml --------------------------------------------------------------------------------

YAML_PUNCTUATION = "-:?,[]{}#&*!|>'\"%@` \n\t\\"
yaml_like = st.text(alphabet=st.sampled_from(list(YAML_PUNCTUATION) + list("ab1 \n\n") + ["æ", "\u00a0", "\x0b"]),
                    max_size=200)


def plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return value is None or isinstance(value, str)


@settings(max_examples=20 * EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), yaml_like))
def test_parse_yaml_returns_plain_data_or_a_content_error(source):
    file = Path("fuzz.yaml")
    try:
        doc = parse_yaml(source, file)
    except ContentError as exc:
        assert exc.problems and all(p.location.file == file for p in exc.problems)
        assert all((p.location.line or 1) >= 1 for p in exc.problems)
        return
    assert isinstance(doc, YamlDoc)
    assert plain(doc.data), doc.data


@pytest.mark.parametrize("source", [
    "[" * 10_000, "{a: " * 5_000, "- " * 5_000 + "x", "&a [*a]", "*a : b", "? [a]\n: b",
    "a: !!python/object:os.system x",
    "\ufeffa: 1", "a: 1\n---\nb: 2", "a: b\x0bc", "\x00", "a: &x 1\nb: *x", "<<: {a: 1}", "a: |\n  \x85x",
])
def test_parse_yaml_edge_cases(source):
    test_parse_yaml_returns_plain_data_or_a_content_error.hypothesis.inner_test(source)


# --- units spreadsheets (issue 14) -----------------------------------------------------------------
#
# Whatever bytes a units.csv holds, in whatever encoding and with whatever separator, and whatever
# kind of value a units.xlsx cell holds: `load_content` returns units or raises ContentError whose
# every problem names the spreadsheet — never another exception.

HEADINGS = ["Id", "Navn", "Plan", "Adresse", "Telefon", "Leder", "Leder tlf.", "Naboenheder", "Sprog", "Eksempel",
            "Kopier poster-a3", "name", "Ukendt"]
CELL_CHARS = ALPHABET + ",;\t\"'\n\r{}=+-@æøåÆØÅ\u00a0\u200b\x0b"
CELL_VALUES = ["bakkehuset", "nexus", "99 99 10 01", "ja", "SAND", "falsk", "x", "2", "-", "da, en", "Anne", ""]


@pytest.fixture(scope="module")
def sheet_content(tmp_path_factory) -> Path:
    """A content folder whose units come from a spreadsheet each example overwrites."""
    import shutil
    content = tmp_path_factory.mktemp("sheet") / "content"
    shutil.copytree(CONTENT, content)
    (content / "units.yaml").unlink()
    return content


def _load_or_refuse(content: Path, sheet: Path, write) -> None:
    """`write(sheet)`, then load the content: its units, or problems that all name the sheet."""
    from nødkit.content.load import load_content
    write(sheet)
    try:
        load_content(content)
    except ContentError as exc:
        assert exc.problems
        assert all(str(p.location.file) == str(sheet) for p in exc.problems), [str(p) for p in exc.problems]
    finally:
        sheet.unlink()


cells = st.one_of(st.sampled_from(CELL_VALUES), st.text(alphabet=CELL_CHARS, max_size=12))


@st.composite
def csv_files(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=9))
    rows = draw(st.lists(st.lists(cells, max_size=10), max_size=5))

    def quoted(cell: str) -> str:
        return draw(st.sampled_from([cell, f'"{cell}"', '"' + cell.replace('"', '""') + '"']))
    text = "\r\n".join(delimiter.join(quoted(c) for c in row) for row in [header, *rows])
    if draw(st.booleans()):
        text = f"sep={delimiter}\r\n" + text
    raw = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "cp850"])),
                      errors="replace")
    if draw(st.booleans()):  # a byte of something else in the middle (a DOS letter, a stray zero, ...)
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=3)) + raw[at:]
    return raw


@settings(max_examples=4 * EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(csv_files())
def test_any_units_csv_loads_or_is_refused_naming_it(sheet_content, raw):
    _load_or_refuse(sheet_content, sheet_content / "units.csv", lambda path: path.write_bytes(raw))


xlsx_values = st.one_of(
    cells.filter(lambda c: not __import__("openpyxl").cell.cell.ILLEGAL_CHARACTERS_RE.search(c)),  # not storable st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False, width=32), st.booleans(),
    st.datetimes(min_value=__import__("datetime").datetime(1900, 3, 1)), st.dates(min_value=__import__(
        "datetime").date(1900, 3, 1)), st.sampled_from(['=A1&B1', '=1/0', '=NOW()', "#REF!", None]))


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=9),
       st.lists(st.lists(xlsx_values, max_size=10), max_size=4))
def test_any_units_xlsx_loads_or_is_refused_naming_it(sheet_content, header, rows):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Enheder"
    for row in [header, *rows]:
        sheet.append(row)
    _load_or_refuse(sheet_content, sheet_content / "units.xlsx", book.save)


# --- references in texts (issue 14) --------------------------------------------------------------

REFERENCE_BITS = ["{", "}", "{{", ":", "phone", "Phone", "email", "hours", "url", "it", "IT", "amk", "nexus-team",
                  "fallback", "password-reset", "reset", " ", "-", "x", "{phone:it}", "{url:fallback}", "æ"]
reference_texts = st.lists(st.sampled_from(REFERENCE_BITS), min_size=1, max_size=12).map("".join).filter(str.strip)


@pytest.fixture(scope="module")
def plan_content(tmp_path_factory) -> Path:
    import shutil
    content = tmp_path_factory.mktemp("refs") / "content"
    shutil.copytree(CONTENT, content)
    return content


@settings(max_examples=4 * EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(reference_texts)
def test_a_text_with_braces_is_expanded_right_or_refused_at_its_place(plan_content, text):
    """Accepted: every `{` began a reference with a value, or was `{{`; the expanded text holds no
    reference left. Refused: at the plan file, on the step's line."""
    import json
    from nødkit.content.load import load_content
    from nødkit.content.references import Reference, scan
    from nødkit.resolve import resolve_kit
    plan = plan_content / "plans" / "nexus.yaml"
    original = (CONTENT / "plans" / "nexus.yaml").read_text("utf-8")
    old = "  - da: Ring til andre botilbud og hør, hvor stort nedbruddet er."
    plan.write_text(original.replace(old, f"  - da: {json.dumps(text, ensure_ascii=False)}", 1), "utf-8")
    line = original[:original.index(old)].count("\n") + 1
    try:
        content = load_content(plan_content)
    except ContentError as exc:
        assert all(str(p.location.file) == str(plan) and p.location.line == line and p.location.column >= 1
                   and p.field.startswith("steps[0]") for p in exc.problems), [str(p) for p in exc.problems]
        return
    tokens = list(scan(text.strip()))  # (a text is stripped of spaces at its ends)
    assert all(isinstance(t, (str, Reference)) for t in tokens)
    kit = resolve_kit(content, content.unit("bakkehuset"), "da", AS_OF_DATE, version="fuzz")
    values = {"phone:it": "72 36 14 48", "url:fallback": "http://holbaek.nexus.kmd.dk"}
    assert kit.steps[0] == "".join(t if isinstance(t, str) else values.get(f"{t.kind}:{t.id}", "?") for t in tokens), \
        (text, kit.steps[0])
