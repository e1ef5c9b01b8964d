"""Adopting nødkit elsewhere: `init`, placeholders, units from a spreadsheet, export.

Everything runs on real files: the folder `init` writes, spreadsheets written with
openpyxl/csv as an admin's spreadsheet program would, and a real build of the result.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import CONTENT, build, run
from nødkit.content.load import load_content
from nødkit.schema import schemas

PLACEHOLDER = re.compile(r'"<<(?:FILL IN|UDFYLD): ([^"]*)>>"')  # English, Danish
DA_HEADER = ["Id", "Navn", "Plan", "Adresse", "Telefon", "Leder", "Leder tlf.", "Naboenheder", "Sprog", "Eksempel",
             "Kopier poster-a3"]


def init(tmp_path: Path, *args: str) -> Path:
    root = tmp_path / "fjordby"
    result = run("init", str(root), *args)
    assert result.exit_code == 0, result.output
    return root


def placeholders(root: Path) -> list[tuple[str, int, int, str]]:
    """(file, line, column, text) of every placeholder value in the YAML files (comments excluded)."""
    found = []
    for path in sorted(root.rglob("*.yaml")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            for match in PLACEHOLDER.finditer(line.split(" #")[0]):
                found.append((str(path), number, match.start() + 1, match[1]))
    return found


def value_for(what: str, n: int) -> str:
    """What an admin would write for the n-th placeholder: the example it gives, or a fitting value."""
    if "phone" in what or "telefon" in what:
        return f"33 12 {40 + n:02d} {10 + n:02d}"
    if "e-mail" in what:
        return "cura@fjordby.example"
    if what.startswith(("opens at", "åbner")):
        return "08:00"
    if what.startswith(("closes at", "lukker")):
        return "15:30"
    if "YYYY-MM-DD" in what or "ÅÅÅÅ-MM-DD" in what:
        return "2025-01-30"
    if "https://" in what:
        return "https://cura.fjordby.example/nod"
    if "unit's id" in what or "enhedens id" in what:
        return "fjordgaarden"
    for example in ("e.g. ", "fx "):
        if example in what:
            return what.split(example, 1)[1]
    return what[0].upper() + what[1:] + "."


def fill(root: Path, keep: int = 0) -> list[tuple[str, int, int, str]]:
    """Replace every placeholder but the last `keep`; returns the ones kept."""
    kept = placeholders(root)[len(placeholders(root)) - keep:] if keep else []
    numbers = iter(range(100))
    for path in sorted(root.rglob("*.yaml")):
        text = path.read_text("utf-8")
        lines = text.splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.lstrip().startswith("#"):
                continue
            if any(k[0] == str(path) and k[1] == i + 1 for k in kept):
                continue
            lines[i] = PLACEHOLDER.sub(lambda m: json.dumps(value_for(m[1], next(numbers)), ensure_ascii=False), line)
        path.write_text("".join(lines), encoding="utf-8")
    return kept


def unit_rows(count: int) -> list[list]:
    rows = []
    for i in range(1, count + 1):
        neighbours = ", ".join(f"enhed-{j:02d}" for j in (i - 1, i + 1) if 1 <= j <= count)
        # every third phone typed as a number, as Excel stores it when nobody formats the cell as text
        phone = float(f"4567{i:04d}") if i % 3 == 0 else f"45 67 {i // 100:02d} {i % 100:02d}"
        rows.append([f"enhed-{i:02d}", f"Plejecenter Nummer {i}", "nexus", f"Fjordvej {i}, 9999 Fjordby", phone,
                     f"Leder Nummer {i}", f"45 68 {i // 100:02d} {i % 100:02d}", neighbours, "da",
                     ["ja", "x", "yes", "", "nej"][i % 5], 2 if i % 4 == 0 else None])
    return rows


def write_xlsx(path: Path, header: list, rows: list[list], title: str = "Enheder", blank_after: int | None = None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for n, row in enumerate(rows, start=1):
        sheet.append(row)
        if n == blank_after:
            sheet.append([])
    book.save(path)


# --- init ------------------------------------------------------------------------------------

def test_init_writes_a_commented_folder_with_schemas(tmp_path):
    root = init(tmp_path, "--organisation", "Fjordby Kommune", "--lang", "da")
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert files == {"organisation.yaml", "contacts.yaml", "plans/nexus.yaml", "units.yaml", "nodkit.toml",
                     ".schemas/organisation.schema.json", ".schemas/contacts.schema.json",
                     ".schemas/plan.schema.json", ".schemas/units.schema.json"}
    for kind, body in schemas().items():
        assert json.loads((root / ".schemas" / f"{kind}.schema.json").read_text("utf-8")) == body
    for rel, kind in [("organisation.yaml", "organisation"), ("contacts.yaml", "contacts"),
                      ("plans/nexus.yaml", "plan"), ("units.yaml", "units")]:
        text = (root / rel).read_text("utf-8")
        first = text.splitlines()[0]
        schema_dir = "../.schemas" if rel.startswith("plans/") else ".schemas"
        assert first == f"# yaml-language-server: $schema={schema_dir}/{kind}.schema.json"
        assert (root / rel).parent.joinpath(schema_dir, f"{kind}.schema.json").is_file()
        yaml.safe_load(text)  # valid YAML as written, placeholders and all
        # every field is explained where it first appears: a comment on its line or just above
        # it, or the placeholder's own words
        lines = text.splitlines()
        seen = set()
        for i, line in enumerate(lines):
            key = re.match(r"^\s*(?:- )?([a-z_]+):", line)
            if not key or key[1] in seen:
                continue
            seen.add(key[1])
            previous = next((l for l in reversed(lines[:i]) if l.strip()), "")
            assert "#" in line or "<<UDFYLD" in line or previous.lstrip().startswith("#"), \
                f"{rel}:{i + 1}: no comment explains {line.strip()!r}"
    assert yaml.safe_load((root / "organisation.yaml").read_text("utf-8"))["name"] == "Fjordby Kommune"
    assert yaml.safe_load((root / "units.yaml").read_text("utf-8"))["units"][0]["languages"] == ["da"]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    root = tmp_path / "existing"
    root.mkdir()
    (root / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("init", str(root))
    assert result.exit_code == 2
    assert "is not empty" in result.output and str(root) in result.output
    assert [p.name for p in root.iterdir()] == ["notes.txt"]


def test_every_placeholder_left_is_named_with_its_location(tmp_path):
    root = init(tmp_path)  # no --organisation: the name is a placeholder too
    expected = placeholders(root)
    assert len(expected) >= 30
    assert any(f.endswith("organisation.yaml") for f, *_ in expected)
    result = run("check", "--content", str(root))
    assert result.exit_code == 2
    reported = re.findall(r"^  (.+?):(\d+):(\d+): (\S+): still a placeholder \"<<UDFYLD: ([^\"]*)>>\"",
                          result.output, re.M)
    assert sorted((f, int(line), int(col), what) for f, line, col, _field, what in reported) == sorted(expected)
    assert f"error: {len(expected)} problems" in result.output
    # the field path is named too
    assert re.search(r"contacts\.yaml:\d+:\d+: contacts\[0\]\.phones\[0\]: still a placeholder", result.output)
    assert re.search(r"units\.yaml:\d+:\d+: units\[0\]\.leader\.phone: still a placeholder", result.output)


def test_a_few_placeholders_left_are_the_only_problems(tmp_path):
    root = init(tmp_path, "--organisation", "Fjordby Kommune")
    kept = fill(root, keep=2)
    assert len(kept) == 2 and all(k[0].endswith("units.yaml") for k in kept)
    result = run("check", "--content", str(root))
    assert result.exit_code == 2
    lines = [l.strip() for l in result.output.splitlines() if l.startswith("  ")]
    # the placeholder message, not "'<<FILL IN…>>' is not a phone number" from validation
    assert [l.split(": ")[0] for l in lines] == [f"{f}:{line}:{col}" for f, line, col, _ in kept]
    assert all("still a placeholder" in l for l in lines)


def test_filled_in_folder_is_valid_content(tmp_path):
    root = init(tmp_path, "--organisation", "Fjordby Kommune")
    fill(root)
    assert placeholders(root) == []
    result = run("check", "--content", str(root))
    assert result.exit_code == 0, result.output
    assert "ok: 1 units, 1 plan(s)" in result.output


def test_init_then_a_20_unit_spreadsheet_builds_a_full_kit(tmp_path):
    root = init(tmp_path, "--organisation", "Fjordby Kommune")
    fill(root)
    (root / "units.yaml").unlink()
    write_xlsx(root / "units.xlsx", DA_HEADER, unit_rows(20), blank_after=7)  # a blank row is skipped
    out = tmp_path / "output"
    result = build(out, content=root)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    units = {e["unit"] for e in manifest["files"]}
    assert units == {f"enhed-{i:02d}" for i in range(1, 21)}
    per_unit = {u: sorted(e["document"] for e in manifest["files"] if e["unit"] == u) for u in units}
    assert len({tuple(v) for v in per_unit.values()}) == 1  # every unit gets the same full kit
    assert {"poster-a3", "poster-a4", "plan"} <= set(per_unit["enhed-01"])
    for entry in manifest["files"]:
        assert (out / entry["path"]).read_bytes()[:5] == b"%PDF-"
    content = load_content(root)
    assert content.unit("enhed-03").phone == "+4545670003"  # typed as a number: 45670003.0
    assert content.unit("enhed-04").copies == {"poster-a3": 2}
    assert [content.unit(f"enhed-{i:02d}").example for i in (1, 2, 3, 4, 5)] == [True, True, False, False, True]
    assert content.unit("enhed-02").neighbours == ["enhed-01", "enhed-03"]


# --- spreadsheet problems --------------------------------------------------------------------

def spreadsheet_content(tmp_path: Path, name: str = "units.xlsx") -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / "units.yaml").unlink()
    return root / name


def test_a_bad_cell_is_named_by_sheet_row_and_column(tmp_path):
    target = spreadsheet_content(tmp_path)
    rows = unit_rows(20)
    rows[12][6] = "72 36 XX XX"  # row 14: the header is row 1
    rows[4][0] = "Enhed 5"  # not an id
    write_xlsx(target, DA_HEADER, rows)
    result = run("check", "--content", str(target.parent))
    assert result.exit_code == 2
    assert (f"{target}, sheet Enheder, row 14, column Leder tlf.: units[12].leader.phone: "
            f"'72 36 XX XX' is not a phone number") in result.output
    assert f"{target}, sheet Enheder, row 6, column Id: units[4].id: " in result.output


def test_blank_required_cell_and_unknown_neighbour(tmp_path):
    target = spreadsheet_content(tmp_path)
    rows = unit_rows(3)
    rows[1][5] = None  # no leader's name
    write_xlsx(target, DA_HEADER, rows, blank_after=1)  # rows below the blank row keep their numbers
    result = run("check", "--content", str(target.parent))
    assert result.exit_code == 2
    assert f"{target}, sheet Enheder, row 4, column Leder: units[1].leader.name: expected text" in result.output
    rows = unit_rows(3)
    rows[2][7] = "enhed-02, enhed-07"
    write_xlsx(target, DA_HEADER, rows, blank_after=1)
    result = run("check", "--content", str(target.parent))
    assert result.exit_code == 2
    assert (f"{target}, sheet Enheder, row 5, column Naboenheder: units[2].neighbours[1]: "
            f"unknown neighbour unit 'enhed-07'") in result.output


def test_unknown_header_column_is_named_with_a_suggestion(tmp_path):
    target = spreadsheet_content(tmp_path)
    header = DA_HEADER.copy()
    header[7] = "Naboer"
    write_xlsx(target, header, unit_rows(3))
    result = run("check", "--content", str(target.parent))
    assert result.exit_code == 2
    assert (f"{target}, sheet Enheder, row 1, column Naboer: unknown column 'Naboer'; "
            f"did you mean 'Naboenheder'?") in result.output
    assert "Expected columns: Id, Navn, Plan" in result.output  # listed in the sheet's own language


def test_missing_required_column(tmp_path):
    target = spreadsheet_content(tmp_path)
    write_xlsx(target, DA_HEADER[:6] + DA_HEADER[7:], [r[:6] + r[7:] for r in unit_rows(3)])
    result = run("check", "--content", str(target.parent))
    assert result.exit_code == 2
    assert "the header row has no column 'Leder tlf.' (leader_phone)" in result.output


def test_two_unit_sources_at_once(tmp_path):
    target = spreadsheet_content(tmp_path, "units.csv")
    shutil.copy(CONTENT / "units.yaml", target.parent / "units.yaml")
    target.write_text(";".join(DA_HEADER) + "\n", encoding="utf-8")
    result = run("check", "--content", str(target.parent))
    assert result.exit_code == 2
    assert "the units are in both units.yaml and units.csv; keep exactly one of them" in result.output


def test_csv_with_danish_headers_and_fixed_keys(tmp_path):
    target = spreadsheet_content(tmp_path, "units.csv")
    # Excel's "CSV (semikolonsepareret)" on a Danish Windows: Windows-1252, ";"
    with target.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(DA_HEADER)
        writer.writerow(["sohuset", "Botilbud Søhuset", "nexus", "Åvej 1, 4300 Holbæk", "99 99 10 01",
                         "Øjvind Ærø", "99991002", "boegely, aaen", "da, en", "ja", "3"])
        writer.writerow([])
        writer.writerow(["boegely", "Bøgely", "nexus", "Åvej 2", "99 99 2O 01", "Ib", "99 99 20 02", "", "", "", ""])
        writer.writerow(["aaen", "Åen", "nexus", "Åvej 3", "99 99 30 01", "Ea", "99 99 30 02", "sohuset", "", "", ""])
    problems = run("check", "--content", str(target.parent))
    assert problems.exit_code == 2
    # no sheet in a CSV; the row counts the blank line
    assert f"{target}, row 4, column Telefon: units[1].phone: '99 99 2O 01' is not a phone number" \
        in problems.output
    target.write_text(target.read_text("cp1252").replace("2O", "20"), encoding="cp1252")
    content = load_content(target.parent)
    first = content.unit("sohuset")
    assert (first.name, first.address, first.leader.name) == ("Botilbud Søhuset", "Åvej 1, 4300 Holbæk", "Øjvind Ærø")
    assert first.leader.phone == "+4599991002"
    assert (first.neighbours, first.languages, first.example, first.copies) == (
        ["boegely", "aaen"], ["da", "en"], True, {"poster-a3": 3})
    assert [u.id for u in content.units] == ["sohuset", "boegely", "aaen"]

    # the fixed keys work as headers too, comma-separated and UTF-8 with a byte-order mark
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name", "plan", "address", "phone", "leader_name", "leader_phone", "neighbours",
                         "copies:poster-a4"])
        writer.writerow(["sohuset", "Søhuset", "nexus", "Åvej 1", "99 99 10 01", "Øjvind", "99 99 10 02",
                         "boegely", "2"])
        writer.writerow(["boegely", "Bøgely", "nexus", "Åvej 2", "99 99 20 01", "Ib", "99 99 20 02", "", ""])
    content = load_content(target.parent)
    assert [u.id for u in content.units] == ["sohuset", "boegely"]
    assert content.unit("sohuset").copies == {"poster-a4": 2}
    assert run("check", "--content", str(target.parent)).exit_code == 0


# --- export ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["units.xlsx", "units.csv"])
def test_export_then_import_gives_the_same_units(tmp_path, name):
    exported = tmp_path / name
    result = run("units", "export", str(exported), "--content", str(CONTENT))
    assert result.exit_code == 0, result.output
    assert "wrote 5 units" in result.output
    target = spreadsheet_content(tmp_path, name)
    shutil.copy(exported, target)
    before, after = load_content(CONTENT), load_content(target.parent)
    assert after.units == before.units
    assert after.docs["units.yaml"].file == target
    assert run("check", "--content", str(target.parent)).exit_code == 0


def test_export_writes_the_organisations_language_and_national_phones(tmp_path):
    exported = tmp_path / "enheder.xlsx"
    assert run("units", "export", str(exported), "--content", str(CONTENT)).exit_code == 0
    book = openpyxl.load_workbook(exported)
    sheet = book["Enheder"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == DA_HEADER + ["Kopier poster-a4"]
    assert rows[1][:10] == ["bakkehuset", "Botilbud Bakkehuset", "nexus", "Eksempelvej 1, 4300 Holbæk",
                            "99 99 10 01", "Anne Eksempel", "99 99 10 02", "strandgaarden, lindely", "da", "ja"]
    # refuses to overwrite, and says so
    again = run("units", "export", str(exported), "--content", str(CONTENT))
    assert again.exit_code == 2 and "exists" in again.output
    assert run("units", "export", str(exported), "--content", str(CONTENT), "--force").exit_code == 0


def test_export_edit_build_round_trip(tmp_path):
    """The admin's loop: export, change a leader's phone and add a unit in the spreadsheet, check."""
    root = spreadsheet_content(tmp_path).parent
    shutil.copy(CONTENT / "units.yaml", root / "units.yaml")
    assert run("units", "export", str(root / "units.xlsx"), "--content", str(root)).exit_code == 0
    assert run("check", "--content", str(root)).exit_code == 2  # two sources now
    (root / "units.yaml").unlink()
    book = openpyxl.load_workbook(root / "units.xlsx")
    sheet = book["Enheder"]
    sheet["G2"] = 99991099  # the leader's phone, typed as a number
    sheet.append(["ny-enhed", "Ny enhed", "nexus", "Nyvej 1", "99 99 60 01", "Ny Leder", "99 99 60 02",
                  "bakkehuset", "da", "ja"])
    book.save(root / "units.xlsx")
    content = load_content(root)
    assert content.unit("bakkehuset").leader.phone == "+4599991099"
    assert content.unit("ny-enhed").neighbours == ["bakkehuset"]
    assert [u.id for u in content.units][:5] == [u.id for u in load_content(CONTENT).units]


# --- init in the admin's language, and the units exported right after it (issue 15) -------------

def comments(root: Path) -> str:
    return "\n".join(line for path in sorted(root.rglob("*.yaml")) for line in path.read_text("utf-8").splitlines()
                     if "#" in line)


def test_init_writes_its_comments_and_placeholders_in_the_chosen_language(tmp_path):
    danish = init(tmp_path / "da", "--lang", "da")
    english = init(tmp_path / "en", "--lang", "en")
    da_words, en_words = comments(danish), comments(english)
    assert "Hvem personalet ringer til" in da_words and "Whom staff call" not in da_words
    assert "Whom staff call" in en_words and "Hvem personalet ringer til" not in en_words
    da_values = [what for *_, what in placeholders(danish)]
    en_values = [what for *_, what in placeholders(english)]
    assert "enhedens navn" in da_values and "the unit's name" in en_values
    assert len(da_values) == len(en_values)  # the same fields left to fill in, in either language
    assert all("<<UDFYLD: " in line for line in (danish / "units.yaml").read_text("utf-8").splitlines()
               if "<<" in line and not line.lstrip().startswith("#"))
    # the Danish words are recognised as placeholders, not as wrong values
    result = run("check", "--content", str(danish))
    assert result.exit_code == 2 and "units[0].phone: still a placeholder \"<<UDFYLD: enhedens egen telefon>>\"" \
        in result.output
    assert "Erstat hvert" in (danish / "organisation.yaml").read_text("utf-8")
    assert "projektfil" in (danish / "nodkit.toml").read_text("utf-8")


def test_init_in_a_language_without_its_words_writes_english(tmp_path):
    root = init(tmp_path, "--lang", "sv")
    assert "Whom staff call" in comments(root)
    assert yaml.safe_load((root / "organisation.yaml").read_text("utf-8"))["default_language"] == "sv"


def test_a_fresh_folder_is_checked_and_built_with_no_options(tmp_path, monkeypatch):
    root = init(tmp_path, "--organisation", "Fjordby Kommune")
    fill(root)
    monkeypatch.chdir(root)
    check = run("check")
    assert check.exit_code == 0, check.output
    assert f"project file: {root / 'nodkit.toml'}" in check.output
    result = run("build", "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert (root / "output" / "fjordgaarden" / "poster-a3.da.pdf").is_file()


@pytest.mark.parametrize("name", ["units.xlsx", "units.csv"])
def test_units_export_works_in_a_fresh_folder_and_keeps_the_placeholders(tmp_path, monkeypatch, name):
    """Right after init the plan and contacts are placeholders: export checks the units only and
    gives a template — the headings and the one example row with its placeholders as written."""
    root = init(tmp_path)
    monkeypatch.chdir(root)
    result = run("units", "export", name)
    assert result.exit_code == 0, result.output
    assert "wrote 1 unit to" in result.output
    if name.endswith(".xlsx"):
        rows = [[c.value for c in row] for row in openpyxl.load_workbook(root / name)["Enheder"].iter_rows()]
    else:
        rows = list(csv.reader((root / name).read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:7] == DA_HEADER[:7]
    unit = yaml.safe_load((root / "units.yaml").read_text("utf-8"))["units"][0]
    assert rows[1][:7] == [unit["id"], unit["name"], "nexus", unit["address"], unit["phone"], unit["leader"]["name"],
                           unit["leader"]["phone"]]
    assert all(cell.startswith("<<UDFYLD: ") for cell in rows[1][:7] if cell != "nexus")
    # the spreadsheet is the units' file now: every placeholder left is named at its cell
    (root / "units.yaml").unlink()
    check = run("check")
    assert check.exit_code == 2
    where = f"{root / name}, sheet Enheder, row 2" if name.endswith(".xlsx") else f"{root / name}, row 2"
    assert f"{where}, column Telefon: units[0].phone: still a placeholder" in check.output


def test_units_export_checks_the_units_and_only_the_units(tmp_path):
    root = init(tmp_path)
    units = root / "units.yaml"
    units.write_text(units.read_text("utf-8").replace('"<<UDFYLD: enhedens egen telefon>>"', '"12"'), "utf-8")
    fill(root)  # the unit is filled in, with a phone number that is not one
    plan = root / "plans" / "nexus.yaml"
    plan.write_text(plan.read_text("utf-8").replace('"https://cura.fjordby.example/nod"', '"<<UDFYLD: senere>>"'),
                    "utf-8")
    result = run("units", "export", str(tmp_path / "units.xlsx"), "--content", str(root))
    assert result.exit_code == 2
    assert "units[0].phone" in result.output and "senere" not in result.output  # the plan is not its business
