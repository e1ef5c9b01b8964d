"""The project file, `nodkit.toml`: where one project's content, layouts and output are.

An admin runs `nødkit check` and `nødkit build` many times; without a project file every run
needs `--content … --layouts … --out …`, and one forgotten option silently builds from the
wrong folder. The file is looked for in the current folder, then in each parent (as git finds
its repository), and its paths are relative to the file itself, so it works from any subfolder.
Options on the command line win over it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Location, Problem

PROJECT_FILE = "nodkit.toml"
KEYS = ("content", "layouts", "out")

# what `nødkit init` writes (with a JSON string, a valid TOML basic string, for each folder)
TEMPLATE = """\
# nødkit's project file: `nødkit check` and `nødkit build` run in this folder (or one below it)
# read their folders from here, so no --content/--layouts/--out is needed. Paths are relative
# to this file; an option given on the command line wins.
content = {content}
# layouts = "layouts"          # a folder whose files override the default layouts one by one
out = {out}
"""


@dataclass(frozen=True)
class ProjectFile:
    path: Path  # the file, absolute
    content: Path | None = None
    layouts: Path | None = None
    out: Path | None = None


def find_project_file(start: Path | None = None) -> Path | None:
    """nodkit.toml in `start` (the current folder) or the nearest parent that has one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def read_project_file(path: Path) -> ProjectFile:
    """The project file's folders; every mistake in it named with its line, as in content files."""
    path = path.resolve()
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Notepad may write a byte-order mark
    except OSError as exc:
        raise ContentError([Problem(Location(path), "", f"cannot read the project file: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(Location(path), "", f"not UTF-8 text (byte {exc.start}); save it as UTF-8")]
                           ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "... (at line 3, column 9)"
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        location = Location(path, int(where[1]), int(where[2])) if where else Location(path)
        raise ContentError([Problem(location, "", f"not valid TOML: {message}")]) from None

    problems, folders = [], {}
    for key, value in data.items():
        location = Location(path, _line_of(text, key))
        if key not in KEYS:
            near = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            problems.append(Problem(location, key, f"unknown key '{key}'{hint} Expected one of: {', '.join(KEYS)}"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(location, key, f"expected a folder name in quotes, such as {key} = \"{key}\"; "
                                                   f"found {value!r}"))
        else:
            folders[key] = path.parent / value  # relative to the file, wherever nødkit runs
    if problems:
        raise ContentError(problems)
    return ProjectFile(path, **folders)


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", text, re.M)
    return text[:match.start()].count("\n") + 1 if match else None


