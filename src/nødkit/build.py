"""Build: decide what to draw, draw it in parallel into a staging folder, then install it.

Safety: everything is loaded, validated and checked before anything is drawn. Each unit
and language is drawn by one worker process into `<out>/.staging-*`; only when every
document succeeded are the files renamed into place (each rename atomic), then the
manifest, then the preview. A failed or interrupted build removes its staging folder and
leaves `output/` exactly as it was.

Speed: a document whose inputs (see `document_key`) are unchanged, and whose file is still
the one this folder's state records, is not drawn again. `--force` draws everything.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .content.load import UNITS_FILE, Content, load_content
from .errors import BuildError, ContentError, Location, NodkitError, Problem, RenderError, unique_problems
from .i18n import catalogue_path, has_catalogue, untranslated
from .layout import Layouts, load_layouts
from .layout.binder import check_units as check_binder_units
from .layout.sheets import check_units as check_sheet_units, unit_gets

from .resolve import TrackedKit

MANIFEST = "manifest.json"
PACK = "print-pack"
LOCK = ".nodkit-build.lock"


def default_dir(name: str) -> Path:
    """The example content/layouts: inside the wheel, or beside src/ in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_defaults" / name
    return packaged if packaged.is_dir() else here.parents[1] / name


@dataclass(frozen=True)
class Job:
    unit: str
    document: str
    lang: str

    @property
    def path(self) -> str:
        return f"{self.unit}/{self.document}.{self.lang}.pdf"


@dataclass
class Project:
    content: Content
    layouts: Layouts


@dataclass
class BuildResult:
    written: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reprint: list[dict] = field(default_factory=list)  # new, or what they show changed since the last build
    manifest: Path | None = None


def documents(project: Project) -> list[str]:
    """Every document id a unit can get, in print order."""
    return list(project.layouts.documents)


def load_project(content_dir: Path, layout_dirs: list[Path]) -> Project:
    problems: list[Problem] = []
    content = layouts = None
    try:
        content = load_content(content_dir)
    except ContentError as exc:
        problems.extend(exc.problems)
    try:
        layouts = load_layouts(layout_dirs)
    except ContentError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    project = Project(content, layouts)
    _check_units_against_project(project)
    return project


def _check_units_against_project(project: Project) -> None:
    content = project.content
    doc = content.docs[UNITS_FILE]
    known = documents(project)
    problems = []
    for i, unit in enumerate(content.units):
        for key in unit.copies:
            if key not in known:
                problems.append(Problem(doc.location(("units", i, "copies", key), key=True),
                                        f"units[{i}].copies.{key}",
                                        f"unknown document '{key}'; expected one of: {', '.join(known)}"))
        for j, lang in enumerate(content.languages(unit)):
            if not has_catalogue(lang):
                problems.append(Problem(doc.location(("units", i, "languages", j)), f"units[{i}].languages[{j}]",
                                        f"nødkit has no translation catalogue for '{lang}' (see docs/languages.md)"))
    # no silent fallback to English for interface words either
    used = sorted({lang for u in content.units for lang in content.languages(u) if has_catalogue(lang)})
    for lang in used:
        missing = untranslated(lang)
        if missing:
            problems.append(Problem(Location(catalogue_path(lang)), "msgstr",
                                    f"{len(missing)} interface words have no '{lang}' translation: "
                                    f"{', '.join(repr(m) for m in missing[:5])}"))
    problems += check_sheet_units(project.layouts.documents, content)
    problems += check_binder_units(project.layouts.documents, content)
    if problems:
        raise ContentError(problems)


def plan_jobs(project: Project, units: Iterable[str] = (), langs: Iterable[str] = ()) -> list[Job]:
    content = project.content
    units, langs = list(units), list(langs)
    known = {u.id for u in content.units}
    unknown = [u for u in units if u not in known]
    if unknown:
        raise ContentError([Problem(Location(content.root / UNITS_FILE), "--unit",
                                    f"unknown unit '{u}'; known: {', '.join(sorted(known))}") for u in unknown])
    jobs = []
    for unit in content.units:
        if units and unit.id not in units:
            continue
        for lang in content.languages(unit):
            if langs and lang not in langs:
                continue
            for document in documents(project):
                if unit_gets(unit, project.layouts.documents[document]):
                    jobs.append(Job(unit.id, document, lang))
            jobs.append(Job(unit.id, PACK, lang))  # made from the documents above
    if not jobs:
        raise ContentError([Problem(Location(content.root / UNITS_FILE), "--lang",
                                    f"no unit asks for language(s) {', '.join(langs)}; nothing to build")])
    return jobs


def _layout_fingerprint(layouts: Layouts) -> dict[str, str]:
    files = dict(layouts.files)
    files.update({f"font:{k}": v for k, v in layouts.theme_fonts.items()})
    return {k: hashlib.sha256(Path(v).read_bytes()).hexdigest() for k, v in sorted(files.items())}


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    inputs: str  # hash of what the document shows, except the printed date and kit version
    version: str  # the unit's kit version printed on it


def render_job(project: Project, job: Job, as_of: dt.date, fingerprint: dict[str, str]) -> Rendered:
    from .render.fonts import register_fonts
    from .resolve import kit_version, resolve_kit

    content, layouts = project.content, project.layouts
    unit = content.unit(job.unit)
    version = kit_version(content, unit, fingerprint)
    spec = layouts.documents[job.document]
    count = getattr(spec.layout, "maintenance_dates", 6)
    kit = resolve_kit(content, unit, job.lang, as_of, version=version, maintenance_count=count)
    fonts = register_fonts(*layouts.fonts_for(job.lang))
    kit = dataclasses.replace(kit, documents=kit_documents(project, unit, kit.words))
    tracked = TrackedKit(kit)
    pdf = _renderer(spec.renderer)(tracked, spec.layout, fonts)
    # What this document depends on: the kit fields its renderer read, its layout, the fonts,
    # the translations and nødkit itself. The reprint list compares these, so a change to a
    # leader's phone flags the documents that print it, not every document of the unit.
    inputs = {
        "fields": tracked.used(),
        "layout": fingerprint.get(job.document, ""),
        "theme": fingerprint.get("theme", ""),
        "fonts": [fingerprint.get("font:regular", ""), fingerprint.get("font:bold", "")],
        "catalogue": _catalogue_hash(job.lang),
        "nodkit": __version__,
    }
    blob = json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return Rendered(pdf, hashlib.sha256(blob).hexdigest()[:16], version)


def render_pack(project: Project, job: Job, as_of: dt.date, fingerprint: dict[str, str],
                rendered: dict[Job, Rendered]) -> Rendered:
    """One PDF with the unit's whole kit in print order, each document as often as asked for."""
    from .render.fonts import register_fonts
    from .render.pack import assemble, pack_instructions
    from .resolve import kit_version, resolve_kit

    content, layouts = project.content, project.layouts
    unit = content.unit(job.unit)
    version = kit_version(content, unit, fingerprint)
    kit = resolve_kit(content, unit, job.lang, as_of, version=version)
    _ = kit.words.gettext
    kit = dataclasses.replace(kit, documents=kit_documents(project, unit, kit.words))
    how = {"binder": _("Single-sided; the cover goes in front of the binder"),
           "plan": _("Double-sided"),
           "pocket-cards": _("Double-sided, flip on the long edge; cut along the marks"),
           "sheet": _("Single-sided; put in the binder")}
    parts, pdfs, inputs = [], [], []
    for entry in kit.documents:
        done = rendered.get(Job(unit.id, entry.id, job.lang))
        if done is None:  # the document failed; its error is already reported
            raise RenderError("a document of the kit could not be made", field=entry.id)
        copies = 1 if layouts.documents[entry.id].copies_in_pdf else entry.copies
        if copies == 0:
            continue
        pages = count_pages(done.pdf)
        note = how.get(entry.kind, _("Single-sided"))
        if entry.paper.startswith("A3"):
            note = _("A3 paper, single-sided")
        parts.append((entry.title, entry.paper, pages, copies, note))
        pdfs.append((done.pdf, copies))
        inputs.append(f"{entry.id}:{copies}:{done.inputs}")
    fonts = register_fonts(*layouts.fonts_for(job.lang))
    tracked = TrackedKit(kit)
    cover = pack_instructions(tracked, parts, fonts)
    inputs.append(json.dumps(tracked.used(), sort_keys=True, ensure_ascii=False))
    digest = hashlib.sha256("\n".join(inputs).encode("utf-8")).hexdigest()[:16]
    return Rendered(assemble(kit, cover, pdfs), digest, version)


def document_title(spec, words) -> str:
    """A document's name in the kit's language, for contents lists and print instructions."""
    _ = words.gettext
    if spec.kind == "sheet":
        return spec.layout.title[words.lang]
    titles = {
        "binder": _("Binder cover and contents"),
        "plan": _("Emergency plan"),
        "pocket-cards": _("Pocket cards"),
        "poster": _("Wall poster {paper}").format(paper=spec.layout.page.size),
    }
    return titles.get(spec.kind, spec.id)


def kit_documents(project: Project, unit, words) -> tuple:
    from .resolve import DocumentEntry
    entries = []
    for spec in project.layouts.documents.values():
        if not unit_gets(unit, spec):
            continue
        page = spec.layout.page
        paper = page.size + (" " + words.gettext("landscape") if page.orientation == "landscape" else "")
        entries.append(DocumentEntry(spec.id, spec.kind, document_title(spec, words),
                                     unit.copies.get(spec.id, 1), paper))
    return tuple(entries)


@functools.lru_cache(maxsize=None)
def _catalogue_hash(lang: str) -> str:
    from .i18n import catalogue_path
    path = catalogue_path(lang)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _renderer(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module, package=__package__), name)


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def count_pages(pdf: bytes) -> int:
    # reportlab writes page objects uncompressed: one "/Type /Page" per page
    return len(_PAGE.findall(pdf))


@dataclass(frozen=True)
class KitTask:
    """One unit in one language: its documents, then its print pack (made from them)."""

    unit: str
    lang: str
    documents: tuple[str, ...]  # in print order
    render: frozenset[str]  # the documents (and PACK) to draw; the rest are unchanged on disk


@dataclass
class KitResult:
    entries: dict[str, dict] = field(default_factory=dict)  # path -> manifest entry of what was drawn
    failures: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def document_key(project: Project, unit_id: str, lang: str, document: str, as_of: dt.date,
                 fingerprint: dict[str, str]) -> str:
    """Everything a document depends on, hashed: a document whose key and file are unchanged is
    not drawn again. Content goes in through the unit's kit version (organisation, plan, contacts,
    unit, neighbours, layouts, nødkit); the as-of date, the translations and the unit's list of
    documents and copies (binder contents, print pack) are added here."""
    unit = project.content.unit(unit_id)
    parts = [_unit_version(project, unit_id, fingerprint), lang, document, as_of.isoformat(),
             _catalogue_hash(lang), json.dumps(unit.copies, sort_keys=True), repr(unit.sheets),
             ",".join(project.layouts.documents)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:20]


def _unit_version(project: Project, unit_id: str, fingerprint: dict[str, str]) -> str:
    # one hash per unit, not per document: a no-change rebuild of hundreds of units asks often
    cache = project.__dict__.setdefault("_versions", {})
    if unit_id not in cache:
        from .resolve import kit_version
        cache[unit_id] = kit_version(project.content, project.content.unit(unit_id), fingerprint)
    return cache[unit_id]


def run_kit(project: Project, task: KitTask, as_of: dt.date, fingerprint: dict[str, str],
            out: Path, staging: Path, thumbs: bool) -> KitResult:
    """Draw one unit-language kit into the staging folder. Runs in a worker process."""
    result = KitResult()
    rendered: dict[Job, Rendered] = {}
    failed = False
    for document in (*task.documents, PACK):
        job = Job(task.unit, document, task.lang)
        try:
            if document == PACK:
                if failed or PACK not in task.render:
                    continue
                for d in task.documents:  # the pack needs every part: unchanged ones come from disk
                    part = Job(task.unit, d, task.lang)
                    if part not in rendered:
                        rendered[part] = Rendered((out / part.path).read_bytes(), "", "")
                done = render_pack(project, job, as_of, fingerprint, rendered)
            elif document in task.render:
                done = render_job(project, job, as_of, fingerprint)
            else:
                continue
        except ContentError as exc:
            result.problems.extend(exc.problems)
            failed = True
            continue
        except RenderError as exc:
            exc.unit, exc.document, exc.lang = job.unit, job.document, job.lang
            result.failures.append(str(exc))
            failed = True
            continue
        except Exception as exc:  # a bug in a renderer must not hide the other units' results
            result.failures.append(f"{job.unit}/{job.document}/{job.lang}: internal error "
                                   f"({type(exc).__name__}: {exc}); please report this")
            failed = True
            continue
        rendered[job] = done
        target = staging / job.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(done.pdf)
            if thumbs:
                from .preview import thumbnail
                thumb = staging / "_thumbs" / f"{job.path[:-4]}.png"
                thumb.parent.mkdir(parents=True, exist_ok=True)
                thumb.write_bytes(thumbnail(done.pdf))
        except OSError as exc:  # a full disk, a quota: say which file, stop this kit
            result.failures.append(f"{job.path}: cannot be written to {out}: {exc.strerror or exc}")
            failed = True
            break
        result.entries[job.path] = {
            "path": job.path, "unit": job.unit, "document": job.document, "lang": job.lang,
            "pages": count_pages(done.pdf), "sha256": hashlib.sha256(done.pdf).hexdigest(),
            "bytes": len(done.pdf), "inputs": done.inputs, "kit_version": done.version,
        }
    return result


# Worker processes inherit the project by fork, not by pickling (cheap, and the fonts
# registered in the parent stay registered).
_WORKER: dict = {}


def _run_kit_in_worker(task: KitTask) -> KitResult:
    w = _WORKER
    return run_kit(w["project"], task, w["as_of"], w["fingerprint"], w["out"], w["staging"], w["thumbs"])


def plan_kits(project: Project, units: Iterable[str] = (), langs: Iterable[str] = ()) -> list[KitTask]:
    jobs = plan_jobs(project, units, langs)
    kits: dict[tuple[str, str], list[str]] = {}
    for job in jobs:
        if job.document != PACK:
            kits.setdefault((job.unit, job.lang), []).append(job.document)
        else:
            kits.setdefault((job.unit, job.lang), [])
    return [KitTask(u, lang, tuple(docs), frozenset((*docs, PACK))) for (u, lang), docs in kits.items()]


STATE = ".nodkit-state.json"  # path -> [size, mtime_ns, key]: what this folder's files were made from


def build(project: Project, out: Path, *, units: Iterable[str] = (), langs: Iterable[str] = (),
          as_of: dt.date, jobs: int = 1, force: bool = False,
          progress: Callable[[int], None] | None = None, on_plan: Callable[[int, int], None] | None = None
          ) -> BuildResult:
    """Draw what changed into a staging folder, then move it into place; see the module docstring."""
    import shutil

    units, langs = list(units), list(langs)
    tasks = plan_kits(project, units, langs)
    fingerprint = _layout_fingerprint(project.layouts)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise BuildError(f"cannot write to the output folder {out}: {exc.strerror}") from None
    try:
        return _build_locked(project, out, tasks, units, langs, as_of, jobs, force, fingerprint, progress, on_plan)
    except BaseException:
        if created:  # a failed first build leaves no empty output folder behind
            shutil.rmtree(out, ignore_errors=True)
        raise


def _build_locked(project, out, tasks, units, langs, as_of, jobs, force, fingerprint, progress, on_plan):
    import multiprocessing
    import shutil

    result = BuildResult()
    with _Lock(out):
        previous = read_manifest(out)
        old = {e["path"]: e for e in previous.get("files", [])}
        state = _read_state(out)
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
                if force or not _unchanged(out, path, key, old, state):
                    todo.add(document)
            if todo - {PACK}:
                todo.add(PACK)  # a part changed: so did the pack
            planned.append(dataclasses.replace(task, render=frozenset(todo)))
        to_draw = [t for t in planned if t.render]
        drawn_docs = sum(len(t.render) for t in to_draw)
        if on_plan:
            on_plan(drawn_docs, sum(len(t.documents) + 1 for t in planned) - drawn_docs)

        staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
        try:
            outcomes: list[KitResult] = []
            workers = max(1, min(jobs, len(to_draw)))
            if workers == 1:
                for task in to_draw:
                    outcomes.append(run_kit(project, task, as_of, fingerprint, out, staging, True))
                    if progress:
                        progress(len(task.render))
            else:
                _WORKER.update(project=project, as_of=as_of, fingerprint=fingerprint, out=out, staging=staging,
                               thumbs=True)
                ctx = multiprocessing.get_context("fork")
                # Ctrl-C reaches every process of the terminal: the main process alone handles it
                with ctx.Pool(workers, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)) as pool:
                    for task, outcome in zip(to_draw, pool.imap(_run_kit_in_worker, to_draw, chunksize=1)):
                        outcomes.append(outcome)
                        if progress:
                            progress(len(task.render))
            problems = unique_problems(p for o in outcomes for p in o.problems)
            if problems:
                raise ContentError(problems)
            failures = [f for o in outcomes for f in o.failures]
            if failures:
                ok = sum(len(o.entries) for o in outcomes)
                raise BuildError(f"{len(failures)} document(s) could not be made; nothing was written "
                                 f"({ok} others were fine):\n  " + "\n  ".join(failures))
            drawn = {path: entry for o in outcomes for path, entry in o.entries.items()}
            _install(out, staging, previous, old, drawn, keys, state, project, as_of,
                     full=not units and not langs, result=result)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return result


def _unchanged(out: Path, path: str, key: str, old: dict, state: dict) -> bool:
    """Same inputs as last time and the file on disk is the one we wrote (size and mtime)."""
    recorded = state.get(path)
    if path not in old or recorded is None or recorded[2] != key:
        return False
    try:
        st = (out / path).stat()
    except OSError:
        return False
    return [st.st_size, st.st_mtime_ns] == recorded[:2]


def _read_state(out: Path) -> dict:
    try:
        return json.loads((out / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _replace_keeping_old(staging: Path, path: str, target: Path, moved: list) -> None:
    """Move a drawn file into place; the file it replaces waits in the staging folder until the
    manifest is written, so a failure half-way can put every earlier file back."""
    backup = None
    if target.exists():
        backup = staging / ".replaced" / path
        backup.parent.mkdir(parents=True, exist_ok=True)
        os.link(target, backup)
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


def _install(out: Path, staging: Path, previous: dict, old: dict, drawn: dict[str, dict], keys: dict[str, str],
             state: dict, project: Project, as_of: dt.date, *, full: bool, result: BuildResult) -> None:
    """Move drawn files into place (each an atomic rename), then the manifest, then the preview."""
    entries: dict[str, dict] = {}
    moved: list[tuple[Path, Path | None]] = []  # (installed file, the old one kept aside) to undo a failure
    if not full:  # a partial build (--unit/--lang) keeps the other units' entries
        entries = {p: e for p, e in old.items() if (out / p).is_file()}
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
            thumb = f"_thumbs/{path[:-4]}.png"
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
                    stale.unlink()
                    result.removed.append(path)
                state.pop(path, None)
        calendars = _write_calendars(out, project, as_of)
        manifest = {
            "nodkit": __version__,
            "as_of": as_of.isoformat(),
            "content": str(project.content.root),
            "files": [entries[p] for p in sorted(entries)],
            "calendars": calendars,
        }
        atomic_write(out / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        atomic_write(out / STATE, json.dumps(state, sort_keys=True).encode("utf-8"))
        from .preview import write_preview
        units = [{"id": u.id, "name": u.name, "example": u.example} for u in project.content.units]
        write_preview(out, manifest, units, {e["path"] for e in result.written}, result.reprint,
                      result.removed, atomic_write)
    except OSError as exc:
        _undo(moved)
        where = exc.filename or out
        raise BuildError(f"writing {where} failed: {exc.strerror or exc}; output/ is as it was before "
                         f"this build") from None
    result.manifest = out / MANIFEST


class _Lock:
    """Refuses a second build into the same output folder while one is running."""

    def __init__(self, out: Path):
        self.path = out / LOCK

    def __enter__(self):
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            raise BuildError(f"another nødkit build is writing to {self.path.parent} "
                             f"(remove {self.path} if no build is running)") from None
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        return self

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_calendars(out: Path, project: Project, as_of: dt.date) -> list[dict]:
    """One iCalendar file of planned downtime per plan (same dates as the posters)."""
    from .ical import plan_calendar
    written = []
    for plan in project.content.plans.values():
        data = plan_calendar(project.content, plan, as_of)
        if data is None:
            continue
        path = f"calendar/{plan.id}.ics"
        target = out / path
        if not (target.is_file() and target.read_bytes() == data):
            atomic_write(target, data)
        written.append({"path": path, "plan": plan.id, "sha256": hashlib.sha256(data).hexdigest()})
    return written


def read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


__all__ = ["Job", "Project", "BuildResult", "NodkitError", "load_project", "plan_jobs", "build", "default_dir",
           "documents"]
