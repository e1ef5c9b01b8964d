"""The generated layout reference (docs/layouts.md) is current and explains every key."""

from __future__ import annotations

import importlib.util
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "layout_reference.py"


@pytest.fixture(scope="module")
def script():
    """scripts/layout_reference.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location("layout_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nested(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested(arg)]


def test_layout_reference_is_current(script):
    written = (REPO / "docs" / "layouts.md").read_text(encoding="utf-8")
    assert written == script.reference(), \
        "docs/layouts.md is out of date: run python scripts/layout_reference.py"


def test_every_layout_key_is_described(script):
    seen: set[type[BaseModel]] = set()
    todo = [model for _files, model in script.DOCUMENTS]
    missing = []
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            if not (field.description or "").strip():
                missing.append(f"{model.__module__}.{model.__name__}.{name}")
            todo += _nested(field.annotation)
    assert not missing, "layout keys without a description= (shown in docs/layouts.md): " + ", ".join(missing)
    assert len(seen) > 10  # the walk reached the nested models (page, sizes, size ranges, colours, ...)


def test_every_layout_file_but_the_sheets_has_a_section(script):
    """A new document kind (or theme model) fails here until the reference lists it."""
    from nødkit.build import default_dir
    from nødkit.layout import load_layouts

    layouts = load_layouts([default_dir("layouts")])
    documented = {model: files for files, model in script.DOCUMENTS}
    assert type(layouts.theme) in documented
    for spec in layouts.documents.values():
        if spec.kind == "sheet":  # docs/sheets.md
            continue
        assert spec.file.name in documented.get(type(spec.layout), ()), \
            f"{spec.file.name} ({type(spec.layout).__name__}) has no section in docs/layouts.md"


def test_what_fits_states_the_limits_the_envelope_tests_build():
    """docs/layouts.md "What fits" and tests/envelope.py name the same limits, row for row."""
    from envelope import BOUNDS

    written = (REPO / "docs" / "layouts.md").read_text(encoding="utf-8")
    section = written.split("## What fits", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ") and "---" not in line}
    rows.discard("content")
    missing = [b.limit for b in BOUNDS if b.limit not in section]
    assert not missing, f"limits the tests build that docs/layouts.md does not state: {missing}"
    untested = rows - {b.limit.split("|")[1].strip() for b in BOUNDS}
    assert not untested, f"rows of 'What fits' that no envelope test builds: {sorted(untested)}"


# --- every command the README and docs/ give runs as written (issue 15) --------------------------
#
# A command is a line of a fenced code block, or an inline `code` span, that starts with a program
# the docs tell an admin to run (nødkit, nodkit, python, pybabel, .venv/…, source). Each is:
# - run by a scenario below, as written, in a sandbox folder with the venv's programs first on
#   PATH (the docs write `nødkit …` as after activating the venv; a sandbox `.venv` is this
#   test's venv); the Windows forms `.venv\Scripts\X` run as their Linux twins `.venv/bin/X`;
# - run by CI (.ci/run: the README's Quick start, and the quick benchmark), which this test reads;
# - or a usage line (placeholders such as DIR, FILE, <id>, [--option]) or a bare name of a
#   command (`nødkit init`): its program runs, and every option it names is in its --help.
# A command the docs give that none of these covers fails the first test below.

import os
import re
import shlex
import shutil
import subprocess
import sys

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
PROGRAM = re.compile(r"^(?:nødkit|nodkit|python3?|pybabel|source|\.venv[/\\]\S+)(?=\s|$)")
USAGE = re.compile(r"\[|\]|<[\w-]+>|\b(?:DIR|FILE|ID|CODE|KIND|NAME|CC|DATE|N)\b|…|\\\|")
VENV = Path(sys.prefix)


def doc_commands() -> dict[str, list[str]]:
    """command -> where the docs give it (file:line)."""
    found: dict[str, list[str]] = {}
    for path in DOCS:
        fenced = False
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line.strip().startswith("```"):
                fenced = not fenced
                continue
            spans = [line.strip()] if fenced else re.findall(r"`([^`]+)`", line)
            for span in spans:
                command = span.split("  #")[0].strip() if fenced else span.strip()
                if PROGRAM.match(command):
                    found.setdefault(command, []).append(f"{path.relative_to(REPO)}:{number}")
    return found


def linux(command: str) -> str:
    """The Windows forms as run here: `.venv\\Scripts\\nodkit check` is `.venv/bin/nodkit check`,
    PowerShell's `.venv\\Scripts\\Activate.ps1` is bash's `source .venv/bin/activate`."""
    command = command.replace(".venv\\Scripts\\Activate.ps1", "source .venv/bin/activate")
    return re.sub(r"\.venv\\Scripts\\(\S+)", r".venv/bin/\1", command)


def is_usage(command: str) -> bool:
    return bool(USAGE.search(command))


def ci_commands() -> set[str]:
    """What .ci/run runs: the README's Quick start lines, and its own lines."""
    run_file = (REPO / ".ci" / "run").read_text("utf-8")
    quick = re.search(r"## Quick start.*?```sh\n(.*?)```", (REPO / "README.md").read_text("utf-8"), re.S)[1]
    steps = [ln for ln in quick.splitlines() if ln.strip()]
    parts = {p.strip() for step in steps for p in step.split("&&")}
    return set(steps) | parts | {ln.strip() for ln in run_file.splitlines() if PROGRAM.match(ln.strip())}


@pytest.fixture
def sandbox(tmp_path) -> Path:
    """A folder as an admin's: the example content in ./content, a `.venv` that is this test's venv."""
    root = tmp_path / "sandbox"
    shutil.copytree(REPO / "content", root / "content")
    (root / ".venv").symlink_to(VENV, target_is_directory=True)
    return root


def shell(command: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("PYTHONPATH", None)
    return subprocess.run(["bash", "-c", linux(command)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def ok(command: str, cwd: Path, *, code: int = 0, says: str = "") -> str:
    assert command in doc_commands(), f"{command!r} is not in the docs (the scenario must run what they say)"
    proc = shell(command, cwd)
    output = proc.stdout + proc.stderr
    assert proc.returncode == code, f"{command} (in {cwd}): exit {proc.returncode}\n{output}"
    assert "Traceback" not in output and "command not found" not in output, output
    assert says in output, f"{command}: {says!r} not in\n{output}"
    return output


# scenarios: the commands each runs, in the docs' order
ADOPT = ['nødkit init fjordby --organisation "Fjordby Kommune" --lang da', "nødkit check --content fjordby",
         "nødkit units export fjordby/units.xlsx --content fjordby", "nødkit check",
         "nødkit build", "nødkit build --content fjordby --out fjordby-kit"]
README_RUN = [".venv/bin/nodkit check", "source .venv/bin/activate", ".venv\\Scripts\\nodkit check",
              ".venv\\Scripts\\Activate.ps1", "nødkit check", "nodkit check", "nødkit build", "nødkit --help",
              "python -m nødkit", "nødkit list", "nødkit schema --out schemas", "nødkit units export",
              "nødkit init", ".venv/bin/python scripts/readme_images.py", "python scripts/layout_reference.py",
              "nødkit", "nodkit"]
LAYOUTS_RUN = ["nødkit check --layouts my-layouts", "nødkit build --layouts my-layouts"]
LANGUAGES = ["pybabel extract -F babel.cfg --no-location --omit-header --sort-output -o "
             "src/nødkit/locale/nodkit.pot src/",
             "pybabel update -i src/nødkit/locale/nodkit.pot -d src/nødkit/locale -D nodkit",
             "pybabel init -i src/nødkit/locale/nodkit.pot -d src/nødkit/locale -D nodkit -l uk", "pybabel update",
             "pybabel"]
# run by hand only: the whole benchmark takes about ten minutes (the README's numbers come from it; CI runs
# the same script with --units 40)
BY_HAND = {".venv/bin/python benchmarks/bench_build.py"}


def test_every_command_in_the_docs_is_run_somewhere():
    covered = set(ADOPT) | set(README_RUN) | set(LAYOUTS_RUN) | set(LANGUAGES) | ci_commands() | BY_HAND
    missing = {c: where for c, where in doc_commands().items() if c not in covered and not is_usage(c)}
    assert not missing, f"commands in the docs that nothing runs: {missing}"
    assert ".venv/bin/python benchmarks/bench_build.py --units 40" in ci_commands()
    assert len(doc_commands()) > 30


def test_usage_lines_name_real_commands_and_options():
    for command in doc_commands():
        if not is_usage(command) or command in ci_commands():
            continue
        words = shlex.split(command.replace("\\|", " ").replace("…", " "))
        program = []  # the program and its subcommands: the words before the first option or placeholder
        for word in words:
            if not re.fullmatch(r"[a-zøæå][a-zøæå-]*", word):
                break
            program.append(word)
        proc = shell(" ".join(program) + " --help", REPO)
        assert proc.returncode == 0, f"{command}: {proc.stderr}"
        for option in re.findall(r"--[a-z-]+", command):
            assert option in proc.stdout, f"{command}: {option} is not an option of {' '.join(program)}"


def test_the_adopt_walkthrough_runs_as_written(sandbox):
    from test_adopt import fill

    ok(ADOPT[0], sandbox, says="nodkit.toml")
    ok(ADOPT[1], sandbox, code=2, says="still a placeholder")  # "until it says ok"
    ok(ADOPT[2], sandbox, says="wrote 1 unit")  # a template, right after init
    (sandbox / "fjordby" / "units.xlsx").unlink()  # (kept in units.yaml here)
    fill(sandbox / "fjordby")  # step 3: the admin fills in the values
    folder = sandbox / "fjordby"  # step 2: cd fjordby
    ok(ADOPT[3], folder, says="ok: 1 units")
    ok(ADOPT[4], folder, says="print runs: 4 jobs")
    assert (folder / "output" / "manifest.json").is_file()
    ok(ADOPT[1], sandbox, says="ok: 1 units")
    ok(ADOPT[5], sandbox)
    assert (sandbox / "fjordby-kit" / "print" / "README.txt").is_file()


def test_the_readme_commands_run_as_written(sandbox):
    for command in (".venv/bin/nodkit check", "nødkit check", "nodkit check", ".venv\\Scripts\\nodkit check"):
        ok(command, sandbox, says="ok: 5 units")
    ok("source .venv/bin/activate", sandbox)
    ok(".venv\\Scripts\\Activate.ps1", sandbox)
    assert "ok: 5 units" in shell("source .venv/bin/activate && nødkit check", sandbox).stdout
    ok("nødkit --help", sandbox, says="Usage")
    for program in ("nødkit", "nodkit"):  # "both work": with no command, their usage
        ok(program, sandbox, code=2, says="Usage")
    ok("python -m nødkit", sandbox, code=2, says="Usage")  # no command: its usage
    ok("nødkit init", sandbox, code=2, says="Missing argument 'DIRECTORY'")
    ok("nødkit units export", sandbox, code=2, says="Missing argument 'FILE'")
    ok("nødkit list", sandbox, says="document ids: ")
    ok("nødkit schema --out schemas", sandbox)
    assert (sandbox / "schemas" / "units.schema.json").is_file()
    ok("nødkit build", sandbox, says="print runs: 4 jobs")
    # the scripts write into the checkout they are in: run from a copy of it
    shutil.copytree(REPO / "layouts", sandbox / "layouts")
    for script in ("readme_images.py", "layout_reference.py"):
        (sandbox / "scripts").mkdir(exist_ok=True)
        shutil.copy(REPO / "scripts" / script, sandbox / "scripts" / script)
    ok(".venv/bin/python scripts/readme_images.py", sandbox)
    assert {p.name for p in (sandbox / "docs" / "images").iterdir()} >= {"poster-a3.png", "pocket-cards-front.png"}
    ok("python scripts/layout_reference.py", sandbox)
    assert (sandbox / "docs" / "layouts.md").read_text("utf-8") == (REPO / "docs" / "layouts.md").read_text("utf-8")


def test_the_layouts_commands_run_as_written(sandbox):
    shutil.copytree(REPO / "layouts", sandbox / "my-layouts")
    ok(LAYOUTS_RUN[0], sandbox, says="ok: 5 units")
    ok(LAYOUTS_RUN[1], sandbox, says="wrote ")


def test_the_language_commands_run_as_written(tmp_path):
    """On a copy of the source: extract, update, init a new language."""
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(REPO / "babel.cfg", tmp_path / "babel.cfg")
    pot = tmp_path / "src" / "nødkit" / "locale" / "nodkit.pot"
    ok(LANGUAGES[0], tmp_path)
    ok(LANGUAGES[1], tmp_path, says="updating catalog")
    ok(LANGUAGES[2], tmp_path, says="creating catalog")
    created = (tmp_path / "src" / "nødkit" / "locale" / "uk" / "LC_MESSAGES" / "nodkit.po").read_text("utf-8")
    assert 'msgid "Call now"' in created and pot.is_file()
    ok(LANGUAGES[3], tmp_path, code=2, says="pybabel update")  # named alone in the text: its usage
    ok(LANGUAGES[4], tmp_path, code=2, says="Usage: pybabel")
    # the Danish catalogue kept every translation through the update
    from babel.messages.pofile import read_po
    with (tmp_path / "src" / "nødkit" / "locale" / "da" / "LC_MESSAGES" / "nodkit.po").open("rb") as fh:
        updated = {m.id: m.string for m in read_po(fh) if m.id}
    assert updated.get("Call now") == "Ring nu"
