"""What every unit of a plan shares, drawn once (render/stamp.py, issue 16), tested on real builds.

Two units of one plan share each registration sheet's page without a unit (drawn once,
replayed under each unit's words, and their thumbnail) and the print pack's instructions page;
a third, an example unit, has its own (the watermark is part of it). Every unit's documents must still
show its own name and kit version and nothing of another unit's, the same bytes however often
they are built, and the same reprint inputs whether the shared part was drawn for it or for
another unit.
"""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from pathlib import Path

import pytest

import nødkit.render.sheets as sheets
import nødkit.render.stamp as stamp
from conftest import build, copy_content, pdf_text

UNITS = """\
units:
  - id: enga
    name: Botilbud Engen
    plan: nexus
    address: Prøvevej 1, 4300 Holbæk
    phone: 99 99 61 01
    leader: {name: Greta Prøve, phone: 99 99 61 02}
    languages: [da]

  - id: skovmoellen
    name: Bofællesskabet ved den gamle Skovmølle, afdeling tre
    plan: nexus
    address: Prøvevej 2, 4300 Holbæk
    phone: 99 99 62 01
    leader: {name: Holger Tester, phone: 99 99 62 02}
    languages: [da]

  - id: demo
    name: Plejecenter Demo
    plan: nexus
    address: Prøvevej 3, 4300 Holbæk
    phone: 99 99 63 01
    leader: {name: Ida Eksempel, phone: 99 99 63 02}
    languages: [da]
    example: true
"""
NAMES = {"enga": "Botilbud Engen", "skovmoellen": "Bofællesskabet ved den gamle Skovmølle, afdeling tre",
         "demo": "Plejecenter Demo"}
SHARING = ("enga", "skovmoellen")  # same plan, same language, neither an example


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Three builds in this process (one worker): both units, again, and the second unit alone
    with nothing cached. Returns (out folders, backgrounds drawn per sheet in the first build)."""
    tmp = tmp_path_factory.mktemp("shared")
    content = copy_content(tmp)
    (content / "units.yaml").write_text(UNITS, "utf-8")
    mp = pytest.MonkeyPatch()
    drawn: Counter = Counter()
    original = sheets._background

    def counting(kit, layout, fonts):
        drawn[(layout.id, kit.example)] += 1
        return original(kit, layout, fonts)

    try:
        mp.setattr(sheets, "_background", counting)
        outs = {}
        # "again" keeps what "first" drew; "alone" starts with nothing drawn
        for name, extra, fresh in (("first", (), True), ("again", (), False),
                                   ("alone", ("--unit", "skovmoellen"), True)):
            if fresh:
                mp.setattr(stamp, "_CACHE", OrderedDict())
            outs[name] = tmp / name
            result = build(outs[name], "--jobs", "1", *extra, content=content)
            assert result.exit_code == 0, result.output
            if name == "first":
                first = dict(drawn)
    finally:
        mp.undo()
    return outs, first


def manifest(out: Path) -> dict[str, dict]:
    return {e["path"]: e for e in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}


def sheet_paths(out: Path, unit: str) -> list[str]:
    paths = sorted(p for p in manifest(out) if p.startswith(f"{unit}/sheet-"))
    assert len(paths) == 9, paths
    return paths


def test_each_units_sheet_shows_its_own_name_and_kit_version_and_nothing_of_another(builds):
    outs, _drawn = builds
    files = manifest(outs["first"])
    versions = {u: files[sheet_paths(outs["first"], u)[0]]["kit_version"] for u in NAMES}
    assert len(set(versions.values())) == 3, versions
    for unit in NAMES:
        for path in sheet_paths(outs["first"], unit):
            text = pdf_text(outs["first"] / path)
            assert NAMES[unit] in text, (path, text)
            assert files[path]["kit_version"] == versions[unit]
            assert f"Kit-version {versions[unit]}" in text, (path, text)
            for other in set(NAMES) - {unit}:
                assert NAMES[other] not in text, (path, other)
                assert versions[other] not in text, (path, other)


def test_only_the_example_units_sheets_have_the_watermark(builds):
    outs, _drawn = builds
    for unit in NAMES:
        for path in sheet_paths(outs["first"], unit):
            assert ("EKSEMPEL" in pdf_text(outs["first"] / path)) == (unit == "demo"), path


def test_units_of_one_plan_share_each_sheets_background(builds):
    outs, drawn = builds
    kinds = {p.split("/")[1] for p in sheet_paths(outs["first"], "enga")}
    assert len(kinds) == 9
    # one background per sheet for the two plain units, one for the example unit
    assert sorted(drawn.values()) == [1] * 18, drawn
    assert {example for _layout, example in drawn} == {False, True}


def test_a_sheet_is_the_same_bytes_in_every_build(builds):
    outs, _drawn = builds
    first, again, alone = (manifest(outs[n]) for n in ("first", "again", "alone"))
    for unit in NAMES:
        for path in sheet_paths(outs["first"], unit):
            assert (outs["first"] / path).read_bytes() == (outs["again"] / path).read_bytes(), path
            assert first[path]["sha256"] == again[path]["sha256"]
    # drawn on a background made for another unit, or on its own: the same file
    for path in sheet_paths(outs["alone"], "skovmoellen"):
        assert alone[path]["sha256"] == first[path]["sha256"], path


def test_reprint_inputs_do_not_depend_on_whose_background_was_drawn(builds):
    """The second unit's sheets reuse the first unit's backgrounds in the first build and draw
    their own when built alone: the kit fields they are recorded to show must be the same."""
    outs, _drawn = builds
    first, alone = manifest(outs["first"]), manifest(outs["alone"])
    for path in sheet_paths(outs["alone"], "skovmoellen"):
        assert alone[path]["inputs"] == first[path]["inputs"], path


def test_the_same_sheet_of_two_units_has_one_thumbnail(builds):
    outs, _drawn = builds
    thumbs = outs["first"] / "_thumbs"
    a, b = SHARING
    for path in sheet_paths(outs["first"], a):
        kind = path.split("/")[1][:-4]
        one, two = thumbs / a / f"{kind}.png", thumbs / b / f"{kind}.png"
        assert one.is_file() and two.is_file(), (one, two)
        assert one.read_bytes() == two.read_bytes(), kind


def test_each_units_print_pack_opens_with_its_own_name_and_kit_version(builds):
    """The instructions page is drawn once for both plain units; each pack's shows its own unit."""
    outs, _drawn = builds
    files = manifest(outs["first"])
    for unit in NAMES:
        version = files[sheet_paths(outs["first"], unit)[0]]["kit_version"]
        first_page = pdf_text(outs["first"] / f"{unit}/print-pack.da.pdf", page=0)
        assert NAMES[unit] in first_page and version in first_page, first_page
        for other in set(NAMES) - {unit}:
            assert NAMES[other] not in first_page
        assert ("EKSEMPEL" in first_page) == (unit == "demo")
    path = "skovmoellen/print-pack.da.pdf"  # built alone, with nothing drawn before: the same file
    assert (outs["alone"] / path).read_bytes() == (outs["first"] / path).read_bytes()
