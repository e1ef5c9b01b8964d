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

import contextlib
import dataclasses
import functools
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import signal
import threading
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
from .outfolder import (CALENDAR, INDEX, LOCK, MANIFEST, PRINT_README, REPRINT, STATE, documents_in,
                        print_runs_in, refuse_survey, refuse_unsafe_out, survey, sweep_leftovers, thumb_of,
                        written_before)
from .report import Finding

from .resolve import TrackedKit

PACK = "print-pack"
RESERVED_UNIT_ID = "print"  # output/print/ holds the print runs across units (print_runs.py)


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
    # a unit's resolved kit per (unit, language, as-of, maintenance dates shown): its documents
    # are drawn one after another from the same kit
    kits: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass
class BuildResult:
    written: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reprint: list[dict] = field(default_factory=list)  # new, or what they show changed since the last build
    manifest: Path | None = None
    installed: bool = False  # the new kit is in place: an interrupt from now on finds it complete
    kits: int = 0  # unit-language kits drawn (some of their documents, or all)
    runs: list[dict] = field(default_factory=list)  # the print runs' manifest entries (print_runs.py)
    # --keep-going: the units left as they were because a document of theirs failed, and why
    failed_units: list[str] = field(default_factory=list)
    failures: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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
        if unit.id == RESERVED_UNIT_ID:
            problems.append(Problem(doc.location(("units", i, "id")), f"units[{i}].id",
                                    f"'{unit.id}' is the name of the output folder of the print runs "
                                    f"(output/{RESERVED_UNIT_ID}/); give the unit another id"))
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
    problems += _qr_problems(project)
    if problems:
        raise ContentError(problems)


def _qr_problems(project: Project) -> list[Problem]:
    """A fallback address too long for a QR code a phone can read at the size its documents
    print it (the qrcode library fails outright beyond version 40), named before anything is
    drawn, with the longest address that fits."""
    from reportlab.lib.units import mm

    from .content.load import PLANS_DIR
    from .render.base import QR_MIN_MODULE, QUIET_MODULES, qr_capacity, qr_version

    content = project.content
    problems = []
    for name, doc in content.docs.items():
        plan = content.plans.get(doc.data.get("id")) if name.startswith(PLANS_DIR + "/") else None
        url = getattr(getattr(plan, "fallback", None), "url", None)
        if url is None:
            continue
        sizes = {spec.id: spec.layout.qr_size for spec in project.layouts.documents.values()
                 if getattr(spec.layout, "qr_size", None)
                 and any(u.plan == plan.id and unit_gets(u, spec) for u in content.units)}
        if not sizes:
            continue
        smallest = min(sizes, key=sizes.get)
        version = qr_version(url)
        modules = None if version is None else 17 + 4 * version + 2 * QUIET_MODULES
        if modules is None or sizes[smallest] / modules < QR_MIN_MODULE - 1e-6:
            need = ("more than a QR code can hold at all" if modules is None else
                    f"a QR code of {modules} modules, {sizes[smallest] / modules / mm:.2f} mm each on {smallest} "
                    f"({sizes[smallest] / mm:g} mm), under the {QR_MIN_MODULE / mm:g} mm a phone camera needs")
            problems.append(Problem(doc.location(("fallback", "url")), "fallback.url",
                                    f"the address is {len(url.encode('utf-8')):,} bytes long: {need}. At the sizes "
                                    f"the layouts print it, a QR code holds at most {qr_capacity(sizes[smallest]):,} "
                                    f"bytes; use a shorter address (e.g. a short link on your own domain)"))
    return problems


def _check_letters(project: Project) -> None:
    """Every text against the fonts that will draw it, as `check` does, before anything is drawn:
    a letter the font lacks is then one problem at its file, line and column, not one failed
    document per unit, language and document without a place."""
    from .check import glyph_problems
    if "_letters" not in project.__dict__:  # once per loaded project (a benchmark builds one many times)
        project.__dict__["_letters"] = glyph_problems(project)
    if project.__dict__["_letters"]:
        raise ContentError(project.__dict__["_letters"])


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
    notes: tuple[str, ...] = ()  # what it had to leave out to fit (warnings)


def render_job(project: Project, job: Job, as_of: dt.date, fingerprint: dict[str, str]) -> Rendered:
    from .render.fonts import register_fonts
    from .resolve import kit_version

    content, layouts = project.content, project.layouts
    unit = content.unit(job.unit)
    version = kit_version(content, unit, fingerprint)
    spec = layouts.documents[job.document]
    count = getattr(spec.layout, "maintenance_dates", 6)
    kit = _kit(project, unit, job.lang, as_of, version, count)
    fonts = register_fonts(*layouts.fonts_for(job.lang))
    tracked = TrackedKit(kit)
    drawn = _renderer(spec.renderer)(tracked, spec.layout, fonts)  # a render.base.Drawn
    pdf, notes = drawn.pdf, drawn.notes
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
    return Rendered(pdf, hashlib.sha256(blob).hexdigest()[:16], version, notes)


def _kit(project: Project, unit, lang: str, as_of: dt.date, version: str, maintenance_count: int = 6):
    """The unit's resolved kit with its documents list. A worker draws one unit's kit at a
    time, document after document: it is resolved once and kept until the next unit."""
    from .resolve import resolve_kit

    key = (unit.id, lang, as_of, version, maintenance_count)
    if key not in project.kits:
        if any(k[:2] != key[:2] for k in project.kits):
            project.kits.clear()
        kit = resolve_kit(project.content, unit, lang, as_of, version=version, maintenance_count=maintenance_count)
        project.kits[key] = dataclasses.replace(kit, documents=kit_documents(project, unit, kit.words))
    return project.kits[key]


def render_pack(project: Project, job: Job, as_of: dt.date, fingerprint: dict[str, str],
                rendered: dict[Job, Rendered]) -> Rendered:
    """One PDF with the unit's whole kit in print order, each document as often as asked for."""
    from .render.fonts import register_fonts
    from .render.pack import Part, PackDocument, print_pack
    from .resolve import kit_version

    content, layouts = project.content, project.layouts
    unit = content.unit(job.unit)
    version = kit_version(content, unit, fingerprint)
    kit = _kit(project, unit, job.lang, as_of, version)
    _ = kit.words.gettext
    how = {"binder": _("Single-sided; the cover goes in front of the binder"),
           "plan": _("Double-sided"),
           "pocket-cards": _("Double-sided, flip on the long edge; cut along the marks"),
           "sheet": _("Single-sided; put in the binder")}
    double_sided = {"plan", "pocket-cards"}  # every other document gets a blank back behind each page
    documents, inputs = [], []
    for entry in kit.documents:
        done = rendered.get(Job(unit.id, entry.id, job.lang))
        if done is None:  # the document failed; its error is already reported
            raise RenderError("a document of the kit could not be made", field=entry.id)
        copies = 1 if layouts.documents[entry.id].copies_in_pdf else entry.copies
        if copies == 0:
            continue
        note = how.get(entry.kind, _("Single-sided"))
        if entry.paper.startswith("A3"):
            note = _("A3 paper, single-sided")
        part = Part(entry.title, count_pages(done.pdf), copies, entry.kind in double_sided, done.pdf)
        documents.append(PackDocument(part, entry.paper, note))
        inputs.append(f"{entry.id}:{copies}:{done.inputs}")
    fonts = register_fonts(*layouts.fonts_for(job.lang))
    tracked = TrackedKit(kit)
    pdf = print_pack(tracked, documents, fonts)
    inputs.append(json.dumps(tracked.used(), sort_keys=True, ensure_ascii=False))
    digest = hashlib.sha256("\n".join(inputs).encode("utf-8")).hexdigest()[:16]
    return Rendered(pdf, digest, version)


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
    unit: str = ""
    entries: dict[str, dict] = field(default_factory=dict)  # path -> manifest entry of what was drawn
    failures: list[Finding] = field(default_factory=list)  # the unit's documents that could not be made
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.failures or self.problems)


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
            out: Path | None, staging: Path | None, thumbs: bool) -> KitResult:
    """Draw one unit-language kit into the staging folder (or, without one, only into memory:
    `check`). Runs in a worker process."""
    result = KitResult(task.unit)
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
            # named without the unit, so that one cause in many units reads the same (report.py)
            exc.unit, exc.document, exc.lang = "", job.document, job.lang
            result.failures.append(Finding(str(exc), job.unit, "/"))
            failed = True
            continue
        except Exception as exc:  # a bug in a renderer must not hide the other units' results
            result.failures.append(Finding(f"{job.document}/{job.lang}: internal error "
                                           f"({type(exc).__name__}: {exc}); please report this", job.unit, "/"))
            failed = True
            continue
        rendered[job] = done
        try:
            if staging is not None:
                target = staging / job.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(done.pdf)
            if staging is not None and thumbs:
                from .preview import thumbnail
                thumb = staging / thumb_of(job.path)
                thumb.parent.mkdir(parents=True, exist_ok=True)
                thumb.write_bytes(thumbnail(done.pdf))
        except OSError as exc:  # a full disk, a quota: say which file, stop this kit
            result.failures.append(Finding(f"{job.document}.{job.lang}.pdf: cannot be written to {out}: "
                                           f"{exc.strerror or exc}", job.unit, "/"))
            failed = True
            break
        result.entries[job.path] = {
            "path": job.path, "unit": job.unit, "document": job.document, "lang": job.lang,
            "pages": count_pages(done.pdf), "sha256": hashlib.sha256(done.pdf).hexdigest(),
            "bytes": len(done.pdf), "inputs": done.inputs, "kit_version": done.version,
        }
        if done.notes:
            result.entries[job.path]["notes"] = list(done.notes)
    return result


# What every worker process draws from, set once when it starts (see `_worker_start`).
_WORKER: dict = {}


def _kit_name(task: KitTask) -> str:
    return f"{task.unit} ({task.lang})"


_DRAWING = ".drawing"  # in the staging folder: per worker process, the kit it is drawing


def _run_kit_in_worker(task: KitTask) -> KitResult:
    w = _WORKER
    if w["staging"] is not None:  # `check` draws into memory only
        marker = w["staging"] / _DRAWING / str(os.getpid())
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(_kit_name(task), "utf-8")
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


def build(project: Project, out: Path, *, units: Iterable[str] = (), langs: Iterable[str] = (),
          as_of: dt.date, jobs: int = 1, force: bool = False,
          progress: Callable[[int], None] | None = None, on_plan: Callable[[int, int, int], None] | None = None,
          result: BuildResult | None = None, allow_other_files: bool = False, keep_going: bool = False,
          start_method: str | None = None) -> BuildResult:
    """Draw what changed into a staging folder, then move it into place; see the module docstring.

    `on_plan(documents to draw, documents unchanged, kits to draw)` is called once before drawing,
    `progress(1)` each time a unit-language kit is done, in the order they finish.

    Without `keep_going`, one document that fails stops the whole build and nothing is written.
    With it, every unit whose documents all succeeded is written; a unit with a failed document
    (in any language) is left exactly as it was, and `result.failed_units` names it.

    `start_method` is multiprocessing's ("spawn", "fork", …; None: the platform's own). The
    workers get what they draw from as arguments, never by inheriting memory, so every method
    works — Windows and macOS start workers with "spawn".

    Ctrl-C and SIGTERM are held for the whole build (see `_Interrupts`): they stop it at once
    while it plans and draws, and otherwise as soon as the step under way — taking the lock,
    installing the kit, cleaning up — is done. Pass `result` to learn, after an interrupt,
    whether the new kit was already installed.

    Into a folder that holds files nødkit did not write, a build is refused unless
    `allow_other_files` (see outfolder.py).
    """
    import shutil

    refuse_unsafe_out(out, project.content.root, project.layouts.roots)
    units, langs = list(units), list(langs)
    result = result or BuildResult()
    interrupts = _Interrupts()
    created = not out.exists()
    lock = _Lock(out)
    try:
        interrupts.hold()
        with interrupts.allowed():
            tasks = plan_kits(project, units, langs)
            _check_letters(project)
            fingerprint = _layout_fingerprint(project.layouts)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"cannot write to the output folder {out}: {exc.strerror}") from None
        lock.take()
        _build_locked(project, out, tasks, units, langs, as_of, jobs, force, fingerprint, progress, on_plan,
                      result, interrupts, allow_other_files, keep_going, start_method)
        return result
    except BaseException:
        interrupts.stop_allowing()
        if created:  # a failed first build leaves no empty output folder behind
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        interrupts.stop_allowing()
        lock.release()
        interrupts.release()


_OURS = str(Path(__file__).resolve().parent)


def _unwindable(frame) -> bool:
    """Whether a KeyboardInterrupt raised at `frame` reaches the build's cleanup as itself: not when
    a library is running there (reportlab, pydantic, ...), which may catch every exception and
    raise one of its own instead. nødkit's code and Python's own (waiting for the workers) are fine."""
    while frame is not None and frame.f_code is not build.__code__:  # (above build(): where it is meant to go)
        name = frame.f_code.co_filename
        if not name.startswith(_OURS) and ("site-packages" in name or "dist-packages" in name):
            return False
        frame = frame.f_back
    return True


class _Interrupts:
    """Holds Ctrl-C (SIGINT) and SIGTERM for the length of a build.

    Python raises KeyboardInterrupt at whatever instruction the signal lands on — between making
    a temporary folder and the `try` that removes it, half-way through moving the kit into place.
    So the build's own handler records a signal and the build goes on, except inside
    `allowed()` (planning and drawing, which leave nothing to undo), where the signal acts at
    once as it would have without nødkit's handler. A held signal acts when the build next
    allows it, or when `release()` puts the original handlers back at the very end. Allowing is
    one assignment to a flag, so no signal can fall between two handlers being swapped.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.allowing = False
        self.caught: list[int] = []
        self.previous: dict = {}

    def hold(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers belong to the main thread (a build run from a thread)
        self.previous = {s: signal.getsignal(s) for s in self.SIGNALS}
        for s in self.SIGNALS:
            signal.signal(s, self._on_signal)

    def _on_signal(self, signum, frame) -> None:
        if self.allowing and _unwindable(frame):
            self._act(signum, frame)
        else:
            self.caught.append(signum)

    def checkpoint(self) -> None:
        """Where drawing in this process may stop: a signal that came while a library was running
        (and was held, see `_unwindable`) acts here."""
        if self.allowing and self.caught:
            self._act(self.caught.pop(0), None)

    def _act(self, signum: int, frame) -> None:
        handler = self.previous.get(signum)
        if handler is signal.SIG_IGN:
            return
        if getattr(handler, "unwinds", False):  # the command line's "end at once": here there is cleaning up to do
            raise KeyboardInterrupt
        if callable(handler):
            handler(signum, frame)  # KeyboardInterrupt, or the command line's SIGTERM handler
            return
        signal.signal(signum, signal.SIG_DFL)  # SIG_DFL, or a handler not set from Python: end as it would
        signal.raise_signal(signum)

    @contextlib.contextmanager
    def allowed(self):
        self.allowing = True
        try:
            if self.caught:
                self._act(self.caught.pop(0), None)
            yield
        finally:
            self.allowing = False

    def stop_allowing(self) -> None:
        """At the start of cleaning up: an interrupt that ended `allowed()` before its `finally`
        ran would otherwise leave it on."""
        self.allowing = False

    def release(self) -> None:
        if not self.previous:
            return
        # none may come between the two; Windows has no signal mask (a signal in that instant
        # finds the build's own handler, which records it and acts on it just below)
        mask = getattr(signal, "pthread_sigmask", None)
        if mask:
            mask(signal.SIG_BLOCK, self.SIGNALS)
        try:
            for s, handler in self.previous.items():
                signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        finally:
            if mask:
                mask(signal.SIG_UNBLOCK, self.SIGNALS)
        if self.caught:
            self._act(self.caught.pop(0), None)


def _build_locked(project, out, tasks, units, langs, as_of, jobs, force, fingerprint, progress, on_plan, result,
                  interrupts, allow_other_files, keep_going=False, start_method=None) -> None:
    import secrets
    import shutil

    sweep_leftovers(out)
    with interrupts.allowed():
        previous = read_manifest(out)
        old = {e["path"]: e for e in documents_in(previous)}
        state = _read_state(out)
        uses = {Job(t.unit, d, t.lang).path for t in tasks for d in (*t.documents, PACK)} | set(old)
        uses |= {thumb_of(p) for p in uses} | {f"{CALENDAR}/{p}.ics" for p in project.content.plans}
        uses |= {MANIFEST, STATE, INDEX, REPRINT} | _print_paths(project, previous)
        found = survey(out, written_before(previous, state), uses, others=not allow_other_files)
        refuse_survey(out, found, allow_other_files)
        planned, keys = plan_drawing(project, out, tasks, as_of, fingerprint, old, state, force=force)
        to_draw = [t for t in planned if t.render]
        drawn_docs = sum(len(t.render) for t in to_draw)
        if on_plan:
            on_plan(drawn_docs, sum(len(t.documents) + 1 for t in planned) - drawn_docs, len(to_draw))

    staging = out / f".staging-{secrets.token_hex(6)}"
    try:
        try:
            staging.mkdir()
        except OSError as exc:
            raise BuildError(f"cannot write to the output folder {out}: {exc.strerror}") from None
        workers = max(1, min(jobs, len(to_draw)))
        if workers == 1:
            outcomes = []
            with interrupts.allowed():
                for task in to_draw:
                    outcomes.append(run_kit(project, task, as_of, fingerprint, out, staging, True))
                    if progress:
                        progress(1)
                    interrupts.checkpoint()
        else:
            outcomes = _draw_in_workers(project, to_draw, workers, as_of, fingerprint, out, staging, progress,
                                        interrupts, start_method)
        result.kits = len(outcomes)
        failed = _failed_units(outcomes, keep_going, result)
        if failed:  # each unit all or nothing: a failed unit keeps what it had, in every language
            outcomes = [o for o in outcomes if o.unit not in failed]
            keys = {path: key for path, key in keys.items() if path.split("/", 1)[0] not in failed}
        drawn = {path: entry for o in outcomes for path, entry in o.entries.items()}
        _install(out, staging, previous, old, drawn, keys, state, project, as_of,
                 full=not units and not langs, result=result, keep_units=failed, jobs=jobs, start_method=start_method)
        result.installed = True
    finally:
        interrupts.stop_allowing()
        shutil.rmtree(staging, ignore_errors=True)


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
            if force or out is None or not _unchanged(out, path, key, old, state):
                todo.add(document)
        if todo - {PACK}:
            todo.add(PACK)  # a part changed: so did the pack
        planned.append(dataclasses.replace(task, render=frozenset(todo)))
    return planned, keys


@dataclass
class Fitted:
    """What `fit_kits` found: documents that would fail, and what the others leave out."""

    drawn: int = 0  # documents drawn now
    kept: int = 0  # documents the last build into `out` drew from the same inputs: they fitted then
    problems: list[Problem] = field(default_factory=list)
    failures: list[Finding] = field(default_factory=list)  # "document/lang: field x: message", by unit
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (unit, document, lang, note)


def fit_kits(project: Project, out: Path | None, *, units: Iterable[str] = (), langs: Iterable[str] = (),
             as_of: dt.date, jobs: int = 1, progress: Callable[[int], None] | None = None,
             on_plan: Callable[[int], None] | None = None, start_method: str | None = None) -> Fitted:
    """What `check` runs: every document of every kit drawn exactly as `build` draws it (the same
    code, in as many processes), writing nothing — so `check` fails if and only if `build` would.
    A document whose inputs did not change since the last build into `out` fitted then: it is
    not drawn again, and what it left out is read from that build's manifest."""
    tasks = plan_kits(project, units, langs)
    fingerprint = _layout_fingerprint(project.layouts)
    previous = read_manifest(out) if out is not None else {}
    old = {e["path"]: e for e in documents_in(previous)}
    state = _read_state(out) if out is not None else {}
    planned, keys = plan_drawing(project, out, tasks, as_of, fingerprint, old, state)
    to_draw = [t for t in planned if t.render]
    if on_plan:
        on_plan(len(to_draw))
    workers = max(1, min(jobs, len(to_draw)))
    interrupts = _Interrupts()  # never held: drawing into memory leaves nothing to undo
    if workers == 1:
        outcomes = []
        for task in to_draw:
            outcomes.append(run_kit(project, task, as_of, fingerprint, out, None, False))
            if progress:
                progress(1)
    else:
        outcomes = _draw_in_workers(project, to_draw, workers, as_of, fingerprint, out, None, progress,
                                    interrupts, start_method)
    fitted = Fitted(problems=unique_problems(p for o in outcomes for p in o.problems),
                    failures=[f for o in outcomes for f in o.failures])
    entries = {path: entry for o in outcomes for path, entry in o.entries.items()}
    fitted.drawn = len(entries)
    for path in keys:
        entry = entries.get(path) or old.get(path)
        if entry is None:
            continue  # not drawn: its kit failed
        if path not in entries:
            fitted.kept += 1
        fitted.notes += [(entry["unit"], entry["document"], entry["lang"], note) for note in entry.get("notes", ())]
    return fitted


def _failed_units(outcomes: list[KitResult], keep_going: bool, result: BuildResult) -> set[str]:
    """The units a document of which failed. Without keep_going, any failure ends the build."""
    problems = unique_problems(p for o in outcomes for p in o.problems)
    failures = [f for o in outcomes for f in o.failures]
    if not keep_going:
        if problems:
            raise ContentError(problems)
        if failures:
            from .report import grouped
            ok = sum(len(o.entries) for o in outcomes if not o.failed)
            raise BuildError(f"{len(failures)} document(s) could not be made; nothing was written "
                             f"({ok} others were fine; --keep-going writes the units whose documents all "
                             f"succeeded):\n  " + "\n  ".join(grouped(failures)))
        return set()
    failed = list(dict.fromkeys(o.unit for o in outcomes if o.failed))
    result.failed_units, result.failures, result.problems = failed, failures, problems
    return set(failed)


def _draw_in_workers(project, to_draw, workers, as_of, fingerprint, out, staging, progress,
                     interrupts, start_method=None) -> list[KitResult]:
    """One kit per task in a pool of processes. A worker that dies (the out-of-memory
    killer, a crash in a C extension) breaks the pool at once, so the build fails and names
    the kits that were being drawn instead of waiting for a result that never comes."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # passed to each worker when it starts (pickled under "spawn", inherited under "fork"), not
    # taken from this process's memory: a spawned worker starts from nothing
    payload = dict(project=project, as_of=as_of, fingerprint=fingerprint, out=out, staging=staging, thumbs=True)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(start_method),
                               initializer=_worker_start, initargs=(payload,))
    finished, futures = False, {}
    try:
        with interrupts.allowed():
            futures = {pool.submit(_run_kit_in_worker, task): task for task in to_draw}
            pending = set(futures)
            while pending:
                # each kit as it finishes, so progress moves (and a dead worker is noticed) at once
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # a dead worker: BrokenProcessPool, here rather than after the rest
                    if progress:
                        progress(1)
        finished = True
        return [f.result() for f in futures]
    except BrokenProcessPool:
        made = {_kit_name(t) for f, t in futures.items() if f.done() and f.exception() is None}
        markers = (staging / _DRAWING).glob("*") if staging is not None else ()
        drawing = sorted({m.read_text("utf-8") for m in markers} - made)
        raise BuildError("a worker process ended abruptly (killed for lack of memory? a crash?) while drawing "
                         + (" or ".join(drawing) or "a kit") + "; nothing was written") from None
    finally:
        interrupts.stop_allowing()  # the staging folder is removed next: no worker may still write to it
        if not finished:  # an interrupt or a broken pool: stop the workers now, not after their kit
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_start(payload: dict) -> None:
    # Ctrl-C reaches every process of the terminal: the main process alone handles it. SIGTERM
    # (from the pool, or to the whole process group) ends a worker at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER.clear()
    _WORKER.update(payload)


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
        state = json.loads((out / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


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


def _install(out: Path, staging: Path, previous: dict, old: dict, drawn: dict[str, dict], keys: dict[str, str],
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
        atomic_write(out / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        atomic_write(out / STATE, json.dumps(state, sort_keys=True).encode("utf-8"))
        from .preview import write_preview
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
    from .i18n import Words
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
    from .print_runs import kind_of, possible_paths
    runs = possible_paths({kind_of(spec) for spec in project.layouts.documents.values()},
                          len(project.content.units))
    return runs | {r["path"] for r in print_runs_in(previous)} | {PRINT_README}


def _install_print_runs(out: Path, staging: Path, project: Project, entries: dict[str, dict], previous: dict,
                        state: dict, moved: list, result: BuildResult, jobs: int = 1,
                        start_method: str | None = None) -> list[dict]:
    """print/: every unit's documents in one PDF per kind of print job (print_runs.py). A run
    is joined again only when one of its parts changed; one that no document needs any more goes."""
    from .print_runs import PRINT_DIR, README, make_runs

    old = {r["path"]: r for r in print_runs_in(previous)}
    runs, drawn = make_runs(project, out, staging, entries, old,
                            lambda path, key: _unchanged(out, path, key, old, state), jobs=jobs,
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


class _Lock:
    """Refuses a second build into the same output folder while one is running.

    The lock file says which process holds it: its id, the moment it started (as the operating
    system reports it, through psutil, on Linux, macOS and Windows alike) and the machine's name.
    It is made by linking a finished file into place (atomic: the lock never exists without its
    content), and removed only by the process it names, so `build` can release it in a
    `finally` that covers the taking too.

    A lock is taken over when its process no longer runs (killed with -9, a power cut) — also
    when its id now belongs to another process, which started after the lock was written: an id
    alone is reused by the system, an id with its start time is not.
    """

    def __init__(self, out: Path):
        import socket

        import psutil
        self.path = out / LOCK
        self.host = socket.gethostname()
        self.mine = json.dumps({"pid": os.getpid(), "started": psutil.Process().create_time(), "host": self.host})

    def take(self) -> None:
        for _attempt in range(2):
            ours = self.path.with_name(f"{LOCK}.{os.getpid()}.tmp")
            try:
                ours.write_text(self.mine)
                os.link(ours, self.path)
                return
            except FileExistsError:
                holder = self._holder()
                if not self._stale(holder):
                    raise BuildError(f"another nødkit build ({self._describe(holder)}) is writing to "
                                     f"{self.path.parent}; wait for it to end. If no build is running, delete "
                                     f"the lock file {self.path}") from None
                self.path.unlink(missing_ok=True)
            except OSError as exc:
                raise BuildError(f"cannot write to the output folder {self.path.parent}: "
                                 f"{exc.strerror or exc}") from None
            finally:
                ours.unlink(missing_ok=True)
        raise BuildError(f"cannot take the build lock {self.path}; delete it if no build is running")

    def _holder(self) -> dict:
        """What the lock file says: {"pid", "started", "host"}; an older nødkit wrote the id alone."""
        try:
            text = self.path.read_text("utf-8").strip()
            written = self.path.stat().st_mtime
        except (OSError, UnicodeDecodeError):
            return {}
        if text.isdigit():
            return {"pid": int(text), "written": written}
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _describe(holder: dict) -> str:
        if not isinstance(holder.get("pid"), int):
            return "the lock file does not say which process"
        where = f" on {holder['host']}" if holder.get("host") else ""
        if isinstance(holder.get("started"), (int, float)):
            started = dt.datetime.fromtimestamp(holder["started"]).strftime("%Y-%m-%d %H:%M:%S")
            return f"process {holder['pid']}{where}, started {started}"
        return f"process {holder['pid']}{where}"

    def _stale(self, holder: dict) -> bool:
        import psutil
        pid = holder.get("pid")
        if not isinstance(pid, int) or isinstance(pid, bool):
            return False  # not ours to judge (hand-made?): the message names the file to delete
        if holder.get("host", self.host) != self.host:
            return False  # a build on another machine writing to a shared folder: cannot be looked at
        try:
            process = psutil.Process(pid)
            if process.status() == psutil.STATUS_ZOMBIE:
                return True  # ended; only its exit status is left for its parent to collect
            started = process.create_time()
        except psutil.NoSuchProcess:
            return True
        except psutil.AccessDenied:
            return False  # alive, and another user's: leave it
        recorded = holder.get("started")
        if isinstance(recorded, (int, float)):
            return abs(started - recorded) > 1.0  # the same process reports the same start time
        # an older nødkit's lock holds the id alone: a process that started after the lock was
        # written cannot have written it
        return started > holder.get("written", float("inf")) + 1.0

    def release(self) -> None:
        try:
            if self.path.read_text("utf-8") == self.mine:
                self.path.unlink(missing_ok=True)
        except (OSError, UnicodeDecodeError):
            pass


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
    from .ical import plan_calendar
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


def read_manifest(out: Path) -> dict:
    try:
        manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


__all__ = ["Job", "Project", "BuildResult", "NodkitError", "load_project", "plan_jobs", "build", "default_dir",
           "documents"]
