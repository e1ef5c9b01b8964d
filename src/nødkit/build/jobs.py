"""What to draw: the jobs (a document of a unit in a language), the kits they make (a unit in a
language), and the keys that say whether a document's inputs changed since the last build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..content.load import UNITS_FILE
from ..errors import ContentError, Location, Problem
from ..layout import Layouts
from ..layout.sheets import unit_gets
from ..outfolder import STATE
from .loading import Project, documents

PACK = "print-pack"


@dataclass(frozen=True)
class Job:
    unit: str
    document: str
    lang: str

    @property
    def path(self) -> str:
        return f"{self.unit}/{self.document}.{self.lang}.pdf"


@dataclass(frozen=True)
class KitTask:
    """One unit in one language: its documents, then its print pack (made from them)."""

    unit: str
    lang: str
    documents: tuple[str, ...]  # in print order
    render: frozenset[str]  # the documents (and PACK) to draw; the rest are unchanged on disk


def unit_languages(content, units: Iterable[str] = (), langs: Iterable[str] = ()):
    """(unit, language) of every kit, or of the units and languages named (--unit, --lang)."""
    units, langs = list(units), list(langs)
    for unit in content.units:
        if not units or unit.id in units:
            yield from ((unit, lang) for lang in content.languages(unit) if not langs or lang in langs)


def plan_jobs(project: Project, units: Iterable[str] = (), langs: Iterable[str] = ()) -> list[Job]:
    content = project.content
    units, langs = list(units), list(langs)
    known = {u.id for u in content.units}
    unknown = [u for u in units if u not in known]
    if unknown:
        raise ContentError([Problem(Location(content.root / UNITS_FILE), "--unit",
                                    f"unknown unit '{u}'; known: {', '.join(sorted(known))}") for u in unknown])
    jobs = []
    for unit, lang in unit_languages(content, units, langs):
        for document in documents(project):
            if unit_gets(unit, project.layouts.documents[document]):
                jobs.append(Job(unit.id, document, lang))
        jobs.append(Job(unit.id, PACK, lang))  # made from the documents above
    if not jobs:
        raise ContentError([Problem(Location(content.root / UNITS_FILE), "--lang",
                                    f"no unit asks for language(s) {', '.join(langs)}; nothing to build")])
    return jobs


def plan_kits(project: Project, units: Iterable[str] = (), langs: Iterable[str] = ()) -> list[KitTask]:
    jobs = plan_jobs(project, units, langs)
    kits: dict[tuple[str, str], list[str]] = {}
    for job in jobs:
        if job.document != PACK:
            kits.setdefault((job.unit, job.lang), []).append(job.document)
        else:
            kits.setdefault((job.unit, job.lang), [])
    return [KitTask(u, lang, tuple(docs), frozenset((*docs, PACK))) for (u, lang), docs in kits.items()]


def layout_fingerprint(layouts: Layouts) -> dict[str, str]:
    files = dict(layouts.files)
    files.update({f"font:{k}": v for k, v in layouts.theme_fonts.items()})
    return {k: hashlib.sha256(Path(v).read_bytes()).hexdigest() for k, v in sorted(files.items())}


@functools.lru_cache(maxsize=None)
def catalogue_hash(lang: str) -> str:
    from ..i18n import catalogue_path
    path = catalogue_path(lang)
    try:
        st = path.stat()
    except OSError:
        return ""
    return _file_hash(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=32)
def _file_hash(path: str, _mtime_ns: int, _size: int) -> str:
    # asked for every document of every kit: read once while the file stays as it is
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def document_key(project: Project, unit_id: str, lang: str, document: str, as_of: dt.date,
                 fingerprint: dict[str, str]) -> str:
    """Everything a document depends on, hashed: a document whose key and file are unchanged is
    not drawn again. Content goes in through the unit's kit version (organisation, plan, contacts,
    unit, neighbours, layouts, nødkit); the as-of date, the translations and the unit's list of
    documents and copies (binder contents, print pack) are added here."""
    parts = [_unit_version(project, unit_id, fingerprint), lang, document, as_of.isoformat(),
             catalogue_hash(lang), _unit_documents(project, unit_id)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:20]


def _unit_documents(project: Project, unit_id: str) -> str:
    """The unit's copies and sheets, and the layouts' documents: once per unit."""
    cache = project.__dict__.setdefault("_unit_documents", {})
    if unit_id not in cache:
        unit = project.content.unit(unit_id)
        cache[unit_id] = "\n".join([json.dumps(unit.copies, sort_keys=True), repr(unit.sheets),
                                    ",".join(project.layouts.documents)])
    return cache[unit_id]


def _unit_version(project: Project, unit_id: str, fingerprint: dict[str, str]) -> str:
    # one hash per unit, not per document: a no-change rebuild of hundreds of units asks often
    cache = project.__dict__.setdefault("_versions", {})
    if unit_id not in cache:
        from ..resolve import kit_version
        cache[unit_id] = kit_version(project.content, project.content.unit(unit_id), fingerprint)
    return cache[unit_id]


def plan_drawing(project: Project, out: Path | None, tasks: list[KitTask], as_of: dt.date,
                 fingerprint: dict[str, str], old: dict, state: dict, *,
                 force: bool = False) -> tuple[list[KitTask], dict[str, str]]:
    """Which documents of each kit to draw: those whose inputs (see `document_key`) changed since
    the last build into `out`, or whose file there is not the one it wrote; every one with
    `force` or without `out`. -> (the kits with what to draw, path -> key of every document)."""
    keys: dict[str, str] = {}
    planned: list[KitTask] = []
    for task in tasks:
        todo = set()
        for document in (*task.documents, PACK):
            path = Job(task.unit, document, task.lang).path
            if document == PACK:
                key = hashlib.sha256("".join(keys[Job(task.unit, d, task.lang).path]
                                             for d in task.documents).encode()).hexdigest()[:20]
            else:
                key = document_key(project, task.unit, task.lang, document, as_of, fingerprint)
            keys[path] = key
            if force or out is None or not unchanged(out, path, key, old, state):
                todo.add(document)
        if todo - {PACK}:
            todo.add(PACK)  # a part changed: so did the pack
        planned.append(dataclasses.replace(task, render=frozenset(todo)))
    return planned, keys


def unchanged(out: Path, path: str, key: str, old: dict, state: dict) -> bool:
    """Same inputs as last time and the file on disk is the one we wrote (size and mtime)."""
    recorded = state.get(path)
    if path not in old or recorded is None or recorded[2] != key:
        return False
    try:
        st = (out / path).stat()
    except OSError:
        return False
    return [st.st_size, st.st_mtime_ns] == recorded[:2]


def read_state(out: Path) -> dict:
    return read_json_object(out / STATE)


def read_json_object(path: Path) -> dict:
    """A JSON object nødkit wrote (manifest, state); {} when it is missing, broken or not an object."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
