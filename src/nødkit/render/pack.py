"""The print pack: one PDF per unit and language holding the whole kit in print order.

A unit gets one file to send to the printer. It opens with a page of print instructions
(paper, actual size, which pages are A3, which are double-sided), then every document as
many times as the unit asked for. Pages keep their own size: A3 posters stay A3.
"""

from __future__ import annotations

import hashlib
import io
import re
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from ..errors import RenderError
from ..resolve import Kit
from .base import FontSet, paragraph, checked, draw_stack, new_canvas, stack_height, watermark


def pack_instructions(kit: Kit, parts: list[tuple], fonts: FontSet) -> bytes:
    """parts: (title, paper, pages, copies, how) per document, in print order."""
    _ = kit._
    W, H = A4
    m = 18 * mm
    inner = W - 2 * m
    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=f"{_('Print pack')} – {kit.unit_name}", author=kit.organisation,
                   subject=_("Print pack"), lang=kit.lang)

    def st(size, bold=False, **kw):
        return ParagraphStyle(f"s{size}{bold}", fontName=fonts.bold if bold else fonts.regular, fontSize=size,
                              leading=size * 1.3, **kw)

    def p(text, style, field="label"):
        return paragraph(escape(checked(text, style.fontName, field)), style)

    total = 1 + sum(pages * copies for _t, _p, pages, copies, _h in parts)
    flow = [
        p(_("Print pack"), st(28, True)),
        p(f"{kit.unit_name} · {kit.title}", st(14, True, spaceAfter=6), "unit.name"),
        p(_("Print this file at actual size (100 %) – never \"fit to page\". It holds {pages} pages: "
            "every document of the unit's kit, as many copies as the unit asked for.").format(pages=total),
          st(11, spaceAfter=4)),
        p(_("A3 pages: choose A3 paper (or print them separately on an A3 printer). Pocket cards: print "
            "double-sided, flip on the long edge, then cut along the marks."), st(11, spaceAfter=10)),
    ]
    cell, cell_b = st(10), st(10, True)
    rows = [[p(t, cell_b) for t in ("#", _("Document"), _("Paper"), _("Pages"), _("Copies"), _("How to print"))]]
    for i, (title, paper, pages, copies, how) in enumerate(parts, 1):
        rows.append([p(str(i), cell), p(title, cell, "documents"), p(paper, cell), p(str(pages), cell),
                     p(str(copies), cell), p(how, cell)])
    table = Table(rows, colWidths=[inner * w for w in (0.065, 0.315, 0.14, 0.11, 0.12, 0.25)], repeatRows=1)
    # FONTNAME: reportlab sets every cell's font, Helvetica unless told (an unembedded font)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                               ("GRID", (0, 0), (-1, -1), 0.6, HexColor("#000000")),
                               ("LINEBELOW", (0, 0), (-1, 0), 1.5, HexColor("#000000")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    flow.append(table)
    flow.append(p(_("Kit version {version} · printed {date}").format(version=kit.kit_version,
                                                                      date=kit.as_of_text), st(9, spaceBefore=8)))
    if stack_height(flow, inner) > H - 2 * m:
        raise RenderError("the print instructions do not fit on one page", field="documents")
    draw_stack(c, flow, m, H - m, inner)
    if kit.example:
        watermark(c, _("EXAMPLE – not for use"), fonts, (W, H), "#9A9A9A")
    c.showPage()
    c.save()
    return buf.getvalue()


def assemble(kit: Kit, instructions: bytes, documents: list[tuple[bytes, int]]) -> bytes:
    """The instructions, then each PDF `copies` times; every page keeps its own size.

    pikepdf (qpdf) joins a kit in a tenth of the time pypdf took, and the copies of a document
    share its fonts and page contents instead of repeating them."""
    import pikepdf

    pack = pikepdf.new()
    for pdf, copies in [(instructions, 1), *documents]:
        source = pikepdf.open(io.BytesIO(pdf))
        for _copy in range(copies):
            pack.pages.extend(source.pages)
    _tag_subsets(pack)
    pack.docinfo["/Title"] = f"{kit._('Print pack')} – {kit.unit_name}"
    pack.docinfo["/Author"] = kit.organisation
    pack.docinfo["/Subject"] = kit._("Print pack")
    pack.docinfo["/Creator"] = "nødkit"
    pack.docinfo["/Producer"] = "nødkit (pikepdf)"
    pack.Root.Lang = pikepdf.String(kit.lang)
    pack.Root.ViewerPreferences = pikepdf.Dictionary(PrintScaling=pikepdf.Name("/None"))
    out = io.BytesIO()
    # The same kit gives the same bytes (the file identifier comes from the content, not the
    # clock); page objects stay outside object streams, where the manifest counts them; the
    # streams reportlab compressed are copied as they are (compressing the few others again
    # made saving seven times slower for 2 % of the size).
    pack.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable,
              compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


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
