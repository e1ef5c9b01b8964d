"""Build: decide what to make, resolve and render it all, then write it atomically.

Order matters for safety: everything is loaded, validated, resolved and rendered in
memory first; only when every document succeeded is anything written. Each file is
written to a temporary name and renamed into place; the manifest is written last. So a
failed build leaves `output/` exactly as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .content.load import UNITS_FILE, Content, load_content
from .errors import BuildError, ContentError, Location, NodkitError, Problem, RenderError
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
    from .render.base import register_fonts
    from .resolve import kit_version, resolve_kit

    content, layouts = project.content, project.layouts
    unit = content.unit(job.unit)
    version = kit_version(content, unit, fingerprint)
    spec = layouts.documents[job.document]
    count = getattr(spec.layout, "maintenance_dates", 6)
    kit = resolve_kit(content, unit, job.lang, as_of, version=version, maintenance_count=count)
    fonts = register_fonts(layouts.theme_fonts["regular"], layouts.theme_fonts["bold"])
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
    from .render.base import register_fonts
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
    fonts = register_fonts(layouts.theme_fonts["regular"], layouts.theme_fonts["bold"])
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


def render_all(project: Project, jobs: list[Job], as_of: dt.date,
               progress: Callable[[Job], None] | None = None) -> dict[Job, Rendered]:
    fingerprint = _layout_fingerprint(project.layouts)
    results: dict[Job, Rendered] = {}
    failures: list[str] = []
    failed_jobs: list[tuple[str, str, str]] = []
    content_problems: list[Problem] = []
    ordered = [j for j in jobs if j.document != PACK] + [j for j in jobs if j.document == PACK]
    for job in ordered:
        try:
            if job.document == PACK:
                if any(failed[:2] == (job.unit, job.lang) for failed in failed_jobs):
                    continue  # a part failed and is reported; a pack without it would mislead
                results[job] = render_pack(project, job, as_of, fingerprint, results)
            else:
                results[job] = render_job(project, job, as_of, fingerprint)
        except ContentError as exc:
            content_problems.extend(p for p in exc.problems if str(p) not in {str(q) for q in content_problems})
        except RenderError as exc:
            exc.unit, exc.document, exc.lang = job.unit, job.document, job.lang
            failures.append(str(exc))
            failed_jobs.append((job.unit, job.lang, job.document))
        if progress:
            progress(job)
    if content_problems:
        raise ContentError(content_problems)
    if failures:
        raise BuildError("these documents could not be made (nothing was written):\n  " + "\n  ".join(failures))
    return results


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


def write_outputs(out: Path, rendered: dict[Job, Rendered], as_of: dt.date, project: Project,
                  full: bool) -> BuildResult:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise BuildError(f"cannot write to the output folder {out}: {exc.strerror}") from None

    result = BuildResult()
    with _Lock(out):
        previous = read_manifest(out)
        old = {e["path"]: e for e in previous.get("files", [])}
        entries: dict[str, dict] = {}
        if not full:  # a partial build (--unit/--lang) keeps the other units' entries
            entries = {p: e for p, e in old.items() if (out / p).is_file()}
        try:
            for job, done in rendered.items():
                pdf = done.pdf
                digest = hashlib.sha256(pdf).hexdigest()
                entry = {"path": job.path, "unit": job.unit, "document": job.document, "lang": job.lang,
                         "pages": count_pages(pdf), "sha256": digest, "bytes": len(pdf), "inputs": done.inputs,
                         "kit_version": done.version}
                target = out / job.path
                before = old.get(job.path)
                same = before is not None and before.get("sha256") == digest and target.is_file()
                if not same:
                    atomic_write(target, pdf)
                    result.written.append(entry)
                else:
                    result.unchanged.append(entry)
                if before is None or before.get("inputs") != done.inputs:
                    result.reprint.append(entry)
                entries[job.path] = entry
            if full:  # documents this content no longer makes
                for path in sorted(set(old) - set(entries)):
                    stale = (out / path).resolve()
                    if stale.is_file() and out.resolve() in stale.parents:
                        stale.unlink()
                        result.removed.append(path)
            calendars = _write_calendars(out, project, as_of)
            manifest = {
                "nodkit": __version__,
                "as_of": as_of.isoformat(),
                "content": str(project.content.root),
                "files": [entries[p] for p in sorted(entries)],
                "calendars": calendars,
            }
            atomic_write(out / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            from .preview import write_preview
            units = [{"id": u.id, "name": u.name, "example": u.example} for u in project.content.units]
            write_preview(out, manifest, units, {e["path"] for e in result.written}, result.reprint,
                          result.removed, atomic_write)
        except OSError as exc:
            raise BuildError(f"writing to {out} failed: {exc.strerror or exc}; files already in place are "
                             f"complete, the manifest was not updated") from None
        result.manifest = out / MANIFEST
    return result


__all__ = ["Job", "Project", "BuildResult", "NodkitError", "load_project", "plan_jobs", "render_all",
           "write_outputs", "default_dir", "documents"]
