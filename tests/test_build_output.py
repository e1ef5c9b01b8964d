"""The admin's build (issue 15): keep going past a failed unit, progress that moves as kits
finish, output that fits on a screen, and workers that start the way Windows and macOS start
them ("spawn"), on real builds of the example content."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, AS_OF_DATE, CONTENT, build, copy_content, run

from nødkit.errors import RenderError
from nødkit.report import Finding, grouped

FAILING = ("lindely", "solsikken")


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))


def unit_ids(content: Path = CONTENT) -> list[str]:
    return [u["id"] for u in yaml.safe_load((content / "units.yaml").read_text("utf-8"))["units"]]


@pytest.fixture
def failing_posters(monkeypatch):
    """The A3 poster of the units in FAILING cannot be made (as a title too long for them would)."""
    import nødkit.render.poster as poster

    draw = poster.render_poster

    def failing(kit, layout, fonts):
        if kit.unit_id in FAILING and layout.page.size == "A3":
            raise RenderError("too long to fit the title band at the smallest allowed size", field="plan.title")
        return draw(kit, layout, fonts)

    monkeypatch.setattr(poster, "render_poster", failing)


# --- 1. --keep-going ---------------------------------------------------------------------------

def test_keep_going_writes_every_unit_whose_documents_all_succeeded(tmp_path, failing_posters):
    out = tmp_path / "out"
    result = build(out, "--keep-going", "--jobs", "1")  # one process: the patched renderer draws
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    written = {e["unit"] for e in manifest(out)["files"]}
    assert written == set(unit_ids()) - set(FAILING)
    for unit in FAILING:
        assert not (out / unit).exists(), f"{unit} failed, yet something of its kit was written"
    # a unit is all or nothing: solsikken failed in Danish and English, nothing of it is written;
    # the index and the print runs name only the complete units
    index = (out / "index.html").read_text("utf-8")
    assert not any(f'id="{u}"' in index for u in FAILING) and 'id="bakkehuset"' in index
    for run_entry in manifest(out)["print_runs"]:
        assert not set(run_entry["units"]) & set(FAILING)
    # the failures come at the end, a cause shared by both units said once, naming them
    tail = result.output[result.output.index("error:"):]
    assert "2 units not written" in tail and "lindely" in tail and "solsikken" in tail
    assert re.search(r"^  2 units \(lindely, solsikken\): poster-a3/da: field plan\.title: too long", tail, re.M)
    assert re.search(r"^  solsikken/poster-a3/en: field plan\.title: too long", tail, re.M)


def test_without_keep_going_one_failure_writes_nothing_and_names_the_option(tmp_path, failing_posters):
    out = tmp_path / "out"
    result = build(out, "--jobs", "1")
    assert result.exit_code == 1
    assert "nothing was written" in result.output and "--keep-going" in result.output
    assert not out.exists()


def test_keep_going_leaves_a_failed_unit_exactly_as_the_last_build_wrote_it(tmp_path, default_kit, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(default_kit, out)
    before = {e["path"]: e for e in manifest(out)["files"]}
    stamps = {p: (out / p).stat().st_mtime_ns for p in before}
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    units.write_text(units.read_text("utf-8").replace("Eksempelvej ", "Prøvevej "), "utf-8")  # every unit changes

    import nødkit.render.poster as poster
    draw = poster.render_poster
    monkeypatch.setattr(poster, "render_poster", lambda kit, layout, fonts: (_ for _ in ()).throw(
        RenderError("does not fit", field="unit.address")) if kit.unit_id == "lindely" else draw(kit, layout, fonts))
    result = build(out, "--keep-going", "--jobs", "1", content=content)
    assert result.exit_code == 1, result.output
    after = {e["path"]: e for e in manifest(out)["files"]}
    assert set(after) == set(before)
    for path, entry in after.items():
        if entry["unit"] == "lindely":  # kept as it was, file and entry
            assert entry == before[path] and (out / path).stat().st_mtime_ns == stamps[path], path
        elif entry["document"] == "poster-a3":
            assert entry["sha256"] != before[path]["sha256"], f"{path} was not built again"


# --- 2. progress ---------------------------------------------------------------------------------

def test_progress_moves_as_each_kit_finishes(tmp_path, monkeypatch):
    """The last unit's poster waits until the build has reported a finished kit: a build that
    reported only when every kit was done would report nothing while it waits."""
    from nødkit.build import build as run_build, load_project

    go = tmp_path / "go"
    import nødkit.render.poster as poster
    draw = poster.render_poster

    def waiting(kit, layout, fonts):
        if kit.unit_id == "solsikken":
            deadline = time.monotonic() + 20
            while not go.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            (tmp_path / f"released-{kit.lang}-{layout.page.size}").write_text("go" if go.exists() else "timeout")
        return draw(kit, layout, fonts)

    monkeypatch.setattr(poster, "render_poster", waiting)  # workers are forked here: they inherit it
    reported = []

    def progress(n):
        reported.append((n, go.exists()))
        go.touch()

    project = load_project(CONTENT, [CONTENT.parent / "layouts"])
    plan = {}
    run_build(project, tmp_path / "out", as_of=AS_OF_DATE, jobs=2, progress=progress, start_method="fork",
              on_plan=lambda draw_, keep, kits: plan.update(kits=kits))
    assert plan["kits"] == 6  # five units, one of them in two languages
    assert len(reported) == 6 and all(n == 1 for n, _ in reported)
    released = {p.name: p.read_text() for p in tmp_path.glob("released-*")}
    assert len(released) == 4  # solsikken's two posters in two languages
    assert set(released.values()) == {"go"}, "no kit was reported while one was still being drawn"


def test_progress_on_a_non_terminal_is_a_line_every_few_seconds():
    from nødkit.cli import _Progress

    now = [100.0]
    stream = io.StringIO()
    progress = _Progress(stream, clock=lambda: now[0])
    progress.start(40)
    for _ in range(39):
        now[0] += 0.5  # a kit every half second: 2 kits/s
        progress.advance(1)
    lines = stream.getvalue().splitlines()
    assert 3 <= len(lines) <= 4, lines  # 19.5 s: a line every 5 s at most
    assert lines[0] == "drawing: 10 of 40 kits (25 %), 2.0 kits/s, about 15 s left"
    quick = io.StringIO()
    short = _Progress(quick, clock=lambda: now[0])
    short.start(5)
    for _ in range(5):
        now[0] += 0.1
        short.advance(1)
    assert quick.getvalue() == ""  # a build shorter than that says nothing


# --- 3. quiet output ---------------------------------------------------------------------------

def test_a_first_build_of_the_example_fits_on_a_screen(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "nødkit", "build", "--out", str(out), "--as-of", AS_OF],
                          capture_output=True, text=True, timeout=300, cwd=CONTENT.parent)
    assert proc.returncode == 0, proc.stderr
    lines = (proc.stdout + proc.stderr).splitlines()
    assert len(lines) <= 30, "\n".join(lines)
    text = "\n".join(lines)
    assert re.search(r"wrote 90, skipped 0 documents of 5 units in \d+\.\d s", text)
    assert f"see {out}/reprint.txt" in text
    assert re.search(r"^  solsikken\s+30 documents", text, re.M)
    assert "print runs: 4 jobs" in text and f"{out}/index.html" in text
    assert not re.search(r"\.pdf$", text, re.M), "the full reprint list belongs in reprint.txt and -v"


def twelve_units(tmp_path: Path) -> Path:
    """The example's units twelve times over (without registration sheets: a quick build)."""
    content = copy_content(tmp_path)
    base = yaml.safe_load((content / "units.yaml").read_text("utf-8"))["units"][0]
    units = []
    for i in range(12):
        unit = dict(copy.deepcopy(base), id=f"enhed-{i:02d}", name=f"Enhed nummer {i}", neighbours=[], sheets=[], languages=["da"])
        units.append(unit)
    (content / "units.yaml").write_text(yaml.safe_dump({"units": units}, allow_unicode=True), "utf-8")
    return content


def test_the_reprint_summary_is_ten_lines_at_most_and_verbose_gives_the_whole_list(tmp_path):
    content = twelve_units(tmp_path)
    out = tmp_path / "out"
    result = build(out, content=content)
    assert result.exit_code == 0, result.output
    summary = [ln for ln in result.output.splitlines() if re.match(r"  enhed-\d\d ", ln)]
    assert len(summary) == 9
    assert "  … and 3 more units (18 documents)" in result.output
    assert len(result.output.splitlines()) <= 30
    verbose = build(tmp_path / "again", "-v", content=content)
    listed = re.findall(r"^\s+(enhed-\d\d/\S+\.pdf)$", verbose.output, re.M)
    assert len(listed) == 72 and set(listed) == {e["path"] for e in manifest(tmp_path / "again")["files"]}


def test_a_message_many_units_share_is_printed_once_naming_them():
    findings = [Finding("pocket-cards/da: the card shows 8 of 12 contacts", f"enhed-{i:02d}", "/") for i in range(15)]
    findings += [Finding("plan/da: field x: too long", "lindely", "/"), Finding("no fallback address")]
    lines = grouped(findings)
    assert lines == [
        "15 units (enhed-00, enhed-01, enhed-02, enhed-03, enhed-04, enhed-05, enhed-06, enhed-07, enhed-08, "
        "enhed-09 and 5 more): pocket-cards/da: the card shows 8 of 12 contacts",
        "lindely/plan/da: field x: too long",
        "no fallback address",
    ]
    assert "enhed-14" in grouped(findings, verbose=True)[0]


# --- 10. workers that start with "spawn" -----------------------------------------------------------

def test_a_build_whose_workers_start_with_spawn_gives_the_same_files(tmp_path, default_kit):
    """Windows has no "fork", and macOS should not use it: the workers get the project as
    arguments, so a spawned worker draws exactly what a forked one does."""
    from nødkit.build import build as run_build, load_project

    project = load_project(CONTENT, [CONTENT.parent / "layouts"])
    out = tmp_path / "out"
    result = run_build(project, out, as_of=AS_OF_DATE, jobs=2, start_method="spawn")
    assert result.kits == 6 and result.installed
    spawned = {e["path"]: e["sha256"] for e in manifest(out)["files"] + manifest(out)["print_runs"]}
    forked = {e["path"]: e["sha256"] for e in manifest(default_kit)["files"] + manifest(default_kit)["print_runs"]}
    assert spawned == forked  # the print runs too, joined in spawned processes


POSIX_ONLY = """
import multiprocessing, os, signal, sys
# what Windows lacks: a build must not need any of it
for module, name in ((os, "fork"), (os, "register_at_fork"), (os, "forkpty"), (signal, "pthread_sigmask"),
                     (signal, "SIGKILL"), (signal, "SIGHUP")):
    if hasattr(module, name):
        delattr(module, name)
multiprocessing.set_start_method("spawn", force=True)
sys.argv[0] = "nødkit"
from nødkit.console import main
main()
"""


def test_a_build_runs_without_posix_only_calls(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", POSIX_ONLY, "build", "--content", str(CONTENT), "--out", str(out),
                           "--as-of", AS_OF, "--jobs", "2", "--unit", "bakkehuset", "--unit", "lindely"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {e["unit"] for e in manifest(out)["files"]} == {"bakkehuset", "lindely"}


def test_files_are_opened_in_binary_mode_on_windows_too():
    """os.open without O_BINARY writes every \\n of a PDF as \\r\\n on Windows: every call has it."""
    import ast
    src = Path(__file__).resolve().parents[1] / "src"
    calls = []
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "os.open":
                calls.append((path.name, ast.unparse(node)))
    assert calls and all("O_BINARY" in call for _, call in calls), calls
