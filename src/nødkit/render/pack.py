"""The print pack: one PDF per unit and language holding the whole kit in print order.

A unit gets one file to send to the printer, printed as ONE double-sided job (flip on the long
edge). It opens with a page of print instructions (actual size, which pages are A3), then every
document as many times as the unit asked for. Pages keep their own size: A3 posters stay A3.

`join_duplex` makes such a job from any documents: each starts on the front of a sheet, a
single-sided document gets a blank back behind every page, a double-sided one (the plan, the
pocket cards) keeps its pages paired, and each copy of a document gets a bookmark. It knows
nothing of units, so a print run across units is joined the same way.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from ..errors import RenderError
from ..resolve import Kit
from .base import Drawn, FontSet, paragraph, checked, draw_stack, new_canvas, stack_height, watermark
from .stamp import Slot, drawn_once, fill_slots, record, replay


@dataclass(frozen=True)
class Part:
    """One document of a print job."""

    title: str  # its bookmark, in the job's language
    pages: int  # of one copy
    copies: int = 1
    duplex: bool = False  # printed on both sides (plan, pocket cards); otherwise each page gets a blank back
    pdf: bytes = b""
    bookmark: bool = True  # False: no bookmark of its own (a print run marks each unit, not each document)

    def blank_after(self, page: int) -> bool:
        """Whether a blank back follows page `page` (from 0) of a copy."""
        return not self.duplex or page == self.pages - 1 and self.pages % 2 == 1

    @property
    def length(self) -> int:
        """Pages one copy takes in the job, blank backs included: always whole sheets."""
        return self.pages + sum(self.blank_after(i) for i in range(self.pages))


def placed(parts: Sequence[Part]) -> list[range]:
    """The page numbers (from 1) each part takes in the job, all its copies."""
    where, at = [], 1
    for part in parts:
        where.append(range(at, at + part.length * part.copies))
        at += part.length * part.copies
    return where


def join_duplex(parts: Sequence[Part], fonts: FontSet, *, blank: str, copy_title: Callable[[str, int, int], str],
                title: str, author: str, subject: str, lang: str, single_sided: bool = False,
                target=None) -> bytes:
    """The parts, each `copies` times, as one PDF that prints as one double-sided job (flip on
    the long edge): every copy of a part starts on the front of a sheet; a blank back, saying
    `blank` in small print, goes behind each page of a single-sided part and after the odd last
    page of a double-sided one. One bookmark per copy (`copy_title(title, copy, copies)` where
    there are several). Every page keeps its own size; a blank back has the size of its front.
    `single_sided`: a job printed on one side only, every page a sheet: no blank backs at all.
    `target`: a file to save the job into instead of returning it (a large job is not copied
    into memory once more).

    pikepdf (qpdf) joins a kit in a tenth of the time pypdf took, and the copies of a document
    share its fonts and page contents instead of repeating them."""
    import pikepdf

    # the blank backs are drawn first, one page of each size they need, in one PDF: all share
    # one font subset and each size one page
    sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    sizes = []
    for part, source in zip(parts, sources):
        assert len(source.pages) == part.pages, (part.title, len(source.pages), part.pages)
        sizes += [_size(page) for i, page in enumerate(source.pages) if part.blank_after(i) and not single_sided]
    sizes = list(dict.fromkeys(sizes))
    blanks = pikepdf.open(io.BytesIO(_blank_pages(tuple(sizes), blank, fonts, lang))) if sizes else None
    back = dict(zip(sizes, blanks.pages if blanks else []))

    job = pikepdf.new()
    marks = []
    for part, source in zip(parts, sources):
        for copy in range(1, part.copies + 1):
            if part.bookmark:
                marks.append((copy_title(part.title, copy, part.copies) if part.copies > 1 else part.title,
                              len(job.pages)))
            for i, page in enumerate(source.pages):
                job.pages.append(page)
                if part.blank_after(i) and not single_sided:
                    job.pages.append(back[_size(page)])
    _tag_subsets(job)
    describe_job(job, marks, title=title, author=author, subject=subject, lang=lang, single_sided=single_sided)
    identity = identity_of(*(p.pdf for p in parts), [(p.title, p.pages, p.copies, p.duplex, p.bookmark) for p in parts],
                           marks, blank, title, author, subject, lang, single_sided)
    if target is not None:
        save_job(job, target, identity)
        return b""
    out = io.BytesIO()
    save_job(job, out, identity)
    return out.getvalue()


def describe_job(job, marks: Sequence[tuple[str, int]], *, title: str, author: str, subject: str, lang: str,
                 single_sided: bool) -> None:
    """A print job's bookmarks (title, page from 0), metadata and print settings."""
    import pikepdf

    with job.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(name, index) for name, index in marks)
    job.docinfo["/Title"] = title
    job.docinfo["/Author"] = author
    job.docinfo["/Subject"] = subject
    job.docinfo["/Creator"] = "nødkit"
    job.docinfo["/Producer"] = "nødkit (pikepdf)"
    job.Root.Lang = pikepdf.String(lang)
    job.Root.PageMode = pikepdf.Name.UseOutlines
    # Acrobat and some drivers preselect these in the print dialog
    job.Root.ViewerPreferences = pikepdf.Dictionary(
        PrintScaling=pikepdf.Name("/None"), DisplayDocTitle=True,
        Duplex=pikepdf.Name.Simplex if single_sided else pikepdf.Name.DuplexFlipLongEdge)


def save_job(job, target, identity: bytes) -> None:
    """Save a joined PDF (to a path or a stream). The file identifier is `identity` (a digest
    of everything the file is made of), so the same parts give the same bytes in one pass
    (qpdf's deterministic identifier hashes the written file: a second pass that doubled the
    time of saving a print run); page objects stay outside object streams, where the manifest
    counts them; the streams reportlab compressed are copied as they are (compressing the few
    others again made saving seven times slower for 2 % of the size)."""
    import pikepdf

    job.trailer.ID = pikepdf.Array([pikepdf.String(identity[:16]), pikepdf.String(identity[:16])])
    # static_id keeps the first identifier, the one that names the document
    job.save(target, static_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable,
             compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def identity_of(*pieces) -> bytes:
    """A file identifier from what a file is made of: bytes, or anything with a stable repr."""
    digest = hashlib.md5(usedforsecurity=False)
    for piece in pieces:
        digest.update(piece if isinstance(piece, bytes) else repr(piece).encode("utf-8"))
        digest.update(b"\0")
    return digest.digest()


def _size(page) -> tuple[float, float]:
    box = page.mediabox
    return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


@functools.lru_cache(maxsize=16)  # a print run joins a unit at a time: the same backs each time
def _blank_pages(sizes: tuple[tuple[float, float], ...], note: str, fonts: FontSet, lang: str) -> bytes:
    """Backs left blank on purpose, one page of each size, each saying so in small print inside
    the safe area, so that nobody thinks a page is missing."""
    buf = io.BytesIO()
    c = new_canvas(buf, sizes[0], fonts, title=note, author="", subject=note, lang=lang)
    note = checked(note, fonts.regular, "label")
    for size in sizes:
        c.setPageSize(size)
        c.setFont(fonts.regular, 7)
        c.setFillColor(HexColor("#000000"))
        c.drawCentredString(size[0] / 2, 14 * mm, note)
        c.showPage()
    c.save()
    return buf.getvalue()


_SUBSET = re.compile(r"^/[A-Z]{6}\+(.+)$")


def _tag_subsets(pdf) -> None:
    """Name every font subset by what it holds.

    reportlab tags a document's subsets AAAAAA, AAAAAB, … in the order it makes them, so the
    documents of a job hold different subsets of one font under one name, with codes that
    conflict (0x01 is É in one, ø in another). ISO 32000-1 §9.6.4 asks a tag of its own for
    each subset: a print system that keeps fonts by name would print the wrong letters. A tag
    from a hash of the font program keeps identical subsets under one name, and the same
    documents give the same bytes."""
    import pikepdf

    for font in pdf.objects:
        if not isinstance(font, pikepdf.Dictionary) or font.get("/Type") != "/Font":
            continue
        descriptor = font.get("/FontDescriptor")
        name = _SUBSET.match(str(font.get("/BaseFont", "")))
        if descriptor is None or name is None:
            continue
        program = next((descriptor[k] for k in ("/FontFile2", "/FontFile", "/FontFile3") if k in descriptor), None)
        if program is None:
            continue
        # hashed as stored, with its filters (decoding them all took a third of the pack's time):
        # different programs are never stored alike, and reportlab stores equal ones alike
        filters = b"".join(program[k].unparse() for k in ("/Filter", "/DecodeParms") if k in program)
        digest = hashlib.sha256(filters + b"\n" + program.read_raw_bytes()).digest()
        tagged = "".join(chr(ord("A") + b % 26) for b in digest[:6]) + "+" + name.group(1)
        # (the ToUnicode CMap keeps the old name as its CMapName: an embedded ToUnicode is never
        # looked up by name, and rewriting them all took a fifth of the pack's time)
        font.BaseFont = descriptor.FontName = pikepdf.Name("/" + tagged)


# --- the unit's print pack -------------------------------------------------------------------

@dataclass(frozen=True)
class PackDocument:
    part: Part
    paper: str  # "A4", "A4 landscape", …, in the kit's language
    how: str  # how to print it, in the kit's language


def print_pack(kit: Kit, documents: Sequence[PackDocument], fonts: FontSet) -> Drawn:
    """The print instructions, then the documents, as one double-sided job. (Its first page,
    the instructions, is drawn once for every unit of a plan: its thumbnail too.)"""
    _ = kit._
    cover = Part(_("Print instructions"), pages=1)
    where = placed([cover, *(d.part for d in documents)])
    instructions, shared_page = pack_instructions(kit, documents, where[1:], where[-1].stop - 1, fonts)
    pdf = join_duplex([dataclasses.replace(cover, pdf=instructions), *(d.part for d in documents)], fonts,
                       blank=_("This page is intentionally left blank."),
                       copy_title=lambda title, copy, copies: _("{title} – copy {copy} of {copies}").format(
                           title=title, copy=copy, copies=copies),
                       title=f"{_('Print pack')} – {kit.unit_name}", author=kit.organisation,
                       subject=_("Print pack"), lang=kit.lang)
    return Drawn(pdf, background=shared_page)


def page_list(ranges: Sequence[range]) -> str:
    """'3–6, 9–10': page numbers as a reader looks them up."""
    return ", ".join(f"{r.start}–{r.stop - 1}" if len(r) > 1 else str(r.start) for r in ranges)


def pack_instructions(kit: Kit, documents: Sequence[PackDocument], where: Sequence[range], total: int,
                      fonts: FontSet) -> tuple[bytes, bytes]:
    """The pack's first page: how to print it, and where each document lies in it. Drawn once
    for every unit of a plan with the same documents and replayed on each unit's page, which
    adds the unit's name and kit version (render/stamp.py). Returns the page, and the part
    every unit shares."""
    _ = kit._
    W, H = A4
    m = 18 * mm
    inner = W - 2 * m

    def st(size, bold=False, **kw):
        return ParagraphStyle(f"s{size}{bold}", fontName=fonts.bold if bold else fonts.regular, fontSize=size,
                              leading=size * 1.3, **kw)

    def p(text, style, field="label"):
        return paragraph(escape(checked(text, style.fontName, field)), style)

    own = [p(f"{kit.unit_name} · {kit.title}", st(14, True, spaceAfter=6), "unit.name"),
           p(_("Kit version {version} · printed {date}").format(version=kit.kit_version, date=kit.as_of_text),
             st(9, spaceBefore=8))]
    heights = tuple(round(f.wrap(inner, 10_000)[1], 3) for f in own)

    def background(plan: Kit) -> tuple[bytes, list]:
        buf = io.BytesIO()
        c = new_canvas(buf, (W, H), fonts, title=_("Print pack"), author=plan.organisation,
                       subject=_("Print pack"), lang=plan.lang)
        how = [_("Print this file at actual size (100 %) – never \"fit to page\". It holds {pages} pages: "
                 "every document of the unit's kit, as many copies as the unit asked for.").format(pages=total),
               _("Print it as one double-sided job, flipping on the long edge: every document starts on the "
                 "front of a sheet, and the pages marked as intentionally blank keep single-sided documents "
                 "single-sided.")]
        a3 = [pages for doc, pages in zip(documents, where) if doc.paper.startswith("A3")]
        if a3:
            how.append(_("Pages {pages} are A3: let the printer choose the paper by the PDF's page size, or print "
                         "those pages on an A3 printer.").format(pages=page_list(a3)))
        slots = [Slot(f) for f in own]
        flow = [p(_("Print pack"), st(28, True)), slots[0]]
        flow += [p(text, st(11, spaceAfter=10 if i == len(how) - 1 else 4)) for i, text in enumerate(how)]
        cell, cell_b = st(10), st(10, True)
        rows = [[p(t, cell_b) for t in ("#", _("Document"), _("Paper"), _("Pages"), _("Copies"), _("How to print"))]]
        for i, (doc, pages) in enumerate(zip(documents, where), 1):
            rows.append([p(str(i), cell), p(doc.part.title, cell, "documents"), p(doc.paper, cell),
                         p(page_list([pages]), cell), p(str(doc.part.copies), cell), p(doc.how, cell)])
        table = Table(rows, colWidths=[inner * w for w in (0.065, 0.315, 0.14, 0.11, 0.12, 0.25)], repeatRows=1)
        # FONTNAME: reportlab sets every cell's font, Helvetica unless told (an unembedded font)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                                   ("GRID", (0, 0), (-1, -1), 0.6, HexColor("#000000")),
                                   ("LINEBELOW", (0, 0), (-1, 0), 1.5, HexColor("#000000")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        flow += [table, slots[1]]
        if stack_height(flow, inner) > H - 2 * m:
            raise RenderError("the print instructions do not fit on one page", field="documents")
        draw_stack(c, flow, m, H - m, inner)
        recording = record(c)
        if plan.example:  # on the shared page (every unit's thumbnail), not in what is replayed
            watermark(c, _("EXAMPLE – not for use"), fonts, (W, H), "#9A9A9A")
        c.showPage()
        c.save()
        return buf.getvalue(), recording, [s.at for s in slots]

    parts = ("pack-instructions", fonts, heights, total, tuple(where),
             tuple((d.part.title, d.part.copies, d.paper, d.how) for d in documents))
    shared_page, recording, places = drawn_once(kit, parts, background)
    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=f"{_('Print pack')} – {kit.unit_name}", author=kit.organisation,
                   subject=_("Print pack"), lang=kit.lang)
    replay(c, recording)
    fill_slots(c, list(zip(own, places)))
    if kit.example:  # over the unit's words too, as on every page of the kit
        watermark(c, _("EXAMPLE – not for use"), fonts, (W, H), "#9A9A9A")
    c.showPage()
    c.save()
    return buf.getvalue(), shared_page
