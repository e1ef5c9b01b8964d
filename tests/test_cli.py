"""The command line: check, list, schema, --help, the entry points, and what a partial or
failed build does to an existing output folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, CONTENT, FIXTURES, build, copy_content, pdf_text, run

from nødkit.build import LOCK
from nødkit.cli import main

OTHER = FIXTURES / "other-municipality"
BIN = Path(sys.executable).parent


def _yaml(path: Path):
    return yaml.safe_load(path.read_text("utf-8"))


def line_of(path: Path, text: str) -> int:
    source = path.read_text("utf-8")
    assert text in source
    return source[:source.index(text)].count("\n") + 1


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))


# --- check --------------------------------------------------------------------------------

def test_check_default_content_passes_with_the_http_and_amk_warnings():
    result = run("check", "--content", str(CONTENT), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    plan = CONTENT / "plans" / "nexus.yaml"
    url = _yaml(plan)["fallback"]["url"]
    assert url.startswith("http://")
    http = [w for w in warnings if url in w and "http://" in w and "not encrypted" in w]
    assert http, result.output
    assert f"plans/nexus.yaml:{line_of(plan, 'url: ' + url)}:" in http[0]  # where to change it
    amk = [w for w in warnings if "'amk'" in w and "no phone number" in w]
    assert amk, result.output
    assert f"contacts.yaml:{line_of(CONTENT / 'contacts.yaml', 'id: amk')}:" in amk[0]
    # check never rewrites the address
    assert _yaml(plan)["fallback"]["url"] == url


def test_check_gives_no_http_or_amk_warning_where_there_is_no_reason():
    """The other municipality uses https and gives every contact a number."""
    result = run("check", "--content", str(OTHER), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "not encrypted" not in result.output
    assert "no phone number" not in result.output
    units = _yaml(OTHER / "units.yaml")["units"]
    assert f"{len(units)} units" in result.output


# --- list ---------------------------------------------------------------------------------

def test_list_json_names_every_unit_and_the_files_a_build_writes(default_kit):
    result = run("list", "--content", str(CONTENT), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    units = _yaml(CONTENT / "units.yaml")["units"]
    listed = {u["id"]: u for u in data["units"]}
    assert list(listed) == [u["id"] for u in units]
    default_lang = _yaml(CONTENT / "organisation.yaml")["default_language"]
    for unit in units:
        entry = listed[unit["id"]]
        assert entry["name"] == unit["name"] and entry["plan"] == unit["plan"]
        langs = unit.get("languages") or [default_lang]
        assert entry["languages"] == langs
        for document in ("poster-a3", "poster-a4"):
            for lang in langs:
                assert f"{unit['id']}/{document}.{lang}.pdf" in entry["files"]
    assert {"poster-a3", "poster-a4"} <= set(data["documents"])
    assert [p["id"] for p in data["plans"]] == [_yaml(p)["id"] for p in sorted((CONTENT / "plans").glob("*.yaml"))]
    # what list says a build writes is what a build wrote
    built = {e["path"] for e in manifest(default_kit)["files"]}
    assert {f for u in data["units"] for f in u["files"]} == built


def test_list_plain_names_every_unit():
    result = run("list", "--content", str(OTHER))
    assert result.exit_code == 0, result.output
    for unit in _yaml(OTHER / "units.yaml")["units"]:
        assert unit["id"] in result.output and unit["name"] in result.output


# --- schema -------------------------------------------------------------------------------

class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2 core): dates stay text."""


_EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _editor_yaml(path: Path):
    return yaml.load(path.read_text("utf-8"), Loader=_EditorLoader)  # noqa: S506 - a SafeLoader subclass


def content_files(content: Path) -> list[tuple[str, Path]]:
    files = [("organisation", content / "organisation.yaml"), ("contacts", content / "contacts.yaml"),
             ("units", content / "units.yaml")]
    return files + [("plan", p) for p in sorted((content / "plans").glob("*.yaml"))]


def test_schema_prints_json_schema_that_accepts_the_content_and_rejects_mistakes():
    jsonschema = pytest.importorskip("jsonschema")
    result = run("schema")
    assert result.exit_code == 0, result.output
    schemas = json.loads(result.output)
    assert set(schemas) == {"organisation", "contacts", "plan", "units"}
    for name, schema in schemas.items():
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
    for content in (CONTENT, OTHER):
        for kind, path in content_files(content):
            validator = jsonschema.validators.validator_for(schemas[kind])(schemas[kind])
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_editor_yaml(path))]
            assert not errors, f"{path}: {errors}"
    # not a schema that accepts anything: a misspelt key and a missing field are caught
    units = _editor_yaml(CONTENT / "units.yaml")
    units["units"][0]["adress"] = units["units"][0].pop("address")
    validator = jsonschema.validators.validator_for(schemas["units"])(schemas["units"])
    messages = " ".join(e.message for e in validator.iter_errors(units))
    assert "adress" in messages and "address" in messages


def test_schema_of_one_kind_and_into_a_folder(tmp_path):
    one = run("schema", "units")
    assert one.exit_code == 0
    assert json.loads(one.output) == json.loads(run("schema").output)["units"]
    result = run("schema", "--out", str(tmp_path / "schemas"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == sorted(f"{k}.schema.json" for k in ("organisation", "contacts", "plan", "units"))
    for path in (tmp_path / "schemas").iterdir():
        assert json.loads(path.read_text("utf-8"))["$schema"].startswith("https://json-schema.org/")


# --- help and entry points ----------------------------------------------------------------

def test_help_works_for_every_command():
    top = run("--help")
    assert top.exit_code == 0 and "Usage" in top.output
    assert {"build", "check", "list", "schema"} <= set(main.commands)
    for name in main.commands:
        assert name in top.output
        for flag in ("--help", "-h"):
            result = run(name, flag)
            assert result.exit_code == 0, f"{name} {flag}: {result.output}"
            assert "Usage" in result.output and name in result.output
    build_help = run("build", "--help").output
    for option in ("--content", "--layouts", "--out", "--unit", "--lang", "--as-of"):
        assert option in build_help


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "nødkit"],
    [str(BIN / "nodkit")],
    [str(BIN / "nødkit")],
], ids=["python-m", "nodkit", "nødkit"])
def test_entry_points(command):
    if not Path(command[0]).exists():
        pytest.fail(f"{command[0]} is not installed")
    proc = subprocess.run(command + ["--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout and "build" in proc.stdout and "Traceback" not in proc.stderr
    version = subprocess.run(command + ["--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and re.search(r"\d+\.\d+", version.stdout), version.stdout + version.stderr


def test_entry_point_reports_bad_content_without_traceback(tmp_path):
    content = copy_content(tmp_path)
    (content / "contacts.yaml").write_text(
        (content / "contacts.yaml").read_text("utf-8").replace('"72 36 14 48"', '"1234"', 1), "utf-8")
    proc = subprocess.run([str(BIN / "nodkit"), "build", "--content", str(content), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert re.search(r"contacts\.yaml:\d+:\d+: contacts\[0\]\.phones\[0\]", proc.stderr), proc.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_unit_is_an_error(tmp_path):
    result = build(tmp_path / "out", "--unit", "nosuch")
    assert result.exit_code == 2 and "nosuch" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_bad_as_of_is_a_usage_error(tmp_path):
    result = run("build", "--out", str(tmp_path / "out"), "--as-of", "27.11.2026")
    assert result.exit_code == 2 and "--as-of" in result.output
    assert not (tmp_path / "out").exists()


# --- partial, stale and failed builds -------------------------------------------------------

def test_unit_build_keeps_the_other_units_entries(tmp_path, default_kit):
    """Change one unit, rebuild only it: its files and entries change, the rest stay as they were."""
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)
    before, before_files = manifest(out), snapshot(out)
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    old = "address: Eksempelvej 1, 4300 Holbæk"
    assert old in units.read_text("utf-8")
    units.write_text(units.read_text("utf-8").replace(old, "address: Eksempelvej 11, 4300 Holbæk", 1), "utf-8")
    unit = _yaml(units)["units"][0]["id"]
    result = build(out, "--unit", unit, content=content)
    assert result.exit_code == 0, result.output
    after = manifest(out)
    old_entries = {e["path"]: e for e in before["files"]}
    new_entries = {e["path"]: e for e in after["files"]}
    assert set(new_entries) == set(old_entries)
    for path, entry in new_entries.items():
        real = hashlib.sha256((out / path).read_bytes()).hexdigest()
        assert entry["sha256"] == real, path
        if entry["unit"] == unit:
            assert entry["sha256"] != old_entries[path]["sha256"], f"{path} not rebuilt"
            if entry["document"].startswith("poster-"):
                assert "Eksempelvej 11" in pdf_text(out / path)
        else:
            assert entry == old_entries[path]
            assert snapshot(out)[path] == before_files[path]


def test_rebuilding_unchanged_content_rewrites_nothing(tmp_path, default_kit):
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)  # (copy2 keeps the modification times)
    unit = _yaml(CONTENT / "units.yaml")["units"][0]["id"]
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}
    mine = [e for e in manifest(out)["files"] if e["unit"] == unit]
    result = build(out, "--unit", unit)
    assert result.exit_code == 0, result.output
    assert re.search(rf"wrote 0, skipped {len(mine)}\b", result.output), result.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")} == stamps
    assert manifest(out)["files"] == manifest(default_kit)["files"]


def test_full_build_removes_deleted_units_files(tmp_path, default_kit):
    """Keep the first unit only (a full build of one unit stays quick): the others' files go."""
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)
    content = copy_content(tmp_path)
    units_file = content / "units.yaml"
    units = _yaml(units_file)["units"]
    kept, gone = units[0], [u["id"] for u in units[1:]]
    text = units_file.read_text("utf-8")
    text = text[:text.index(f"  - id: {units[1]['id']}")]
    text = re.sub(r"neighbours: \[[^\]]*\]", "neighbours: []", text)
    units_file.write_text(text, "utf-8")
    assert [u["id"] for u in _yaml(units_file)["units"]] == [kept["id"]]
    result = build(out, content=content)
    assert result.exit_code == 0, result.output
    paths = {e["path"] for e in manifest(out)["files"]}
    assert paths and {p.split("/")[0] for p in paths} == {kept["id"]}
    for unit in gone:
        assert not list((out / unit).glob("*.pdf")), unit
    for path in paths:
        assert (out / path).is_file()


def test_a_running_build_blocks_a_second_one_and_output_stays(tmp_path, default_kit):
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)
    (out / LOCK).write_text(str(os.getppid()))  # a process that runs: the lock is held
    before = snapshot(out)
    result = build(out, "--unit", _yaml(CONTENT / "units.yaml")["units"][0]["id"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "another" in result.output and str(os.getppid()) in result.output
    assert snapshot(out) == before


def test_the_lock_of_a_build_that_was_killed_is_taken_over(tmp_path, default_kit):
    """`kill -9` or a power cut leaves the lock behind; its process is gone, so the next build
    may go on (and removes the lock when it ends), and removes what the killed build left."""
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    (out / LOCK).write_text(gone)
    # named as nødkit names them (a staging folder, atomic_write's files), so they are known as its own
    left = [out / ".staging-0123456789ab" / "bakkehuset" / "poster-a3.da.pdf", out / ".manifest.json.0a1b2c3d4e5f.tmp",
            out / "calendar" / ".nexus.ics.cd34cd34cd34.tmp", out / "_thumbs" / "bakkehuset" / ".plan.da.png.ef56ef56ef56.tmp"]
    for path in left:  # what the killed build was writing
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    result = build(out, "--unit", _yaml(CONTENT / "units.yaml")["units"][0]["id"])
    assert result.exit_code == 0, result.output
    assert not (out / LOCK).exists()
    assert not [p for p in left if p.exists()] and not list(out.glob(".staging-*")), "the killed build's leftovers"


# --- smaller things an admin runs into (issue 15) -----------------------------------------------

def test_unknown_unit_or_language_gets_a_did_you_mean_naming_the_real_units_file(tmp_path):
    content = copy_content(tmp_path)
    assert run("units", "export", str(content / "units.xlsx"), "--content", str(content)).exit_code == 0
    (content / "units.yaml").unlink()  # the units are in the spreadsheet now
    result = build(tmp_path / "out", "--unit", "lindley", content=content)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{content / 'units.xlsx'}: --unit: no unit 'lindley' in {content / 'units.xlsx'}; " \
           "did you mean 'lindely'?" in result.output
    assert "units.yaml" not in result.output
    result = build(tmp_path / "out", "--lang", "eng", content=content)
    assert result.exit_code == 2 and "no language of any unit 'eng'" in result.output
    assert "did you mean 'en'?" in result.output
    assert not (tmp_path / "out").exists()


def test_an_address_without_its_scheme_gets_a_suggestion(tmp_path):
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    url = _yaml(plan)["fallback"]["url"]
    bare = url.split("://", 1)[1]
    plan.write_text(plan.read_text("utf-8").replace(f"url: {url}", f"url: {bare}", 1), "utf-8")
    result = run("check", "--content", str(content))
    assert result.exit_code == 2
    assert f"fallback.url: expected an http:// or https:// address, found '{bare}'; did you mean " \
           f"'https://{bare}'?" in result.output


def test_check_warns_when_no_contact_covers_outside_working_hours(tmp_path):
    content = copy_content(tmp_path)
    contacts = content / "contacts.yaml"
    contacts.write_text(contacts.read_text("utf-8").replace("available: outside-hours", "available: as-needed"),
                        "utf-8")
    result = run("check", "--content", str(content), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    warning = [ln for ln in result.output.splitlines() if "outside working hours" in ln]
    assert len(warning) == 1 and "plans/nexus.yaml:" in warning[0] and "outside_hours" in warning[0]
    # where a contact answers then, there is no such warning
    assert "outside working hours" not in run("check", "--content", str(CONTENT), "--as-of", AS_OF).output
    # and the poster's box for those hours says what the plan says to do
    out = tmp_path / "out"
    assert build(out, "--unit", "bakkehuset", content=content).exit_code == 0
    advice = _yaml(content / "plans" / "nexus.yaml")["outside_hours"]
    advice = " ".join((advice["da"] if isinstance(advice, dict) else advice).split())
    assert advice[:40] in pdf_text(out / "bakkehuset" / "poster-a3.da.pdf")


def test_list_shows_the_document_ids_and_json_names_the_print_pack(default_kit):
    plain = run("list", "--content", str(CONTENT))
    assert plain.exit_code == 0
    line = next(ln for ln in plain.output.splitlines() if ln.startswith("document ids: "))
    ids = line.removeprefix("document ids: ").split(", ")
    assert {"poster-a3", "poster-a4", "pocket-cards", "plan", "binder", "print-pack"} <= set(ids)
    assert not any(ln.strip().endswith(".pdf") for ln in plain.output.splitlines())
    data = json.loads(run("list", "--content", str(CONTENT), "--json").output)
    assert "print-pack" in data["documents"] and data["documents"] == ids
    built = {e["document"] for e in manifest(default_kit)["files"]}
    assert set(data["documents"]) == built
    assert all("print-pack" in u["documents"] for u in data["units"])


def test_a_unit_may_not_take_the_print_runs_folder_name(tmp_path):
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    units.write_text(units.read_text("utf-8").replace("id: bakkehuset", "id: print", 1)
                     .replace("[bakkehuset", "[print").replace(", bakkehuset]", ", print]"), "utf-8")
    result = run("check", "--content", str(content))
    assert result.exit_code == 2 and "units[0].id: 'print' is the name of the output folder" in result.output
