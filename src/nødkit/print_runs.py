"""Print runs: every unit's documents gathered into one PDF per kind of print job.

A unit's print pack mixes A3, A4 portrait and landscape, and double-sided card sheets: forty
units would be some 120 print jobs, each with its own paper and settings. The runs in
`output/print/` turn that into one job per kind — A3 single-sided (the A3 posters), A4
single-sided (A4 posters, binder covers, registration sheets, portrait and landscape), A4
double-sided (the plans), pocket-card sheets (double-sided, flip on the long edge) — each
holding every unit's documents, in the copies asked for, unit by unit. A separator page with
the unit's name in large letters opens each unit's part, so the printed stack splits by hand;
the first page of each run and `print/README.txt` say how to print it and how many sheets of
which paper it takes.

A run is joined again only when one of its parts changed (its `inputs` in the manifest). A
larger organisation's run comes in files of at most MAX_FILE_BYTES of documents each.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

from .outfolder import PRINT as PRINT_DIR, PRINT_README

README = PRINT_README.split("/", 1)[1]
# how large one file of a run may grow, in bytes of the documents it holds. Joining a file takes
# about six times its size in memory (measured: a 33 MB file, +200 MB), and a print spooler
# balks at hundreds of megabytes: a larger organisation's run comes in parts
# (a4-single-sided-1.pdf, -2, …), each unit whole in one part. Forty units in one language make
# an A4 single-sided run of two parts; their A3 posters, plans and cards one file each.
MAX_FILE_BYTES = 15_000_000
SEPARATOR_BYTES = 60_000  # a separator page: its fonts hold the letters of every name in the run
DOUBLE_SIDED = {"plan", "pocket-cards"}  # as in the print pack: every other document is single-sided


@dataclass(frozen=True, order=True)
class RunKind:
    """What decides the print job a document goes to: its paper and whether both sides print."""

    cards: bool  # pocket-card sheets: a job of their own (card stock, cutting)
    duplex: bool
    paper: str  # "A3", "A4"

    @property
    def name(self) -> str:
        """The run's file name, without .pdf."""
        if self.cards:
            return "pocket-cards" if self.paper == "A4" else f"pocket-cards-{self.paper.lower()}"
        return f"{self.paper.lower()}-{'double' if self.duplex else 'single'}-sided"

    def title(self, _) -> str:
        if self.cards:
            return _("Pocket cards, {paper}, double-sided").format(paper=self.paper)
        if self.duplex:
            return _("{paper}, double-sided").format(paper=self.paper)
        return _("{paper}, single-sided").format(paper=self.paper)


def kind_of(spec) -> RunKind:
    """The run a document (a layouts.DocumentSpec) is printed in."""
    return RunKind(spec.kind == "pocket-cards", spec.kind in DOUBLE_SIDED, spec.layout.page.size)


@dataclass(frozen=True)
class Doc:
    path: str  # in the output folder
    title: str  # in the document's language
    lang: str
    pages: int
    copies: int
    sha256: str
    landscape: bool = False
    bytes: int = 0  # of the file (its copies share its pages and fonts in a run)

    def fields(self) -> list:
        # as dataclasses.astuple, without its deep copy (asked for 9,000 documents of 300 units)
        return [self.path, self.title, self.lang, self.pages, self.copies, self.sha256, self.landscape, self.bytes]


@dataclass(frozen=True)
class UnitPart:
    unit: str
    name: str
    langs: tuple[str, ...]
    docs: tuple[Doc, ...]
    name_fonts: tuple[str, str]  # the font files of the unit's first language: they have its name's letters


@dataclass(frozen=True)
class Run:
    kind: RunKind
    units: tuple[UnitPart, ...]
    part: int = 1  # of `parts` files of this kind of print job (MAX_FILE_BYTES)
    parts: int = 1
    first: int = 1  # the number of its first unit among all the units of this kind of job
    total: int = 0  # all the units of this kind of job

    @property
    def name(self) -> str:
        return self.kind.name if self.parts == 1 else f"{self.kind.name}-{self.part}"

    @property
    def path(self) -> str:
        return f"{PRINT_DIR}/{self.name}.pdf"

    def title(self, _) -> str:
        title = self.kind.title(_)
        return title if self.parts == 1 else _("{title}, part {part} of {parts}").format(
            title=title, part=self.part, parts=self.parts)

    def pages(self) -> int:
        return self.sheets() * (2 if self.kind.duplex else 1)

    def sheets(self) -> int:
        """Sheets of paper: the cover and each separator take one, a document its pages (one side
        printed) or its pages in pairs (both sides), every copy starting on a new sheet."""
        def sheets_of(pages: int) -> int:
            return (pages + 1) // 2 if self.kind.duplex else pages
        return 1 + sum(1 + sum(sheets_of(d.pages) * d.copies for d in part.docs) for part in self.units)


def plan_runs(project, entries: dict[str, dict]) -> list[Run]:
    """The runs for the documents in `entries` (the manifest's, so only units whose kit is
    complete), unit by unit in the content's order, each unit's languages and documents in
    print order, each document as many times as the unit asked for."""
    from .build import PACK, document_title
    from .i18n import Words

    content, layouts = project.content, project.layouts
    by_unit: dict[str, dict[tuple[str, str], dict]] = {}
    for entry in entries.values():
        if entry["document"] != PACK and entry["document"] in layouts.documents:
            by_unit.setdefault(entry["unit"], {})[(entry["lang"], entry["document"])] = entry
    parts: dict[RunKind, list[UnitPart]] = {}
    for unit in content.units:
        found = by_unit.get(unit.id)
        if not found:
            continue
        langs = tuple(lang for lang in content.languages(unit) if any(k[0] == lang for k in found))
        docs: dict[RunKind, list[Doc]] = {}
        for lang in langs:
            words = Words(lang, content.organisation.region)
            for spec in layouts.documents.values():
                entry = found.get((lang, spec.id))
                copies = 1 if spec.copies_in_pdf else unit.copies.get(spec.id, 1)
                if entry is None or copies == 0:
                    continue
                docs.setdefault(kind_of(spec), []).append(
                    Doc(entry["path"], document_title(spec, words), lang, entry["pages"], copies, entry["sha256"],
                        spec.layout.page.orientation == "landscape", entry.get("bytes", 0)))
        fonts = tuple(str(f) for f in layouts.fonts_for(langs[0]))
        for kind, kind_docs in docs.items():
            parts.setdefault(kind, []).append(UnitPart(unit.id, unit.name, langs, tuple(kind_docs), fonts))
    runs = []
    for kind in sorted(parts):
        chunks: list[list[UnitPart]] = [[]]
        size = 0
        for part in parts[kind]:
            grows = SEPARATOR_BYTES + sum(d.bytes for d in part.docs)
            if chunks[-1] and size + grows > MAX_FILE_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append(part)
            size += grows
        first = 1
        for i, chunk in enumerate(chunks, 1):
            runs.append(Run(kind, tuple(chunk), i, len(chunks), first, len(parts[kind])))
            first += len(chunk)
    return runs


def possible_paths(kinds, units: int) -> set[str]:
    """Every file of print/ the runs of these kinds for this many units may have (a part may
    hold a single unit)."""
    return {f"{PRINT_DIR}/{kind.name}{suffix}.pdf" for kind in kinds
            for suffix in ("", *(f"-{i}" for i in range(1, units + 1)))}


def run_inputs(run: Run, lang: str, organisation: str, extra: Sequence[str]) -> str:
    """What a run shows: its parts (by content), the words around them and nødkit itself.
    `extra`: the catalogue, fonts and version, which change the cover and separators."""
    blob = json.dumps([run.name, run.parts, run.first, run.total, lang, organisation, list(extra),
                       [[p.unit, p.name, p.langs, p.name_fonts, [d.fields() for d in p.docs]]
                        for p in run.units]], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


# --- drawing ---------------------------------------------------------------------------------

def render_run(run: Run, out: Path, target: Path, *, words, fonts, organisation: str) -> None:
    """The run as one PDF in `target`: its first page, then each unit's separator and documents
    (read from `out`), joined as one print job (join_duplex: blank backs in a double-sided run).
    A run's documents are at most MAX_FILE_BYTES, so they are held in memory together."""
    from .render.pack import Part, join_duplex

    _ = words.gettext
    parts = [Part(_("Print instructions"), 1, pdf=run_cover(run, words, fonts, organisation))]
    for unit, separator in zip(run.units, separator_pages(run, words, fonts)):
        parts.append(Part(unit.name, 1, pdf=separator))
        parts += [Part(f"{d.title} ({d.lang})", d.pages, d.copies, run.kind.duplex, (out / d.path).read_bytes(),
                       bookmark=False) for d in unit.docs]
    return join_duplex(parts, fonts, blank=_("This page is intentionally left blank."),
                       copy_title=lambda title, copy, copies: title,
                       title=_("Print run") + f": {run.title(_)} – {organisation}", author=organisation,
                       subject=_("Print run"), lang=words.lang, single_sided=not run.kind.duplex, target=target)


def _styles(fonts, scale: float = 1.0):
    from reportlab.lib.styles import ParagraphStyle

    def style(size, bold=False, **kw):
        size *= scale
        return ParagraphStyle(f"s{size}{bold}", fontName=fonts.bold if bold else fonts.regular, fontSize=size,
                              leading=size * 1.25, **kw)
    return style


def _para(text: str, style, field: str = "label"):
    from .render.base import checked, paragraph
    return paragraph(escape(checked(text, style.fontName, field)), style)


def _paper_points(paper: str) -> tuple[float, float]:
    from .layout import PAGE_SIZES
    return PAGE_SIZES[paper]


def run_cover(run: Run, words, fonts, organisation: str) -> bytes:
    """The run's first page: what it holds, how to print it, the paper it takes."""
    from reportlab.lib.units import mm

    from .render.base import draw_stack, new_canvas, stack_height
    from .errors import RenderError

    _ = words.gettext
    W, H = _paper_points(run.kind.paper)
    scale = W / _paper_points("A4")[0]
    m = 18 * mm * scale
    inner = W - 2 * m
    st = _styles(fonts, scale)
    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=_("Print run") + ": " + run.title(_), author=organisation,
                   subject=_("Print run"), lang=words.lang)
    flow = [_para(_("Print run"), st(14)), _para(run.title(_), st(30, True, spaceAfter=4)),
            _para(organisation, st(14, spaceAfter=14), "organisation.name")]
    flow += [_para(f"{i}. {text}", st(12, spaceAfter=6)) for i, text in enumerate(how_to_print(run, words), 1)]
    flow.append(_para(_("This job"), st(16, True, spaceBefore=14, spaceAfter=4)))
    for label, value in paper_facts(run, words):
        flow.append(_para(f"{label}: {value}", st(12, spaceAfter=2)))
    flow.append(_para(_("The other print jobs in this folder, and the paper they all take together, are listed "
                        "in {readme}.").format(readme=README), st(11, spaceBefore=12)))
    if stack_height(flow, inner) > H - 2 * m:
        raise RenderError("the print run's first page does not fit", field="print run")
    draw_stack(c, flow, m, H - m, inner)
    c.showPage()
    c.save()
    return buf.getvalue()


def how_to_print(run: Run, words) -> list[str]:
    _ = words.gettext
    paper = run.kind.paper
    lines = [_("Print at actual size (100 %) – never \"fit to page\".")]
    if run.kind.duplex:
        lines.append(_("Print double-sided on {paper} paper, flipping on the long edge.").format(paper=paper))
    else:
        lines.append(_("Print single-sided on {paper} paper.").format(paper=paper))
    if any(d.landscape for part in run.units for d in part.docs):
        lines.append(_("Pages in landscape print on the same paper, turned."))
    if run.kind.cards:
        lines.append(_("Cut the cards along the marks. The check bar on each sheet shows whether it was printed "
                       "at 100 %."))
    lines.append(_("Each unit's part starts with a page showing the unit's name in large letters: split the "
                   "printed stack there."))
    return lines


def paper_facts(run: Run, words) -> list[tuple[str, str]]:
    _ = words.gettext
    return [(_("Sheets of {paper} paper").format(paper=run.kind.paper), str(run.sheets())),
            (_("Pages"), str(run.pages())),
            (_("Units"), str(len(run.units)) if run.parts == 1 else
             f"{run.first}–{run.first + len(run.units) - 1} ({len(run.units)})")]


def separator_pages(run: Run, words, fonts) -> list[bytes]:
    """The pages that open each unit's part of a run, one PDF each: the unit's name as large as
    it fits, and what follows up to the next such page. Drawn as one document (one font subset,
    one save: a tenth of the time of one document each), then taken apart."""
    import pikepdf
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm

    from .render.base import Size, Text, checked, draw_stack, fit, new_canvas
    from .render.fonts import register_fonts
    from .render.pack import identity_of, save_job

    _ = words.gettext
    W, H = _paper_points(run.kind.paper)
    scale = W / _paper_points("A4")[0]
    m = 18 * mm * scale
    inner = W - 2 * m
    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=run.title(_), author="", subject=_("Print run"), lang=words.lang)
    for n, part in enumerate(run.units, run.first):
        name_fonts = register_fonts(*(Path(f) for f in part.name_fonts))
        # a black band across the top: a separator is seen at a glance when leafing through the stack
        band = 24 * mm * scale
        c.setFillColor(HexColor("#000000"))
        c.rect(m, H - m - band, inner, band, stroke=0, fill=1)
        c.setFillColor(HexColor("#FFFFFF"))
        size = 14 * scale
        c.setFont(fonts.bold, size)
        c.drawString(m + 6 * mm, H - m - band / 2 - size / 3, checked(run.kind.title(_), fonts.bold, "label"))
        unit_n = _("Unit {n} of {total}").format(n=n, total=run.total)
        c.drawRightString(W - m - 6 * mm, H - m - band / 2 - size / 3, checked(unit_n, fonts.bold, "label"))

        top = H - m - band - 12 * mm * scale
        name, _scale = fit(lambda k: [Text(part.name, "unit.name", Size(72 * scale, 28 * scale), bold=True,
                                           leading=1.12).flowable(name_fonts, k)],
                           inner, 110 * mm * scale, what="separator page's name box")
        y = draw_stack(c, name, m, top, inner) - 10 * mm * scale

        def follows(k: float, part=part) -> list:
            size = Size(12 * scale, 8 * scale).at(k)
            lines = [Text(f"{part.unit} · {', '.join(part.langs)}", "unit.id", Size(size, size), space_after=0.8),
                     Text(_("Split the stack here. What follows, up to the next page like this one, belongs to "
                            "this unit:"), "label", Size(size, size), bold=True, space_after=0.4)]
            for lang in part.langs:  # one line per language: a unit's documents fit however many kinds it has
                docs = [f"{d.title}{f' ×{d.copies}' if d.copies > 1 else ''}" for d in part.docs if d.lang == lang]
                lines.append(Text(f"{lang}: {', '.join(docs)}", "documents", Size(size, size), space_after=0.3))
            return [t.flowable(fonts, 1.0) for t in lines]

        flow, _scale = fit(follows, inner, y - m, what="separator page")
        draw_stack(c, flow, m, y, inner)
        c.showPage()
    c.save()
    pages = []
    with pikepdf.open(io.BytesIO(buf.getvalue())) as whole:
        for i, page in enumerate(whole.pages):
            one = pikepdf.new()
            one.pages.append(page)
            piece = io.BytesIO()
            save_job(one, piece, identity_of(buf.getvalue(), i))
            pages.append(piece.getvalue())
    return pages


def readme_text(runs: list[Run], words, organisation: str) -> str:
    """print/README.txt: the runs, how to print each, and the paper they take, per run and in total."""
    _ = words.gettext
    lines = [_("Print runs") + f" – {organisation}", "",
             _("Every unit's documents, gathered into one file per print job. Print each file as one job; "
               "each unit's part starts with a page showing the unit's name in large letters, so the printed "
               "stack splits by hand."), ""]
    totals: dict[str, int] = {}
    for run in runs:
        totals[run.kind.paper] = totals.get(run.kind.paper, 0) + run.sheets()
        lines.append(f"{run.name}.pdf  –  {run.title(_)}")
        lines += [f"    {i}. {text}" for i, text in enumerate(how_to_print(run, words), 1)]
        lines += ["    " + "; ".join(f"{label}: {value}" for label, value in paper_facts(run, words)), ""]
    sheets_of = _("Sheets of {paper} paper")
    lines.append(_("All print jobs together") + ": " + "; ".join(
        f"{sheets_of.format(paper=paper)}: {n}" for paper, n in totals.items()))
    return "\n".join(lines) + "\n"


# --- in a build --------------------------------------------------------------------------------

def make_runs(project, out: Path, staging: Path, entries: dict[str, dict], old: dict[str, dict],
              unchanged, *, jobs: int = 1, start_method: str | None = None) -> tuple[list[dict], list[str]]:
    """Every run for `entries` (a complete kit's manifest entries): the manifest entries of the
    runs, and the paths of those drawn into `staging` (the others are unchanged on disk:
    `unchanged(path, inputs)`), in `jobs` processes. README.txt is always written into staging."""
    from . import __version__
    from .i18n import catalogue_path

    words, organisation, font_files = _words(project)
    catalogue = catalogue_path(words.lang)
    extra = [__version__, _digest(catalogue) if catalogue.is_file() else ""] + [_digest(f) for f in font_files]
    runs = plan_runs(project, entries)
    made, todo = [], []
    for run in runs:
        inputs = run_inputs(run, words.lang, organisation,
                            extra + sorted({_digest(Path(f)) for p in run.units for f in p.name_fonts}))
        entry = {"path": run.path, "run": run.name, "kind": run.kind.name, "part": [run.part, run.parts],
                 "paper": run.kind.paper,
                 "sides": 2 if run.kind.duplex else 1, "sheets": run.sheets(), "units": [p.unit for p in run.units],
                 "inputs": inputs}
        if unchanged(run.path, inputs) and run.path in old:
            entry.update(pages=old[run.path]["pages"], sha256=old[run.path]["sha256"])
        else:
            todo.append((run, entry))
        made.append(entry)
    (staging / PRINT_DIR).mkdir(parents=True, exist_ok=True)
    for (run, entry), (pages, sha256) in zip(todo, _draw(project, out, staging, [r for r, _e in todo], jobs,
                                                         start_method)):
        entry.update(pages=pages, sha256=sha256)
    (staging / PRINT_DIR / README).write_bytes(readme_text(runs, words, organisation).encode("utf-8"))
    return made, [run.path for run, _entry in todo]


def _words(project):
    """The words, organisation name and font files the runs' own pages are in: the organisation's."""
    from .build import organisation_words
    words = organisation_words(project.content)
    return words, _text(project.content.organisation.name, words.lang), project.layouts.fonts_for(words.lang)


def _draw(project, out: Path, staging: Path, runs: list[Run], jobs: int, start_method) -> list[tuple[int, str]]:
    """Each run drawn into staging: (pages, sha256) each. Several at once in `jobs` processes,
    started the way the build's are (the runs are independent; each holds a few megabytes)."""
    if jobs <= 1 or len(runs) <= 1:
        return [_draw_one(project, out, staging, run) for run in runs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from .build.workers import _worker_start
    from .errors import BuildError
    payload = dict(project=project, out=out, staging=staging)
    try:
        with ProcessPoolExecutor(min(jobs, len(runs)), mp_context=multiprocessing.get_context(start_method),
                                 initializer=_worker_start, initargs=(payload,)) as pool:
            return list(pool.map(_draw_in_worker, runs))
    except BrokenProcessPool:
        raise BuildError("a worker process ended abruptly (killed for lack of memory? a crash?) while joining "
                         "the print runs") from None


def _draw_in_worker(run: Run) -> tuple[int, str]:
    from .build.workers import _WORKER
    return _draw_one(_WORKER["project"], _WORKER["out"], _WORKER["staging"], run)


def _draw_one(project, out: Path, staging: Path, run: Run) -> tuple[int, str]:
    import pikepdf

    from .render.fonts import register_fonts
    words, organisation, font_files = _words(project)
    target = staging / run.path
    render_run(run, out, target, words=words, fonts=register_fonts(*font_files), organisation=organisation)
    with pikepdf.open(target) as written:
        return len(written.pages), _digest(target)


def _text(value, lang: str) -> str:
    """A content text in `lang` (plain, or one of its per-language values)."""
    if isinstance(value, dict):
        return value.get(lang) or next(iter(value.values()))
    return str(value)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
