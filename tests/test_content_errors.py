"""Bad input (DESIGN.md §5, layer 5): every rejection names file:line:column and the field,
says what is wrong, exits with code 2, shows no traceback, and writes nothing.

Each case edits a temporary copy of the example content by text replacement. The line the
message must name is computed from the edited text, never written down by hand.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import build, copy_content, run


@dataclass(frozen=True)
class Case:
    id: str
    file: str  # the file edited, relative to content/
    old: str | None  # replaced once (its first occurrence); None: the whole file becomes `new`
    new: str
    says: str  # part of the message (what was found / what is expected)
    field: str | None  # the field path the message names; None for a problem of the file as such
    at: str | None = None  # the message names the line of this text (first occurrence) ...
    at_file: str | None = None  # ... in this file (default: `file`)
    line_offset: int = 0  # default place: the line where `new` starts, plus this
    more: tuple[tuple[str, str, str], ...] = ()  # further (file, old, new) edits
    args: tuple[str, ...] = ()  # further build arguments (e.g. --unit, to keep a slow case quick)


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi"))

CASES = [
    Case("yaml-syntax", "units.yaml", "address: Eksempelvej 2, 4300 Holbæk", "address: Eksempelvej 2: 4300 Holbæk",
         says="YAML", field=None),
    Case("tab-indentation", "units.yaml", "    address: Eksempelvej 5, 4300 Holbæk",
         "\taddress: Eksempelvej 5, 4300 Holbæk", says="tab", field=None),
    Case("misspelt-key", "units.yaml", "    address: Eksempelvej 3, 4300 Holbæk",
         "    adress: Eksempelvej 3, 4300 Holbæk", says="did you mean 'address'", field="units[2].adress"),
    Case("wrong-type-int", "units.yaml", "copies: {poster-a3: 1,", "copies: {poster-a3: two,",
         says="'two'", field="units[0].copies.poster-a3"),
    Case("wrong-type-mapping", "units.yaml", "leader: {name: Anne Eksempel, phone: 99 99 10 02}",
         "leader: Anne Eksempel", says="mapping", field="units[0].leader"),
    Case("wrong-type-list", "contacts.yaml", 'phones: ["72 36 14 48"]', 'phones: "72 36 14 48"',
         says="list", field="contacts[0].phones"),
    Case("missing-field", "units.yaml", "    address: Eksempelvej 4, 4300 Holbæk\n", "",
         says="missing", field="units[3].address", at="- id: hjemmepleje-nord"),
    Case("missing-nested-field", "plans/nexus.yaml", "  approved_on: 2022-09-08\n", "",
         says="missing", field="revision.approved_on", at="revision:"),
    Case("duplicate-key", "units.yaml", "    name: Botilbud Bakkehuset\n",
         "    name: Botilbud Bakkehuset\n    name: Botilbud Bakkehuset II\n",
         says="twice", field="units[0].name", line_offset=1),
    Case("duplicate-unit-id", "units.yaml", "id: lindely", "id: strandgaarden",
         says="duplicate unit id 'strandgaarden'", field="units[2].id"),
    Case("unit-id-dotdot", "units.yaml", "id: solsikken", 'id: "../x"', says="../x", field="units[4].id"),
    Case("unit-id-space", "units.yaml", "id: solsikken", 'id: "A B"', says="A B", field="units[4].id"),
    Case("unit-id-empty", "units.yaml", "id: solsikken", 'id: ""', says="''", field="units[4].id"),
    Case("unknown-plan", "units.yaml", "plan: nexus", "plan: nexsus", says="unknown plan 'nexsus'",
         field="units[0].plan"),
    Case("unknown-neighbour", "units.yaml", "neighbours: [bakkehuset]\n", "neighbours: [bakkehuset, rosenhaven]\n",
         says="rosenhaven", field="units[2].neighbours[1]"),
    Case("unknown-contact", "plans/nexus.yaml", "contacts: [nexus-team, it, it-oncall, amk]",
         "contacts: [nexus-team, it, it-vagt, amk]", says="it-vagt", field="contacts[2]"),
    Case("phone-1234", "contacts.yaml", '"72 36 14 48"', '"1234"', says="1234", field="contacts[0].phones[0]"),
    Case("phone-placeholder", "contacts.yaml", '"72 36 12 34"', '"72 36 XX XX"', says="72 36 XX XX",
         field="contacts[2].phones[0]"),
    Case("phone-placeholder-unquoted", "units.yaml", "phone: 99 99 10 02}", "phone: 99 99 XX XX}",
         says="99 99 XX XX", field="units[0].leader.phone"),
    Case("url-javascript", "plans/nexus.yaml", "url: http://holbaek.nexus.kmd.dk", "url: javascript:alert(1)",
         says="javascript:alert(1)", field="fallback.url"),
    Case("url-file", "plans/nexus.yaml", "url: https://nemadgang.holb.dk/", "url: file:///etc/passwd",
         says="file:///etc/passwd", field="password_reset.url"),
    Case("units-empty", "units.yaml", None, "units: []\n", says="at least 1", field="units", at="units:"),
    Case("alias-bomb", "units.yaml", "units:\n", BOMB + "units:\n", says="alias", field="b[0]", at="*a"),
    # a problem of the whole file is reported at its start (line 1)
    Case("file-2mb", "units.yaml", "", "# " + "x" * 2_000_000 + "\n", says="bytes", field=None),
    Case("language-without-catalogue", "units.yaml", "languages: [da]", "languages: [de]", says="'de'",
         field="units[0].languages[0]"),
    # en has a catalogue, but the plan's title is left without its English text
    Case("language-without-text", "units.yaml", "languages: [da]", "languages: [en]",
         more=(("plans/nexus.yaml", "  en: IT outage – Nexus\n", ""),),
         says="no text in language 'en'", field="title", at="  da: IT-nedbrud – Nexus", at_file="plans/nexus.yaml",
         args=("--unit", "bakkehuset")),
    # issue 14: a `{` that does not begin a valid reference, in any text of a plan or contact (each
    # printed as written before, with `check` ok)
    Case("ref-capitals", "plans/nexus.yaml", "arbejdstid kontaktes Holbæk kommunens IT-afdeling på {phone:it}",
         "arbejdstid kontaktes Holbæk kommunens IT-afdeling på {phone:IT}", says="did you mean {phone:it}?",
         field="sections[1].body[1].da"),
    Case("ref-unclosed", "plans/nexus.yaml", "IT department on {phone:it}.", "IT department on {phone:it.",
         says="'{phone:it' has no closing brace", field="sections[1].body[1].en"),
    Case("ref-in-title", "plans/nexus.yaml", "  da: IT-nedbrud – Nexus\n", "  da: IT-nedbrud {phone:itt}\n",
         says="did you mean {phone:it}?", field="title.da"),
    Case("ref-in-maintenance-note", "plans/nexus.yaml", "    da: OBS! Nexus opdateres", "    da: OBS! {url:reset} opdateres",
         says="did you mean {url:password-reset}?", field="maintenance.note.da"),
    Case("ref-to-a-contact-without-a-number", "plans/nexus.yaml", "  - da: Ring til andre botilbud",
         "  - da: Ring {phone:amk} til andre botilbud", says="has no phone number", field="steps[0].da"),
    Case("ref-not-a-reference", "plans/nexus.yaml", "  - da: Ring til andre botilbud", "  - da: Ring til {navn}",
         says="'{navn}' is not a reference", field="steps[0].da"),
    Case("ref-in-a-contact-text", "contacts.yaml", "      da: Nedbrud inden for normal arbejdstid.",
         "      da: Nedbrud inden for normal arbejdstid, {hours:nexus-tem}.", says="did you mean {hours:nexus-team}?",
         field="contacts[0].call_when.da"),
    Case("ref-first-unquoted", "plans/nexus.yaml", "  - da: Ring til andre botilbud og hør, hvor stort nedbruddet er.",
         "  - da: {phone:it} eller andre botilbud", says="must be in quotes", field=None),
    Case("ref-alone-unquoted", "plans/nexus.yaml", "  - da: Ring til andre botilbud og hør, hvor stort nedbruddet er.",
         "  - da: {phone:it}", says="must be in quotes", field="steps[0].da"),
    Case("ref-in-double-braces", "plans/nexus.yaml", "  - da: Ring til andre botilbud",
         "  - da: Ring {{phone:it}} eller til andre botilbud", says="a reference has single braces; write {phone:it}",
         field="steps[0].da"),
    Case("ref-in-danish", "plans/nexus.yaml", "  - da: Ring til andre botilbud",
         "  - da: Ring {telefon:it} eller til andre botilbud", says="did you mean {phone:it}?", field="steps[0].da"),
    Case("ref-brace-too-many", "plans/nexus.yaml", "  - da: Ring til andre botilbud",
         "  - da: Ring {phone:it}} eller til andre botilbud", says="has a closing brace too many; did you mean "
         "{phone:it}?", field="steps[0].da"),
    Case("ref-in-a-unit-name", "units.yaml", "name: Botilbud Bakkehuset", "name: Botilbud {phone:it}",
         says="plans and contacts only", field="units[0].name"),
    # issue 14: what YAML says about a missing space is named where the space is missing
    Case("colon-without-space", "units.yaml", "    address: Eksempelvej 2, 4300 Holbæk",
         "    address:Eksempelvej 2, 4300 Holbæk", says="YAML needs a space after the ':' of 'address'", field=None),
    Case("dash-without-space", "units.yaml", "  - id: lindely", "  -id: lindely",
         says="YAML needs a space after a list item's '-': write '- id: lindely'", field=None),
    Case("colon-inside-a-text", "plans/nexus.yaml", "  - da: Ring til andre botilbud og hør, hvor stort nedbruddet er.",
         "  - da: Ring til IT: 72 36 14 48", says="': ' (a colon and a space) inside a text", field=None),
    # issue 14: characters that look right on screen and print wrong
    Case("tab-inside-a-value", "units.yaml", "name: Botilbud Bakkehuset", "name: 'Botilbud\tBakkehuset'",
         says="a tab character inside a value", field=None),
    Case("no-break-space-indentation", "units.yaml", "    address: Eksempelvej 5, 4300 Holbæk",
         "\u00a0\u00a0\u00a0\u00a0address: Eksempelvej 5, 4300 Holbæk", says="no-break space (U+00A0) is used for "
         "indentation", field=None),
    Case("no-break-space-after-colon", "units.yaml", "    address: Eksempelvej 5, 4300 Holbæk",
         "    address:\u00a0Eksempelvej 5, 4300 Holbæk", says="no-break space (U+00A0) after 'address:'", field=None),
    Case("zero-width-space", "units.yaml", "name: Botilbud Bakkehuset", "name: Botilbud\u200bBakkehuset",
         says="U+200B (zero width space)", field=None),
    Case("utf8-read-as-windows-1252", "units.yaml", "Botilbud Strandgården", "Botilbud StrandgÃ¥rden",
         says="'Ã¥' looks like 'å'", field=None),
    # issue 14: a password never goes on a wall; an address too long for a readable QR code
    Case("url-with-user-and-password", "plans/nexus.yaml", "url: http://holbaek.nexus.kmd.dk",
         "url: https://anne:hemmelig@holbaek.nexus.kmd.dk", says="user name or password", field="fallback.url"),
    Case("url-with-a-password-parameter", "plans/nexus.yaml", "url: https://nemadgang.holb.dk/",
         "url: https://nemadgang.holb.dk/?user=anne&pwd=hemmelig", says="'pwd='", field="password_reset.url"),
    Case("url-too-long-for-a-qr-code", "plans/nexus.yaml", "url: http://holbaek.nexus.kmd.dk",
         "url: https://holbaek.nexus.kmd.dk/" + "a" * 3500, says="a QR code holds at most", field="fallback.url"),
]


def edit(content: Path, case: Case) -> None:
    for file, old, new in ((case.file, case.old, case.new), *case.more):
        path = content / file
        text = path.read_text("utf-8")
        if old is None:
            text = new
        else:
            assert old in text, f"{case.id}: {old!r} not in {file} (the example content changed?)"
            text = text.replace(old, new, 1)
        path.write_text(text, "utf-8")


def expected_line(content: Path, case: Case) -> int:
    if case.at is not None:
        text = (content / (case.at_file or case.file)).read_text("utf-8")
        assert case.at in text
        return text[:text.index(case.at)].count("\n") + 1
    original = (content.parent / "original" / case.file).read_text("utf-8")
    start = 0 if case.old is None else original.index(case.old)
    return original[:start].count("\n") + 1 + case.line_offset


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` (hidden ones too) with its sha256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_rejected(result, content: Path, case: Case) -> None:
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if case.says in line]
    assert lines, f"no message says {case.says!r}:\n{output}"
    if case.field is not None:  # several problems may say the same; take the one about this field
        lines = [line for line in lines if f": {case.field}: " in line]
        assert lines, f"no message names the field {case.field}:\n{output}"
    where = re.escape(case.at_file or case.file)
    located = [(line, m) for line in lines for m in [re.search(rf"{where}:(\d+):(\d+): ", line)] if m]
    assert located, f"no file:line:column for {case.at_file or case.file} in:\n{output}"
    line, match = located[0]
    assert str(content) in line, line  # the whole path of the file, so an admin can open it
    want = expected_line(content, case)
    assert int(match[1]) == want, f"names line {match[1]}, expected {want}: {line}"
    assert int(match[2]) >= 1


@pytest.fixture
def bad_content(request, tmp_path) -> tuple[Path, Case]:
    case: Case = request.param
    shutil.copytree(copy_content(tmp_path), tmp_path / "original")
    content = tmp_path / "content"
    edit(content, case)
    return content, case


@pytest.mark.parametrize("bad_content", CASES, ids=[c.id for c in CASES], indirect=True)
def test_build_rejects_and_creates_no_output_folder(bad_content, tmp_path):
    content, case = bad_content
    out = tmp_path / "output"
    started = time.monotonic()
    result = build(out, *case.args, content=content)
    assert time.monotonic() - started < 10, "rejection took too long"
    assert_rejected(result, content, case)
    assert not out.exists(), f"{out} was created: {sorted(p.name for p in out.rglob('*'))}"


@pytest.mark.parametrize("bad_content", CASES, ids=[c.id for c in CASES], indirect=True)
def test_build_rejects_and_leaves_earlier_output_as_it_was(bad_content, tmp_path, default_kit):
    content, case = bad_content
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)
    before = snapshot(out)
    assert any(name.endswith(".pdf") for name in before)
    result = build(out, *case.args, content=content)
    assert_rejected(result, content, case)
    assert snapshot(out) == before


@pytest.mark.parametrize("bad_content", CASES, ids=[c.id for c in CASES], indirect=True)
def test_check_rejects_the_same_way(bad_content):
    content, case = bad_content
    assert_rejected(run("check", "--content", str(content), "--as-of", "2026-11-27"), content, case)


def test_alias_bomb_is_rejected_quickly(tmp_path):
    """A billion-laughs file must be refused before anything expands it."""
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    # 9 levels of 9 aliases each: 9**9 (387 million) strings if expanded
    units.write_text(BOMB + units.read_text("utf-8"), "utf-8")
    started = time.monotonic()
    result = run("check", "--content", str(content))
    assert time.monotonic() - started < 2
    assert result.exit_code == 2 and "alias" in result.output


def test_every_problem_is_reported_at_once(tmp_path):
    """An admin fixes a whole round of mistakes per run, not one per run."""
    content = copy_content(tmp_path)
    # one mistake in each file (a file that does not validate is not cross-checked)
    cases = [c for c in CASES if c.id in ("phone-1234", "misspelt-key", "url-javascript")]
    original = tmp_path / "original"
    shutil.copytree(content, original)
    for case in cases:
        edit(content, case)
    result = build(tmp_path / "out", content=content)
    assert result.exit_code == 2
    for case in cases:
        assert case.says in result.output and f"{case.field}: " in result.output
    assert not (tmp_path / "out").exists()


def test_file_that_is_not_utf8_names_the_line(tmp_path):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    raw = units.read_bytes()
    assert "Strandgården".encode() in raw
    raw = raw.replace("Strandgården".encode(), "Strandgården".encode("latin-1"), 1)  # saved in the wrong encoding
    units.write_bytes(raw)
    line = raw[:raw.index("Strandg".encode())].count(b"\n") + 1
    result = build(tmp_path / "out", content=content)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert re.search(rf"units\.yaml:{line}:\d+: .*UTF-8", result.output), result.output
    assert not (tmp_path / "out").exists()


def test_missing_content_folder_is_an_error_not_a_traceback(tmp_path):
    result = build(tmp_path / "out", content=tmp_path / "nowhere")
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "nowhere" in result.output
    assert not (tmp_path / "out").exists()


def test_text_that_cannot_fit_fails_naming_unit_and_field_and_keeps_output(tmp_path, default_kit):
    """A failure while drawing (not while loading) also leaves the earlier output as it was."""
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    text = plan.read_text("utf-8")
    step = "Ring til andre botilbud og hør, hvor stort nedbruddet er."
    assert step in text
    plan.write_text(text.replace(step, "Ring til andre botilbud og hør. " * 150, 1), "utf-8")
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)
    before = snapshot(out)
    result = build(out, "--unit", "bakkehuset", content=content)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "plan.steps[0]" in result.output, result.output
    assert "bakkehuset" in result.output and "poster-a3" in result.output
    assert snapshot(out) == before


# --- issue 14 -----------------------------------------------------------------------------------

def _check(content: Path, *args: str):
    return run("check", "--content", str(content), "--as-of", "2026-11-27", *args)


def test_a_reference_mistake_is_named_at_its_own_column(tmp_path):
    """file:line:column of the `{` itself, also in a text of several lines."""
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    text = plan.read_text("utf-8").replace("og hør, hvor stort nedbruddet er.",
                                           "og hør,\n      hvor stort {Phone:IT} nedbruddet er.", 1)
    plan.write_text(text, "utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "{Phone:IT}" in ln)
    column = text.splitlines()[line - 1].index("{Phone:IT}") + 1
    result = _check(content)
    assert result.exit_code == 2, result.output
    assert f"nexus.yaml:{line}:{column}: steps[0].da: '{{Phone:IT}}' is not a reference; did you mean {{phone:it}}?" \
        in result.output, result.output


def test_references_expand_in_every_text_and_double_braces_print_one(tmp_path):
    """The maintenance note, a contact's text and the plan's title expand their references (they
    printed `{phone:it}` as written); `{{` prints `{`."""
    from conftest import pdf_text
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    plan.write_text(plan.read_text("utf-8")
                    .replace("    da: OBS! Nexus opdateres den 4. tirsdag i måneden (aften), hvor systemet kan være nede 1 – 2 timer.",
                             "    da: \"{{OBS} Ring {phone:it}. Nexus opdateres den 4. tirsdag (aften).\"", 1)
                    .replace("  da: IT-nedbrud – Nexus\n", "  da: IT-nedbrud {{1}\n", 1), "utf-8")
    contacts = content / "contacts.yaml"
    contacts.write_text(contacts.read_text("utf-8").replace(
        "vejledning i systemer, brugeroprettelser mv.", "skriv til {email:nexus-team}.", 1), "utf-8")
    out = tmp_path / "out"
    result = build(out, "--unit", "bakkehuset", content=content)
    assert result.exit_code == 0, result.output
    text = pdf_text(out / "bakkehuset" / "plan.da.pdf")
    assert "{OBS} Ring 72 36 14 48. Nexus opdateres" in text, text
    assert "IT-nedbrud {1}" in text and "{phone" not in text and "{{" not in text
    assert "skriv til nexus-drift@holb.dk" in text and "{email" not in text, text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_a_yaml_file_saved_as_unicode_with_its_mark_is_read(tmp_path, encoding):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    units.write_bytes(units.read_text("utf-8").encode(encoding))
    result = _check(content)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("encoding", ["cp1252", "cp850", "utf-16-le"])  # Notepad's "ANSI", DOS, no mark
def test_a_yaml_file_in_another_encoding_is_refused_saying_what_to_do(tmp_path, encoding):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    text = units.read_text("utf-8").replace("–", "-")  # (DOS has no dash)
    units.write_bytes(text.encode(encoding))
    result = _check(content)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    lines = [ln for ln in result.output.splitlines() if "units.yaml:" in ln]
    assert lines and "UTF-8" in lines[0] and "Save the file as UTF-8" in lines[0], result.output
    if encoding == "utf-16-le":
        assert "zero bytes (UTF-16 text without a byte-order mark" in lines[0]
        return
    first = next(i for i, c in enumerate(text) if ord(c) > 127)
    byte = text[first].encode(encoding)[0]
    line, column = text[:first].count("\n") + 1, first - text.rfind("\n", 0, first)
    assert f"units.yaml:{line}:{column}: byte 0x{byte:02X} (" in lines[0], lines[0]
    assert f"'{text[first]}' in an old DOS program's code page 850" in lines[0] if encoding == "cp850" else \
        f"'{text[first]}' in Windows-1252" in lines[0], lines[0]


@pytest.mark.parametrize(("rename", "says"), [
    (("units.yaml", "Units.yaml"), "Units.yaml: rename this file to 'units.yaml'"),
    (("plans/nexus.yaml", "plans/nexus.yml"), "nexus.yml: rename this file to 'nexus.yaml'"),
    (("plans", "Plans"), "Plans: rename this folder to 'plans'"),
    (("organisation.yaml", "organization.yaml"), "organisation.yaml: required file is missing; found "
                                                 "'organization.yaml'"),
    (("units.yaml", "units.xls"), "units.yaml: required file is missing; found 'units.xls', which nødkit does not "
                                  "read"),
])
def test_a_file_under_a_name_nodkit_does_not_read_is_named(tmp_path, rename, says):
    content = copy_content(tmp_path)
    (content / rename[0]).rename(content / rename[1])
    result = _check(content)
    assert result.exit_code == 2 and says in result.output, result.output
    assert "units.yaml: required file is missing" not in result.output or rename[1] == "units.xls"


def test_build_names_a_letter_the_font_lacks_once_at_its_place(tmp_path):
    """`build` makes the check `check` makes, first: one problem with file:line:column, not one
    failed document per unit, language and document without a place."""
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    text = units.read_text("utf-8").replace("name: Botilbud Bakkehuset", "name: Botilbud Bakkehuset 日本", 1)
    units.write_text(text, "utf-8")
    line = text[:text.index("日本")].count("\n") + 1
    out = tmp_path / "out"
    result = build(out, content=content)
    assert result.exit_code == 2, result.output
    problems = [ln for ln in result.output.splitlines() if ln.startswith("  ")]
    assert len(problems) == 1 and re.search(rf"units\.yaml:{line}:\d+: units\[0\]\.name: .*U\+65E5", problems[0]), \
        result.output
    assert not out.exists()


def test_a_password_in_an_address_is_not_repeated_in_the_message(tmp_path):
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    plan.write_text(plan.read_text("utf-8").replace("url: http://holbaek.nexus.kmd.dk",
                                                    "url: https://anne:hemmelig@holbaek.nexus.kmd.dk", 1), "utf-8")
    result = _check(content)
    assert result.exit_code == 2 and "hemmelig" not in result.output, result.output


@pytest.mark.parametrize(("as_of", "says"), [("2022-09-07", "before plan 'nexus' was approved on 2022-09-08"),
                                             ("far", "more than two years after today")])
def test_an_unlikely_as_of_date_is_warned_about(tmp_path, as_of, says):
    import datetime as dt
    if as_of == "far":
        as_of = (dt.date.today() + dt.timedelta(days=2 * 365 + 10)).isoformat()
    result = run("check", "--as-of", as_of)
    assert result.exit_code == 0 and re.search(r"warning: .*" + re.escape(says), result.output), result.output
    out = tmp_path / "out"
    built = run("build", "--out", str(out), "--as-of", as_of, "--unit", "bakkehuset")
    assert built.exit_code == 0 and re.search(r"warning: .*" + re.escape(says), built.output), built.output
    usual = run("check", "--as-of", "2026-11-27")
    assert "--as-of" not in usual.output, usual.output


# --- issue 14: units in a spreadsheet, as Danish Excel and old tools save it ----------------------

def _units_sheet(tmp_path: Path, name: str) -> Path:
    """The example's units exported to units.csv / units.xlsx (and units.yaml removed)."""
    content = copy_content(tmp_path)
    assert run("units", "export", str(content / name), "--content", str(content)).exit_code == 0
    (content / "units.yaml").unlink()
    return content


def _csv_text(content: Path) -> str:
    return (content / "units.csv").read_text("utf-8-sig")


def _units(content: Path) -> list:
    from nødkit.content.load import load_content
    return load_content(content).units


@pytest.mark.parametrize(("encoding", "change"), [
    ("utf-16", lambda t: t.replace(";", "\t")),  # Excel's "Unicode text": UTF-16 with its mark, tab-separated
    ("utf-32", None),
    ("cp1252", None),  # Excel's plain "CSV" on a Danish Windows
    ("utf-8", lambda t: "sep=;\r\n" + t),  # the first line some tools write so that Excel picks the separator
    ("utf-8", lambda t: t.replace(";ja;", ";SAND;").replace(";nej;", ";FALSK;")),  # Danish Excel's TRUE/FALSE
])
def test_a_units_csv_as_excel_saves_it_is_read_as_the_same_units(tmp_path, encoding, change):
    content = _units_sheet(tmp_path, "units.csv")
    expected = _units(content)
    text = _csv_text(content)
    (content / "units.csv").write_bytes((change(text) if change else text).encode(encoding))
    assert _units(content) == expected


@pytest.mark.parametrize(("case", "says"), [
    ("dos-with-undecodable-byte", "byte 0x8F ('Å' in an old DOS program's code page 850) is not UTF-8 text; tried: "
                                  "UTF-8, Windows-1252. Save it from the spreadsheet program as \"CSV UTF-8\""),
    ("dos-read-as-1252", "looks like text from an old DOS or Mac program (code page 850"),
    ("mac-roman", "looks like text from an old DOS or Mac program"),
    ("utf-16-without-mark", "zero bytes (UTF-16 text without a byte-order mark"),
    ("utf-8-read-as-1252-and-saved", "'Ã¥' looks like 'å'"),
])
def test_a_units_csv_in_an_encoding_that_would_print_wrong_is_refused(tmp_path, case, says):
    content = _units_sheet(tmp_path, "units.csv")
    text = _csv_text(content)
    raw = {"dos-with-undecodable-byte": lambda: text.replace("Strandgården", "Åstrup").encode("cp850"),
           "dos-read-as-1252": lambda: text.encode("cp850"),
           "mac-roman": lambda: text.replace("–", "-").encode("mac_roman"),
           "utf-16-without-mark": lambda: text.encode("utf-16-le"),
           "utf-8-read-as-1252-and-saved": lambda: text.encode("utf-8").decode("cp1252").encode("utf-8")}[case]()
    (content / "units.csv").write_bytes(raw)
    result = _check(content)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    lines = [ln for ln in result.output.splitlines() if "units.csv" in ln and says in ln]
    assert lines, result.output
    if case == "utf-8-read-as-1252-and-saved":  # named at its cell
        assert "units.csv, row 3, column Navn: units[1].name: " in result.output, result.output
    elif case != "utf-16-without-mark":  # at its line and column
        assert re.search(r"units\.csv:\d+:\d+: ", lines[0]), lines[0]


@pytest.mark.parametrize(("edit_row", "says"), [
    (lambda row: row.replace("Botilbud Strandgården", '"Botilbud Strandgården'),
     'a quote (") opens a cell in this row and is never closed'),
    (lambda row: row.replace("Botilbud Strandgården", '"Botilbud" Strandgården'),
     'a quote (") in this row is followed by more text in the same cell'),
])
def test_a_stray_quote_in_a_units_csv_is_named_at_its_row(tmp_path, edit_row, says):
    content = _units_sheet(tmp_path, "units.csv")
    lines = _csv_text(content).splitlines()
    lines[2] = edit_row(lines[2])
    (content / "units.csv").write_text("\n".join(lines) + "\n", "utf-8")
    result = _check(content)
    assert result.exit_code == 2, result.output
    assert f"units.csv, row 3: {says}" in result.output, result.output


def _xlsx_cell(content: Path, cell: str, value, data_type: str | None = None) -> None:
    import openpyxl
    path = content / "units.xlsx"
    book = openpyxl.load_workbook(path)
    book.active[cell].value = value
    if data_type:
        book.active[cell].data_type = data_type
    book.save(path)


@pytest.mark.parametrize(("cell", "value", "data_type", "heading", "field", "says"), [
    ("B3", "date", None, "Navn", "units[1].name", "a date or time (2026-04-03) where text is expected"),
    ("D2", 4300, None, "Adresse", "units[0].address", "a number (4300) where text is expected"),
    ("B4", 12.5, None, "Navn", "units[2].name", "a number (12.5) where text is expected"),
    ("E2", True, None, "Telefon", "units[0].phone", "a TRUE/FALSE value (SAND in Danish Excel) where a phone number"),
    ("G5", "date", None, "Leder tlf.", "units[3].leader.phone", "a date or time"),
    ("B2", '=A2&" hus"', None, "Navn", "units[0].name", 'a formula (=A2&" hus") without a saved value'),
    ("F3", "#REF!", "e", "Leder", "units[1].leader.name", "the cell shows an error (#REF!)"),
    ("B2", "Botilbud\u200bBakkehuset", None, "Navn", "units[0].name", "an invisible character U+200B"),
    ("B2", "Botilbud\tBakkehuset", None, "Navn", "units[0].name", "a tab character in the cell"),
], ids=["date-in-name", "number-in-address", "decimals-in-name", "bool-in-phone", "date-in-phone",
        "formula-without-value", "error-value", "zero-width-space", "tab"])
def test_a_cell_of_the_wrong_kind_is_named_at_its_cell(tmp_path, cell, value, data_type, heading, field, says):
    import datetime as dt
    content = _units_sheet(tmp_path, "units.xlsx")
    _xlsx_cell(content, cell, dt.datetime(2026, 4, 3) if value == "date" else value, data_type)
    out = tmp_path / "out"
    for result in (_check(content), build(out, content=content)):
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        row = int(cell[1:])
        assert f"units.xlsx, sheet Enheder, row {row}, column {heading}: {field}: {says}" in result.output, \
            result.output
    assert not out.exists()


@pytest.mark.parametrize(("value", "example"), [(True, True), (False, False), ("SAND", True), ("falsk", False),
                                                ("Ja", True), ("✓", True)])
def test_yes_no_cells_as_danish_excel_writes_them(tmp_path, value, example):
    content = _units_sheet(tmp_path, "units.xlsx")
    _xlsx_cell(content, "J2", value)  # Eksempel
    assert _units(content)[0].example is example


def test_a_row_of_formulas_without_values_is_not_skipped(tmp_path):
    """A row whose every cell is a formula never calculated looked empty, and its unit was
    silently left out."""
    content = _units_sheet(tmp_path, "units.xlsx")
    for column in "ABCDEFG":
        _xlsx_cell(content, f"{column}7", f'="x{column}"')
    result = _check(content)
    assert result.exit_code == 2 and "units.xlsx, sheet Enheder, row 7, column Id: units[5].id: a formula" \
        in result.output, result.output
