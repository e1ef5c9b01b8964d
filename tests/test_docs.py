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
