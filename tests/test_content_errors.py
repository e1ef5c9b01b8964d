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
