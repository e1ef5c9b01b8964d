"""The output folder: what a build may write there, and what it must leave alone.

nødkit replaces or deletes only files it wrote itself — the ones its manifest (and state file)
list, the preview and reprint list beside them, and its own temporary files — and it never
writes, reads or deletes through a symbolic link. A build into a folder that holds anything
else is refused, naming a few of those files, unless the admin allows it (`--allow-other-files`);
even then the other files are left alone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError

MANIFEST = "manifest.json"
STATE = ".nodkit-state.json"  # path -> [size, mtime_ns, key]: what this folder's files were made from
LOCK = ".nodkit-build.lock"
INDEX = "index.html"
REPRINT = "reprint.txt"
THUMBS = "_thumbs"
CALENDAR = "calendar"
PRINT = "print"  # the print runs across units (print_runs.py) and their README.txt
PRINT_README = f"{PRINT}/README.txt"
ALLOW_FLAG = "--allow-other-files"

_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# the only names a build gives its files: output/<unit>/<document>.<lang>.pdf, calendar/<plan>.ics
DOCUMENT_PATH = re.compile(rf"{_ID}/{_ID}\.[a-z]{{2,3}}(?:_[A-Z]{{2}})?\.pdf")
CALENDAR_PATH = re.compile(rf"{CALENDAR}/{_ID}\.ics")
PRINT_RUN_PATH = re.compile(rf"{PRINT}/{_ID}\.pdf")  # print/a3-single-sided.pdf
# temporary names: a staging folder, atomic_write's files; the lock and an attempt to take it
STAGING = re.compile(r"\.staging-[0-9a-f]{12}")
TEMPORARY = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")
LOCKING = re.compile(re.escape(LOCK) + r"(?:\.\d+\.tmp)?")
# what file browsers leave in every folder they show; nødkit never writes these names
IGNORED = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory"})
SHOWN = 5  # files named in a refusal


def thumb_of(path: str) -> str:
    return f"{THUMBS}/{path[:-4]}.png"


def documents_in(manifest: dict) -> list[dict]:
    """The manifest's entries that name a document nødkit writes. A hand-edited manifest cannot
    make a build replace or delete anything else (`notes.txt`, `../x`)."""
    files = manifest.get("files") if isinstance(manifest, dict) and "nodkit" in manifest else None
    if not isinstance(files, list):
        return []
    return [e for e in files if isinstance(e, dict) and isinstance(e.get("path"), str)
            and DOCUMENT_PATH.fullmatch(e["path"])]


def print_runs_in(manifest: dict) -> list[dict]:
    """The manifest's print runs, as documents_in its documents: only names a build gives them."""
    runs = manifest.get("print_runs") if isinstance(manifest, dict) and "nodkit" in manifest else None
    if not isinstance(runs, list):
        return []
    return [e for e in runs if isinstance(e, dict) and isinstance(e.get("path"), str)
            and PRINT_RUN_PATH.fullmatch(e["path"])]


def written_before(manifest: dict, state: dict) -> set[str]:
    """Every file the earlier builds into this folder wrote."""
    paths = {e["path"] for e in documents_in(manifest)}
    paths |= {p for p in state if isinstance(p, str) and DOCUMENT_PATH.fullmatch(p)}
    calendars = manifest.get("calendars") if isinstance(manifest, dict) and "nodkit" in manifest else None
    for entry in calendars if isinstance(calendars, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str) and CALENDAR_PATH.fullmatch(entry["path"]):
            paths.add(entry["path"])
    paths |= {thumb_of(p) for p in paths if p.endswith(".pdf")}
    runs = {e["path"] for e in print_runs_in(manifest)}
    runs |= {p for p in state if isinstance(p, str) and PRINT_RUN_PATH.fullmatch(p)}
    paths |= runs | ({PRINT_README} if runs else set())
    if paths or (isinstance(manifest, dict) and "nodkit" in manifest):
        paths |= {MANIFEST, STATE, INDEX, REPRINT}
    return paths


def refuse_root(out: Path) -> None:
    if out.resolve().parent == out.resolve():
        raise BuildError(f"--out {out} is the root of the file system; name a folder of its own, e.g. --out output")


def refuse_unsafe_out(out: Path, content: Path, layouts: list[Path]) -> None:
    """No build into the root of a file system, or into (or around) the content or layouts."""
    refuse_root(out)
    where = out.resolve()
    for name, folder in [("content", content)] + [("layouts", f) for f in layouts]:
        folder = Path(folder).resolve()
        if where == folder or where in folder.parents:
            what = "is" if where == folder else "holds"
            raise BuildError(f"--out {out} {what} the {name} folder {folder}; a build writes its kits into a "
                             f"folder of their own, e.g. --out output")


@dataclass
class Survey:
    other: list[str] = field(default_factory=list)  # files (and links) nødkit did not write (the first many)
    more: bool = False  # there are more than `other` lists (the folder was not read to its end)
    replaced: list[str] = field(default_factory=list)  # of them, those this build would replace
    links: list[str] = field(default_factory=list)  # symbolic links on a path this build uses


def survey(out: Path, ours: set[str], uses: set[str], *, others: bool = True, limit: int = 1000) -> Survey:
    """What the output folder holds besides nødkit's files. `ours`: what earlier builds wrote;
    `uses`: every file this build may write, read or delete (relative paths). The files of
    others are looked for only when `others`, and at most `limit` of them (`--out ~` would
    otherwise read a whole home folder to refuse it)."""
    folders = {str(Path(p).parent.as_posix()) for p in uses} - {"."}
    folders |= {"/".join(f.split("/")[:i]) for f in list(folders) for i in range(1, f.count("/") + 1)}
    wanted = folders | uses
    found = Survey()
    # One walk with os.scandir, which knows each entry's kind without asking the disk again (a
    # stat per path took half a second for 300 units): into every folder a build uses, and,
    # when `others`, into the rest until `limit` files of others are found. A link is seen as
    # a link, and never entered.
    folders_left = [(out, "")]
    while folders_left:
        folder, base = folders_left.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            rel = base + entry.name
            if entry.is_symlink():
                kind = "link"
            elif entry.is_dir(follow_symlinks=False):
                kind = "dir"
            else:
                kind = "file" if entry.is_file(follow_symlinks=False) else "other"
            if rel in wanted:  # a link on any path a build uses, wherever it points
                if kind == "link":
                    found.links.append(rel)
                    continue
                if rel not in ours and (kind == "file" or (rel in uses and kind != "file")):
                    found.replaced.append(rel)  # (a file where a folder must go counts too)
            looking = others and not found.more
            if kind == "dir":
                if rel in folders or (looking and (base or not STAGING.fullmatch(entry.name))):
                    folders_left.append((Path(entry.path), rel + "/"))  # (a build's own staging folder is its own)
            elif looking and not (rel in ours or entry.name in IGNORED or TEMPORARY.fullmatch(entry.name)
                                  or LOCKING.fullmatch(rel)):
                if len(found.other) == limit:
                    found.more = True
                else:
                    found.other.append(rel)
    found.links.sort()
    found.replaced.sort()
    found.other.sort()
    return found


def refuse_survey(out: Path, found: Survey, allow_other_files: bool) -> None:
    if found.links:
        raise BuildError(f"{_few(found.links)} in the output folder {out} "
                         f"{'is a symbolic link' if len(found.links) == 1 else 'are symbolic links'}; nødkit "
                         f"writes only into real folders inside the output folder, never through a link to "
                         f"elsewhere. Nothing was written: remove the link, or build into another folder (--out)")
    if found.other and not allow_other_files:
        n = f"at least {len(found.other):,}" if found.more else f"{len(found.other):,}"
        replaced = (f"; this build writes to the name{'s' if len(found.replaced) != 1 else ''} "
                    f"{_few(found.replaced)}" if found.replaced else "")
        raise BuildError(f"the output folder {out} holds {n} file{'s' if n != '1' else ''} that nødkit did not "
                         f"write: {_few(found.other)}{replaced}. nødkit replaces or deletes only the files it "
                         f"wrote itself (its manifest.json lists them). Nothing was written. Build into a new or "
                         f"empty folder (--out), or move those files away; or, to build here anyway, add "
                         f"{ALLOW_FLAG} (the files nødkit writes are then replaced, the others left as they are)")


def _few(paths: list[str]) -> str:
    shown = ", ".join(paths[:SHOWN])
    return shown + (f" (and {len(paths) - SHOWN:,} more)" if len(paths) > SHOWN else "")


def sweep_leftovers(out: Path) -> None:
    """What a build killed outright (kill -9, a power cut) could not remove: its staging folder
    and temporary files, where atomic_write writes them (not the whole tree: this runs before
    every build, even a no-change one). Only the lock's holder runs this, so no other build is
    using them; a link is never followed."""
    import shutil

    def real_folders(folder: Path):
        try:
            return [Path(e.path) for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
        except OSError:
            return []

    for folder in real_folders(out):
        if STAGING.fullmatch(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
    thumbs = [f for f in real_folders(out) if f.name == THUMBS]
    for folder in [out, *(f for f in real_folders(out) if f.name == CALENDAR),
                   *(sub for t in thumbs for sub in real_folders(t))]:
        try:
            leftovers = [Path(e.path) for e in os.scandir(folder)
                         if e.is_file(follow_symlinks=False) and TEMPORARY.fullmatch(e.name)]
        except OSError:
            continue
        for tmp in leftovers:
            tmp.unlink(missing_ok=True)
