"""Drawing one kit: each document of a unit in a language through its renderer, then the print
pack made from them. Runs in a worker process (or in the build's own with one job)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import ContentError, Problem, RenderError
from ..layout.sheets import unit_gets
from ..outfolder import thumb_of
from ..report import Finding
from ..resolve import TrackedKit
from .jobs import PACK, Job, KitTask, catalogue_hash
from .loading import Project

@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    inputs: str  # hash of what the document shows, except the printed date and kit version
    version: str  # the unit's kit version printed on it
    notes: tuple[str, ...] = ()  # what it had to leave out to fit (warnings)
    background: bytes | None = None  # what every unit's copy shares (render/stamp.py): its thumbnail


def render_job(project: Project, job: Job, as_of: dt.date, fingerprint: dict[str, str]) -> Rendered:
    from ..render.fonts import register_fonts
    from ..resolve import kit_version

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
        "catalogue": catalogue_hash(job.lang),
        "nodkit": __version__,
    }
    blob = json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return Rendered(pdf, hashlib.sha256(blob).hexdigest()[:16], version, notes, drawn.background)


def _kit(project: Project, unit, lang: str, as_of: dt.date, version: str, maintenance_count: int = 6):
    """The unit's resolved kit with its documents list. A worker draws one unit's kit at a
    time, document after document: it is resolved once and kept until the next unit."""
    from ..resolve import resolve_kit

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
    from ..render.fonts import register_fonts
    from ..render.pack import Part, PackDocument, print_pack
    from ..resolve import kit_version

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
    drawn = print_pack(tracked, documents, fonts)
    inputs.append(json.dumps(tracked.used(), sort_keys=True, ensure_ascii=False))
    digest = hashlib.sha256("\n".join(inputs).encode("utf-8")).hexdigest()[:16]
    return Rendered(drawn.pdf, digest, version, background=drawn.background)


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
    from ..resolve import DocumentEntry
    entries = []
    for spec in project.layouts.documents.values():
        if not unit_gets(unit, spec):
            continue
        page = spec.layout.page
        paper = page.size + (" " + words.gettext("landscape") if page.orientation == "landscape" else "")
        entries.append(DocumentEntry(spec.id, spec.kind, document_title(spec, words),
                                     unit.copies.get(spec.id, 1), paper))
    return tuple(entries)


def _renderer(target: str):
    module, _, name = target.partition(":")
    # a layout names its renderer relative to the nødkit package: ".render.poster:render_poster"
    return getattr(importlib.import_module(module, package=__package__.rpartition(".")[0]), name)


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def count_pages(pdf: bytes) -> int:
    # reportlab writes page objects uncompressed: one "/Type /Page" per page
    return len(_PAGE.findall(pdf))


def _thumbnail(done: Rendered) -> bytes:
    """A page every unit of the plan shares has one thumbnail, made once per worker: the
    unit's own words on it are a few pixels high at thumbnail size, and it is drawn from the
    shared part alone, so it shows nothing of another unit's."""
    from ..preview import thumbnail
    from ..render.stamp import shared

    if done.background is None:
        return thumbnail(done.pdf)
    key = "thumbnail:" + hashlib.sha256(done.background).hexdigest()
    return shared(key, lambda: thumbnail(done.background))


@dataclass
class KitResult:
    unit: str = ""
    entries: dict[str, dict] = field(default_factory=dict)  # path -> manifest entry of what was drawn
    failures: list[Finding] = field(default_factory=list)  # the unit's documents that could not be made
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.failures or self.problems)


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
                thumb = staging / thumb_of(job.path)
                thumb.parent.mkdir(parents=True, exist_ok=True)
                thumb.write_bytes(_thumbnail(done))
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
