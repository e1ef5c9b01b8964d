"""Placeholders: the values `nødkit init` leaves for the admin to fill in.

One syntax, `<<FILL IN: what goes here>>` (in Danish `<<UDFYLD: …>>`), written as a quoted
YAML string. It is unmistakable on screen and in a diff, no real phone number, name or URL contains it, and
it is still valid YAML, so a half-filled folder parses and every placeholder left in can
be named with its file, line and field instead of failing as "not a phone number".
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem
from .yamlfile import format_path

START = "<<FILL IN"
# lenient about spacing and case: an admin who retypes one by hand must still be caught; in
# every language `nødkit init` writes (`<<UDFYLD: …>>` in Danish)
_FOUND = re.compile(r"<<\s*(?:FILL\s*IN|UDFYLD)\b[^>]*(?:>>|$)", re.IGNORECASE)


def placeholder(what: str) -> str:
    return f"{START}: {what}>>"


def placeholders_in(text: str) -> list[str]:
    return _FOUND.findall(text)


def find_placeholders(doc) -> list[Problem]:
    """Every placeholder in a parsed document (YAML or spreadsheet), one problem each."""
    problems: list[Problem] = []

    def walk(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, (*path, i))
        elif isinstance(value, str):
            for found in placeholders_in(value):
                problems.append(Problem(doc.location(path), format_path(path),
                                        f'still a placeholder "{found}": write the real value here'))

    walk(doc.data, ())
    return problems
