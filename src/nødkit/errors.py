"""Errors and warnings that a user can act on.

Every problem in a user's files is reported as file:line:column, the field's path,
what was found and what was expected. The CLI prints these and exits non-zero; a
Python traceback is reserved for bugs in nødkit itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    file: Path | str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        text = str(self.file)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    location: Location
    field: str  # dotted path such as "units[2].leader.phone"; "" for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: "
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


def unique_problems(problems) -> list[Problem]:
    """The problems in order, each once (several documents or languages can report the same one)."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


class NodkitError(Exception):
    """Base for errors the CLI reports without a traceback."""

    exit_code = 1


@dataclass
class ContentError(NodkitError):
    """One or more problems in content or layout files (exit code 2)."""

    problems: list[Problem] = field(default_factory=list)
    exit_code = 2

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RenderError(NodkitError):
    """A document could not be drawn, e.g. a text too long to fit at the minimum size."""

    def __init__(self, message: str, *, unit: str = "", document: str = "", lang: str = "", field: str = ""):
        self.unit, self.document, self.lang, self.field = unit, document, lang, field
        super().__init__(message)

    def __str__(self) -> str:
        parts = [p for p in (self.unit, self.document, self.lang) if p]
        prefix = "/".join(parts)
        fld = f" field {self.field}:" if self.field else ""
        return f"{prefix}:{fld} {self.args[0]}" if prefix else f"{fld} {self.args[0]}".strip()


class BuildError(NodkitError):
    """The build could not finish (unwritable output, another build running, ...)."""
