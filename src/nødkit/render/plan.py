"""The whole plan for the downtime binder (A4): every section in order, typeset to be read.

On top of the plan's own sections it gives the reader what the prose refers to: the
contacts as a table (numbers, hours, when to call and what they do not do), the unit's
own block, and the approval facts. Numbers, e-mail and web addresses are live links when
the PDF is read on screen; every section is a PDF bookmark.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Frame, KeepTogether, ListFlowable, ListItem, PageTemplate,
                                Paragraph, Table, TableStyle)

from ..layout.plan import PlanLayout
from ..resolve import Kit
from .base import Drawn, FontSet, checked, paragraph, unbroken, watermark, widest_version

_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class _Styles:
    def __init__(self, fonts: FontSet, layout: PlanLayout):
        s = layout.sizes
        self.fonts = fonts
        self.title = ParagraphStyle("title", fontName=fonts.bold, fontSize=s.title, leading=s.title * 1.15,
                                    spaceAfter=s.body * 0.6)
        self.heading = ParagraphStyle("heading", fontName=fonts.bold, fontSize=s.heading, leading=s.heading * 1.2,
                                      spaceBefore=s.body * 1.2, spaceAfter=s.body * 0.4, keepWithNext=1)
        self.body = ParagraphStyle("body", fontName=fonts.regular, fontSize=s.body, leading=s.body * 1.35,
                                   spaceAfter=s.body * 0.5)
        self.cell = ParagraphStyle("cell", fontName=fonts.regular, fontSize=s.body * 0.9, leading=s.body * 1.15)
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=fonts.bold)
        self.small = ParagraphStyle("small", fontName=fonts.regular, fontSize=s.small, leading=s.small * 1.3)


def _link_markup(text: str, fonts: FontSet, field: str, phones: dict[str, str], bold: bool = False) -> str:
    """Escape text and turn web addresses, e-mail addresses and known phone numbers into links."""
    text = checked(text, fonts.bold if bold else fonts.regular, field)
    patterns = [_URL.pattern, _EMAIL.pattern] + [re.escape(p) for p in sorted(phones, key=len, reverse=True)]
    combined = re.compile("|".join(f"({p})" for p in patterns))
    out, pos = [], 0
    for match in combined.finditer(text):
        out.append(escape(text[pos:match.start()]))
        found = match.group(0)
        if _URL.fullmatch(found):
            href = found
        elif _EMAIL.fullmatch(found):
            href = "mailto:" + found
        else:
            href = phones[found]
            found = unbroken(found)
        out.append(f"<a href={quoteattr(href)}><u>{escape(found)}</u></a>")
        pos = match.end()
    out.append(escape(text[pos:]))
    markup = "".join(out)
    return f"<b>{markup}</b>" if bold else markup


class _Doc(BaseDocTemplate):
    """Adds a PDF bookmark for every flowable marked with a bookmark title."""

    def afterFlowable(self, flowable):
        title = getattr(flowable, "nk_bookmark", None)
        if title:
            key = f"s{self.seq.nextf('bookmark')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=0, closed=False)


def render_plan(kit: Kit, layout: PlanLayout, fonts: FontSet) -> Drawn:
    _ = kit._
    st = _Styles(fonts, layout)
    W, H = layout.page.points
    m = layout.margin
    phones = {}
    for contact in (*kit.working, *kit.outside, *kit.always, *kit.as_needed):
        phones.update(zip(contact.phones, contact.phone_uris))
    phones[kit.leader_phone] = "tel:" + kit.leader_phone.replace(" ", "")
    phones[kit.unit_phone] = "tel:" + kit.unit_phone.replace(" ", "")
    for n in kit.neighbours:
        phones[n.phone] = "tel:" + n.phone.replace(" ", "")

    def para(text: str, style, field: str, bold: bool = False) -> Paragraph:
        return paragraph(_link_markup(text, fonts, field, phones, bold), style)

    def heading(text: str, field: str) -> Paragraph:
        p = paragraph(escape(checked(text, fonts.bold, field)), st.heading)
        p.nk_bookmark = text
        return p

    story = []
    title = paragraph(escape(checked(kit.title, fonts.bold, "plan.title")), st.title)
    title.nk_bookmark = kit.title
    story += [title,
              para(f"{kit.organisation} · {kit.unit_name}", st.body, "unit.name"),
              para(kit.summary, st.body, "plan.summary")]

    # whom to call: the table a reader looks for first
    story.append(heading(_("Whom to call"), "label"))
    groups = [(_("Working hours"), kit.working), (_("Evenings, nights, weekends and holidays"), kit.outside),
              (_("At any time"), kit.always), (_("When needed"), kit.as_needed)]
    rows = [[paragraph(escape(checked(h, fonts.bold, "label")), st.cell_bold)
             for h in (_("Contact"), _("Phone"), _("When to call"))]]
    spans = []
    for group, contacts in groups:
        if not contacts:
            continue
        spans.append(len(rows))
        rows.append([paragraph(escape(checked(group, fonts.bold, "label")), st.cell_bold), "", ""])
        for c in contacts:
            who = [c.name] + ([c.email] if c.email else [])
            when = [t for t in (c.hours, c.call_when,
                                _("Do not call: {text}").format(text=c.not_when) if c.not_when else None,
                                c.does_not) if t]
            rows.append([
                paragraph("<br/>".join(_link_markup(t, fonts, f"contacts.{c.id}", phones, bold=i == 0)
                                       for i, t in enumerate(who)), st.cell),
                paragraph("<br/>".join(_link_markup(p, fonts, f"contacts.{c.id}.phones", phones, bold=True)
                                       for p in c.phones) or "–", st.cell),
                paragraph("<br/>".join(_link_markup(t, fonts, f"contacts.{c.id}", phones) for t in when), st.cell),
            ])
    if kit.outside_hours:
        rows.append([paragraph(escape(checked(_("No one to call"), fonts.bold, "label")), st.cell_bold), "",
                     para(kit.outside_hours, st.cell, "plan.outside_hours")])
    inner = W - 2 * m
    table = Table(rows, colWidths=[inner * 0.3, inner * 0.22, inner * 0.48], repeatRows=1)
    style = [("FONTNAME", (0, 0), (-1, -1), fonts.regular),  # reportlab sets each cell's font: else Helvetica
             ("GRID", (0, 0), (-1, -1), 0.6, HexColor("#000000")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, 0), 1.5, HexColor("#000000"))]
    for r in spans:
        style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), HexColor("#E8E8E8"))]
    table.setStyle(TableStyle(style))
    story.append(table)

    # the unit's own block
    story.append(heading(_("Your unit"), "label"))
    unit_lines = [kit.unit_name, kit.unit_address,
                  f"{_('Leader')}: {kit.leader_name}, {kit.leader_phone}",
                  f"{_('Unit phone')}: {kit.unit_phone}"]
    story += [para(t, st.body, "unit") for t in unit_lines]
    if kit.neighbours:
        story.append(para(_("Neighbour units – call to hear if they are hit too"), st.body, "label", bold=True))
        story.append(_bullets([para(f"{n.name}: {n.phone}", st.body, "unit.neighbours") for n in kit.neighbours],
                              st, fonts))

    # the plan's own sections, in its order and wording
    for section in kit.sections:
        story.append(heading(section.heading, f"sections.{section.id}.heading"))
        for block in section.blocks:
            if isinstance(block, tuple):
                story.append(_bullets([para(item, st.body, f"sections.{section.id}") for item in block], st, fonts))
            else:
                story.append(para(block, st.body, f"sections.{section.id}"))

    if kit.maintenance_days:
        story.append(heading(_("Planned downtime"), "label"))
        if kit.maintenance_note:
            story.append(para(kit.maintenance_note, st.body, "plan.maintenance.note"))
        story.append(para(_("Next dates: {dates}").format(dates=", ".join(kit.maintenance_dates)), st.body,
                          "plan.maintenance"))

    story.append(heading(_("Preparation and revision"), "label"))
    facts = [(_("Prepared by"), kit.prepared_by), (_("Approved by"), f"{kit.approved_by}, {kit.approved_on}"),
             (_("Last updated"), kit.last_updated), (_("Responsible editor"), kit.editor),
             (_("Kit version"), f"{kit.kit_version} · {_('Printed {date}').format(date=kit.as_of_text)}")]
    facts_table = Table([[paragraph(escape(checked(k, fonts.bold, "label")), st.cell_bold),
                          para(v, st.cell, "plan.revision")] for k, v in facts],
                        colWidths=[inner * 0.3, inner * 0.7])
    facts_table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.regular),  # else Helvetica
                                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                     ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor("#000000"))]))
    story.append(KeepTogether([facts_table]))

    buf = io.BytesIO()
    footer_text = checked(f"{kit.short_title} · {kit.unit_short_name} · {_('Kit version')} {kit.kit_version}",
                          fonts.regular, "footer")
    # the title, the unit and the kit version beside "page x of y", on as many lines as they need
    # (measured with the widest kit version and page count, so the pages break the same every build)
    size = layout.sizes.small
    widest_page = _("Page {page} of {pages}").format(page="888", pages="888")
    room = W - 2 * m - stringWidth(widest_page, fonts.regular, size) - 6 * mm
    measured = footer_text.replace(kit.kit_version, widest_version(fonts.regular))
    footer_lines = len(simpleSplit(measured, fonts.regular, size, room))
    footer_h = size * (1.25 * footer_lines + 1.2)

    doc = _Doc(buf, pagesize=(W, H), leftMargin=m, rightMargin=m, topMargin=m, bottomMargin=m + footer_h,
               title=f"{kit.title} – {kit.unit_name}", author=kit.organisation, subject=_("Emergency plan"),
               creator="nødkit", invariant=1, lang=kit.lang)
    frame = Frame(m, m + footer_h, W - 2 * m, H - 2 * m - footer_h, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_numbered_canvas(fonts, kit, layout, footer_text, room))
    return Drawn(buf.getvalue())


def _bullets(items, st: _Styles, fonts: FontSet) -> ListFlowable:
    return ListFlowable([ListItem(i, leftIndent=14) for i in items], bulletType="bullet", start="•",
                        bulletFontName=fonts.regular, bulletFontSize=st.body.fontSize, leftIndent=14)


def _numbered_canvas(fonts: FontSet, kit: Kit, layout: PlanLayout, footer_text: str, room: float):
    """A canvas class that writes "page x of y" once the page count is known."""

    class Numbered(Canvas):
        def __init__(self, filename, *args, **kwargs):
            # start in our embedded font: otherwise reportlab names Helvetica on every page
            kwargs.update(initialFontName=fonts.regular, initialFontSize=10, invariant=1, pageCompression=1)
            super().__init__(filename, *args, **kwargs)
            self.setViewerPreference("PrintScaling", "None")
            self.setViewerPreference("DisplayDocTitle", "true")
            self.setCreator("nødkit")
            self.setProducer("nødkit (reportlab)")
            self._saved: list[dict] = []

        def showPage(self):
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for number, state in enumerate(self._saved, 1):
                self.__dict__.update(state)
                self._footer(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _footer(self, number: int, total: int) -> None:
            w, _h = layout.page.points
            m, size = layout.margin, layout.sizes.small
            self.saveState()
            self.setFont(fonts.regular, size)
            self.setFillColor(HexColor("#000000"))
            self.setLineWidth(0.5)
            page = checked(kit._("Page {page} of {pages}").format(page=number, pages=total), fonts.regular, "footer")
            lines = simpleSplit(footer_text, fonts.regular, size, room)
            rule = m + size * (0.55 + 1.25 * len(lines))
            self.line(m, rule, w - m, rule)
            for i, line in enumerate(lines):  # top line first, as it reads
                self.drawString(m, m + (len(lines) - 1 - i) * size * 1.25, line)
            self.drawRightString(w - m, m, page)
            if kit.example:
                watermark(self, kit._("EXAMPLE – not for use"), fonts, layout.page.points, "#9A9A9A")
            self.restoreState()

    return Numbered
