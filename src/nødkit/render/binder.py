"""The downtime binder's cover (page 1) and its shift check and recovery steps (page 2).

Page 1 says whose binder it is and what it must hold, with how many of each sheet, so the
shift that checks it knows what "complete" means. Page 2 is the check itself (date /
initials, by pen) and what to do with the paper once the system works again.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from ..errors import RenderError
from ..layout.binder import BinderLayout
from ..resolve import Kit
from .base import Drawn, FontSet, paragraph, checked, draw_stack, new_canvas, stack_height, watermark

# where each kind of document lives once printed (the binder holds the paper ones)
_IN_BINDER = ("binder", "plan", "sheet")


def render_binder(kit: Kit, layout: BinderLayout, fonts: FontSet) -> Drawn:
    _ = kit._
    W, H = layout.page.points
    m = layout.margin
    sz = layout.sizes
    inner = W - 2 * m
    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=f"{_('Downtime binder')} – {kit.unit_name}",
                   author=kit.organisation, subject=_("Binder cover and contents"), lang=kit.lang)

    def style(name, size, bold=False, **kw):
        return ParagraphStyle(name, fontName=fonts.bold if bold else fonts.regular, fontSize=size,
                              leading=size * 1.25, **kw)

    def p(text, st, field):
        font = st.fontName
        return paragraph(escape(checked(text, font, field)), st)

    head_st = style("h", sz.heading, True, spaceBefore=sz.body, spaceAfter=4)
    body_st, small_st = style("b", sz.body), style("s", sz.small)
    cell_st, cell_b = style("c", sz.body), style("cb", sz.body, True)

    # --- page 1: cover and contents -----------------------------------------------------
    band_h = sz.title * 2.1
    c.setFillColor(HexColor("#000000"))
    c.rect(m, H - m - band_h, inner, band_h, stroke=0, fill=1)
    band = [paragraph(escape(checked(_("Downtime binder"), fonts.bold, "label")),
                      style("bt", sz.title, True, textColor=HexColor("#FFFFFF")))]
    draw_stack(c, band, m + 5 * mm, H - m - (band_h - sz.title * 1.25) / 2, inner - 10 * mm)

    cover = [
        p(kit.unit_name, style("u", sz.title * 0.8, True, spaceBefore=6), "unit.name"),
        p(kit.unit_address, body_st, "unit.address"),
        p(f"{kit.title} · {kit.organisation}", style("pl", sz.heading, True, spaceBefore=8), "plan.title"),
        p(_("Keep this binder where staff can find it when {system} is down. Check every shift that it is "
            "complete.").format(system=kit.system), style("k", sz.body, spaceBefore=4), "label"),
        p(_("Kit version {version} · printed {date}").format(version=kit.kit_version, date=kit.as_of_text),
          small_st, "label"),
        p(_("Contents of the binder"), head_st, "label"),
    ]
    rows = [[p(_("Document"), cell_b, "label"), p(_("Paper"), cell_b, "label"), p(_("Copies"), cell_b, "label")]]
    elsewhere = []
    for entry in kit.documents:
        if entry.kind in _IN_BINDER:
            copies = 1 if entry.kind == "binder" else entry.copies
            rows.append([p(entry.title, cell_st, f"documents.{entry.id}"), p(entry.paper, cell_st, "label"),
                         p(str(copies), cell_st, "label")])
        else:
            elsewhere.append(entry)
    table = Table(rows, colWidths=[inner * 0.62, inner * 0.22, inner * 0.16], repeatRows=1)
    # FONTNAME: reportlab sets every cell's font, Helvetica unless told (an unembedded font)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                               ("GRID", (0, 0), (-1, -1), 0.6, HexColor("#000000")),
                               ("LINEBELOW", (0, 0), (-1, 0), 1.5, HexColor("#000000")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    cover.append(table)
    if elsewhere:
        cover.append(p(_("Also in the kit, not in the binder:"), style("e", sz.body, True, spaceBefore=8),
                       "label"))
        cover.append(p(", ".join(f"{e.title} ({e.paper}, {e.copies})" for e in elsewhere), body_st, "documents"))
    top = H - m - band_h - 4 * mm
    if stack_height(cover, inner) > top - m:
        raise RenderError("the binder's contents list does not fit on its cover page", field="documents")
    draw_stack(c, cover, m, top, inner)
    if kit.example:
        watermark(c, _("EXAMPLE – not for use"), fonts, (W, H), "#9A9A9A")
    c.showPage()

    # --- page 2: shift check and recovery -----------------------------------------------
    flow = [p(_("Shift check: the binder is complete"), style("h2", sz.heading, True, spaceAfter=4), "label"),
            p(_("Check against the contents list on the cover. Missing sheets: print new ones from the print pack "
                "or ask the leader."), small_st, "label")]
    head = [p(t, cell_b, "label") for t in (_("Date"), _("Shift"), _("Initials"), _("Missing / note"))]
    shift = Table([head] + [["", "", "", ""] for _row in range(layout.shift_rows)],
                  colWidths=[inner * 0.2, inner * 0.16, inner * 0.16, inner * 0.48],
                  rowHeights=[None] + [layout.shift_row_height] * layout.shift_rows)
    shift.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                               ("GRID", (0, 0), (-1, -1), 0.6, HexColor("#000000")),
                               ("LINEBELOW", (0, 0), (-1, 0), 1.5, HexColor("#000000"))]))
    flow.append(shift)
    flow.append(p(layout.recovery_title[kit.lang], head_st, "recovery_title"))
    step_st = style("st", sz.body, leftIndent=sz.body * 1.6, bulletFontName=fonts.bold, bulletFontSize=sz.body,
                    spaceAfter=3)
    flow += [paragraph(escape(checked(step[kit.lang], fonts.regular, f"recovery[{i}]")), step_st,
                       bulletText=f"{i + 1}.") for i, step in enumerate(layout.recovery)]
    if stack_height(flow, inner) > H - 2 * m - sz.small * 2:
        raise RenderError("the shift check and recovery steps do not fit on one page; fewer shift_rows?",
                          field="shift_rows")
    draw_stack(c, flow, m, H - m, inner)
    c.setFont(fonts.regular, sz.small)
    footer = f"{kit.unit_name} · {_('Kit version {version}').format(version=kit.kit_version)}"
    c.drawString(m, m, checked(footer, fonts.regular, "footer"))
    if kit.example:
        watermark(c, _("EXAMPLE – not for use"), fonts, (W, H), "#9A9A9A")
    c.showPage()
    c.save()
    return Drawn(buf.getvalue())
