"""Installing a drawn kit: the staging folder's files moved into the output folder (each an atomic
rename, each replaced file kept aside until the end so that a failure puts everything back),
then the print runs, the calendars, the manifest, the state file and the preview."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from .. import __version__
from ..errors import BuildError, NodkitError
from ..i18n import has_catalogue
from typing import TYPE_CHECKING

from ..outfolder import CALENDAR, MANIFEST, PRINT_README, STATE, print_runs_in, thumb_of
from .jobs import read_json_object, unchanged
from .loading import Project

if TYPE_CHECKING:
    from .run import BuildResult

def _replace_keeping_old(staging: Path, path: str, target: Path, moved: list) -> None:
    """Move a drawn file into place; the file it replaces waits in the staging folder until the
    manifest is written, so a failure half-way can put every earlier file back."""
    backup = None
    if target.exists():
        backup = staging / ".replaced" / path
        backup.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(target, backup)
        except OSError:  # a file system without hard links (FAT on a USB stick, some network shares)
            import shutil
            shutil.copy2(target, backup)
    os.replace(staging / path, target)
    moved.append((target, backup))


def _undo(moved: list) -> None:
    for target, backup in reversed(moved):
        try:
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        except OSError:
            pass  # nothing better to do: the error that brought us here is reported


def install(out: Path, staging: Path, previous: dict, old: dict, drawn: dict[str, dict], keys: dict[str, str],
             state: dict, project: Project, as_of: dt.date, *, full: bool, result: BuildResult,
             keep_units: set[str] = frozenset(), jobs: int = 1, start_method: str | None = None) -> None:
    """Move drawn files into place (each an atomic rename), then the manifest, then the preview.
    The units in `keep_units` (failed, with --keep-going) keep their entries and files as they were."""
    entries: dict[str, dict] = {}
    moved: list[tuple[Path, Path | None]] = []  # (installed file, the old one kept aside) to undo a failure
    if not full:  # a partial build (--unit/--lang) keeps the other units' entries
        entries = {p: e for p, e in old.items() if (out / p).is_file()}
    entries.update({p: e for p, e in old.items() if e.get("unit") in keep_units and (out / p).is_file()})
    try:
        for path in keys:
            if path not in drawn:  # unchanged: keep what the last build recorded
                entries[path] = old[path]
                result.unchanged.append(old[path])
                continue
            entry = drawn[path]
            before = old.get(path)
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if before is not None and before.get("sha256") == entry["sha256"] and target.is_file():
                result.unchanged.append(entry)
            else:
                _replace_keeping_old(staging, path, target, moved)
                result.written.append(entry)
            thumb = thumb_of(path)
            if (staging / thumb).is_file():
                (out / thumb).parent.mkdir(parents=True, exist_ok=True)
                _replace_keeping_old(staging, thumb, out / thumb, moved)
            if before is None or before.get("inputs") != entry["inputs"]:
                result.reprint.append(entry)
            entries[path] = entry
            st = target.stat()
            state[path] = [st.st_size, st.st_mtime_ns, keys[path]]
        if full:  # documents this content no longer makes
            for path in sorted(set(old) - set(entries)):
                stale = (out / path).resolve()
                if stale.is_file() and out.resolve() in stale.parents:
                    kept = staging / ".replaced" / path  # put back if a later step fails
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(stale, kept)
                    moved.append((stale, kept))
                    result.removed.append(path)
                state.pop(path, None)
        runs = _install_print_runs(out, staging, project, entries, previous, state, moved, result, jobs,
                                   start_method)
        calendars = _write_calendars(out, project, as_of)
        manifest = {
            "nodkit": __version__,
            "as_of": as_of.isoformat(),
            "content": str(project.content.root),
            "files": [entries[p] for p in sorted(entries)],
            "calendars": calendars,
            "print_runs": runs,
        }
        atomic_write(out / MANIFEST, manifest_text(manifest).encode("utf-8"))
        atomic_write(out / STATE, json.dumps(state, sort_keys=True).encode("utf-8"))
        from ..preview import write_preview
        words = organisation_words(project.content)
        units = [{"id": u.id, "name": u.name, "example": u.example, "languages": project.content.languages(u),
                  "plan": _plan_title(project.content, u.plan, words.lang)} for u in project.content.units]
        write_preview(out, manifest, units, {e["path"] for e in result.written}, result.reprint,
                      result.removed, atomic_write, words)
    except OSError as exc:
        _undo(moved)
        where = exc.filename or out
        raise BuildError(f"writing {where} failed: {exc.strerror or exc}; output/ is as it was before "
                         f"this build") from None
    except NodkitError:  # a print run that could not be made (print_runs.py)
        _undo(moved)
        raise
    result.manifest = out / MANIFEST


def organisation_words(content):
    """Words in the organisation's language, for what the admin reads (the preview, the print
    runs' instructions); English where nødkit has no catalogue for it."""
    from ..i18n import Words
    lang = content.organisation.default_language
    return Words(lang if has_catalogue(lang) else "en", content.organisation.region)


def _plan_title(content, plan_id: str, lang: str) -> str:
    plan = content.plans.get(plan_id)
    if plan is None:
        return plan_id
    return plan.title.get(lang) or next(iter(plan.title.values()), plan_id)


def _print_paths(project: Project, previous: dict) -> set[str]:
    """The files of print/ a build may write or delete: a run for each kind of print job the
    layouts' documents go to, the runs the last build wrote, the README."""
    from ..print_runs import kind_of, possible_paths
    runs = possible_paths({kind_of(spec) for spec in project.layouts.documents.values()},
                          len(project.content.units))
    return runs | {r["path"] for r in print_runs_in(previous)} | {PRINT_README}


def _install_print_runs(out: Path, staging: Path, project: Project, entries: dict[str, dict], previous: dict,
                        state: dict, moved: list, result: BuildResult, jobs: int = 1,
                        start_method: str | None = None) -> list[dict]:
    """print/: every unit's documents in one PDF per kind of print job (print_runs.py). A run
    is joined again only when one of its parts changed; one that no document needs any more goes."""
    from ..print_runs import PRINT_DIR, README, make_runs

    old = {r["path"]: r for r in print_runs_in(previous)}
    runs, drawn = make_runs(project, out, staging, entries, old,
                            lambda path, key: unchanged(out, path, key, old, state), jobs=jobs,
                            start_method=start_method)
    (out / PRINT_DIR).mkdir(exist_ok=True)
    for path in (*drawn, f"{PRINT_DIR}/{README}"):
        _replace_keeping_old(staging, path, out / path, moved)
    for path in sorted(set(old) - {r["path"] for r in runs}):
        if (out / path).is_file():
            kept = staging / ".replaced" / path  # put back if a later step fails
            kept.parent.mkdir(parents=True, exist_ok=True)
            os.replace(out / path, kept)
            moved.append((out / path, kept))
        state.pop(path, None)
    for run in runs:
        st = (out / run["path"]).stat()
        state[run["path"]] = [st.st_size, st.st_mtime_ns, run["inputs"]]
    result.runs = runs
    return runs


def atomic_write(path: Path, data: bytes) -> None:
    import secrets
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"  # named before it exists: see build()
    try:
        # O_BINARY: on Windows a descriptor opened without it writes every \n as \r\n
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_calendars(out: Path, project: Project, as_of: dt.date) -> list[dict]:
    """One iCalendar file of planned downtime per plan (same dates as the posters)."""
    from ..ical import plan_calendar
    written = []
    for plan in project.content.plans.values():
        data = plan_calendar(project.content, plan, as_of)
        if data is None:
            continue
        path = f"{CALENDAR}/{plan.id}.ics"
        target = out / path
        if not (target.is_file() and target.read_bytes() == data):
            atomic_write(target, data)
        written.append({"path": path, "plan": plan.id, "sha256": hashlib.sha256(data).hexdigest()})
    return written


def manifest_text(manifest: dict) -> str:
    """The manifest as JSON with one file (calendar, print run) to a line: as readable as an
    indented one, and written by json's C encoder (indent= takes the pure-Python one, a tenth of a
    second for 300 units on every build)."""
    def one(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    fields = []
    for key, value in manifest.items():
        if isinstance(value, list) and value:
            fields.append(f"  {one(key)}: [\n" + ",\n".join(f"    {one(v)}" for v in value) + "\n  ]")
        else:
            fields.append(f"  {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def read_manifest(out: Path) -> dict:
    return read_json_object(out / MANIFEST)
