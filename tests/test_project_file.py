"""nodkit.toml (issue 15): a project's folders written once, found from any folder below it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import AS_OF, CONTENT, LAYOUTS, run


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder: the example content and a layouts folder of its own, under other names."""
    root = tmp_path / "fjordby"
    shutil.copytree(CONTENT, root / "indhold")
    (root / "mine-layouts").mkdir()
    shutil.copy(LAYOUTS / "theme.yaml", root / "mine-layouts" / "theme.yaml")
    (root / "nodkit.toml").write_text('content = "indhold"\nlayouts = "mine-layouts"\nout = "kits"\n', "utf-8")
    (root / "deep" / "er").mkdir(parents=True)
    return root


@pytest.fixture
def in_folder(monkeypatch):
    def enter(folder: Path):
        monkeypatch.chdir(folder)
    return enter


def test_check_and_build_take_their_folders_from_the_project_file_in_a_parent(project, in_folder):
    in_folder(project / "deep" / "er")  # paths in the file are relative to the file, not to here
    check = run("check", "--as-of", AS_OF)
    assert check.exit_code == 0, check.output
    assert f"project file: {project / 'nodkit.toml'}" in check.output
    assert f"({project / 'indhold'})" in check.output
    result = run("build", "--as-of", AS_OF, "--unit", "bakkehuset")
    assert result.exit_code == 0, result.output
    assert f"project file: {project / 'nodkit.toml'}" in result.output
    out = project / "kits"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["content"] == str(project / "indhold")
    assert {e["unit"] for e in manifest["files"]} == {"bakkehuset"}
    assert not (project / "deep" / "er" / "output").exists()


def test_options_on_the_command_line_win_over_the_project_file(project, in_folder, tmp_path):
    in_folder(project)
    other = tmp_path / "elsewhere"
    result = run("build", "--as-of", AS_OF, "--unit", "bakkehuset", "--out", str(other))
    assert result.exit_code == 0, result.output
    assert (other / "manifest.json").is_file() and not (project / "kits").exists()


def test_the_layouts_the_project_file_names_are_used(project, in_folder):
    """A layouts folder named only in the file: forgetting --layouts no longer brings old failures back."""
    theme = project / "mine-layouts" / "theme.yaml"
    theme.write_text(theme.read_text("utf-8") + "\nno_such_key: 1\n", "utf-8")
    in_folder(project)
    result = run("check", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "mine-layouts/theme.yaml" in result.output and "no_such_key" in result.output


def test_mistakes_in_the_project_file_are_named_with_their_line(project, in_folder):
    in_folder(project)
    (project / "nodkit.toml").write_text('content = "indhold"\n\nlayout = "mine-layouts"\nout = 3\n', "utf-8")
    result = run("check")
    assert result.exit_code == 2 and "Traceback" not in result.output
    toml = project / "nodkit.toml"
    assert f"{toml}:3: layout: unknown key 'layout'; did you mean 'layouts'?" in result.output
    assert f"{toml}:4: out: expected a folder name in quotes" in result.output
    (project / "nodkit.toml").write_text('content = "indhold\n', "utf-8")
    broken = run("build")
    assert broken.exit_code == 2 and f"{toml}:1:" in broken.output and "not valid TOML" in broken.output


def test_without_a_project_file_nothing_changes(tmp_path, in_folder):
    in_folder(tmp_path)
    result = run("check", "--content", str(CONTENT), "--as-of", AS_OF)
    assert result.exit_code == 0 and "project file" not in result.output
