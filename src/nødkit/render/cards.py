"""Pocket cards: ID-1 cards imposed on a sheet, fronts then backs, for long-edge duplex.

Card front: the plan's title in a black band; whom to call in working hours and outside
them, each number big and bold; the local leader; the QR code with the fallback URL
under it. Card back: the numbered first steps, the mobile/iPad route, where to reset a
password, and the unit's name and kit version.

Each face is drawn once, as a form the size of the card, and placed on every card of the
sheet: all cards are the same, and the form's box clips anything that strays past the
trim (the fitting below makes sure nothing does; it fails naming the field instead).

The PDF's pages go front, back, front, back, ... so that a duplex printer puts every back
sheet behind its own front sheet.
"""

from __future__ import annotations

import io
import math

from babel.numbers import format_decimal
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ..errors import RenderError
from ..layout.cards import CARD_HEIGHT, CARD_WIDTH, CardsLayout, Imposition, Misfit, cut_marks, impose, mirrored
from ..resolve import ContactView, Kit
from .base import (
    QUIET_MODULES,
    FontSet,
    NumberRow,
    Size,
    Text,
    checked,
    draw_qr,
    draw_stack,
    fit,
    form_xobject,
    new_canvas,
    qr_matrix,
    rich,
    unbroken,
    watermark,
)

FRONT, BACK = "nkCardFront", "nkCardBack"
MIN_MODULE = 0.4 * mm  # below this a phone camera struggles with a printed code
CHECK_TICK = 1.2 * mm  # half the height of the check bar's end ticks


def render_cards(kit: Kit, layout: CardsLayout, fonts: FontSet) -> bytes:
    _ = kit._
    placed = impose(layout)
    if isinstance(placed, Misfit):  # the layout check refuses this first; kept for direct callers
        raise RenderError(placed.message, field=".".join(placed.key))
    W, H = layout.page.points
    size = {name: Size(getattr(layout.sizes, name).max, getattr(layout.sizes, name).min)
            for name in type(layout.sizes).model_fields}
    # copies = cards the unit needs; whole sheets, every place filled (spares cost no paper)
    sheets = max(1, math.ceil(kit.copies_of(layout.document) / placed.per_sheet))

    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=f"{kit.title} – {kit.unit_name}", author=kit.organisation,
                   subject=_("Pocket cards"), lang=kit.lang)
    # Acrobat and some drivers preselect this in the print dialog
    c.setViewerPreference("Duplex", "DuplexFlipLongEdge")

    # both faces are laid out (and may fail) before anything is drawn
    front = _front(kit, layout, fonts, size)
    back = _back(kit, layout, fonts, size)
    for name, draw in ((FRONT, front), (BACK, back)):
        with form_xobject(c, name, CARD_WIDTH, CARD_HEIGHT):
            draw(c)
            if kit.example:
                watermark(c, _("EXAMPLE – not for use"), fonts, (CARD_WIDTH, CARD_HEIGHT), layout.colours.watermark)

    fronts = placed.cards
    backs = tuple(mirrored(box, W) for box in fronts)
    labels = (_("Fronts · sheet {sheet} of {sheets}"), _("Backs · sheet {sheet} of {sheets}"))
    for sheet in range(1, sheets + 1):
        for form, boxes, label in ((FRONT, fronts, labels[0]), (BACK, backs, labels[1])):
            _strip(c, kit, layout, fonts, size["sheet"], placed, label.format(sheet=sheet, sheets=sheets))
            _marks(c, layout, cut_marks(boxes, layout.cut_marks))
            for box in boxes:
                c.saveState()
                c.translate(box.x, box.y)
                c.doForm(form)
                c.restoreState()
            c.showPage()
    c.save()
    return buf.getvalue()


# --- the sheet -------------------------------------------------------------------------

def _marks(c: Canvas, layout: CardsLayout, segments) -> None:
    c.saveState()
    c.setStrokeColor(HexColor(layout.colours.marks))
    c.setLineWidth(layout.cut_marks.weight)
    c.setLineCap(0)  # butt: a mark ends where it is measured to end
    for x1, y1, x2, y2 in segments:
        c.line(x1, y1, x2, y2)
    c.restoreState()


def _strip(c: Canvas, kit: Kit, layout: CardsLayout, fonts: FontSet, size: Size, placed: Imposition,
           page_label: str) -> None:
    """How to print, and a line of known length to measure, above the cards."""
    _ = kit._
    box = placed.strip
    bar = layout.check_bar.length
    length = format_decimal(round(bar / mm, 1), locale=kit.words.locale)
    how = _("Print at actual size (100 %), double-sided, flip on long edge.")
    check = _("This line is {length} mm long. If it is not, print again at 100 %.").format(length=length)
    page_label = checked(page_label, fonts.regular, "sheet.label")

    def layout_at(scale: float):
        s = size.at(scale)
        # row 1: how to print, and which page this is on the right; row 2: the bar and what it is
        first_w = box.w - stringWidth(page_label, fonts.regular, s) - 4 * mm
        first = Text(how, "sheet.how", size, bold=True, leading=1.15).flowable(fonts, scale)
        second = Text(check, "sheet.check_bar", size, leading=1.15).flowable(fonts, scale)
        h1 = first.wrap(first_w, 10_000)[1]
        h2 = second.wrap(box.w - bar - 2 * mm, 10_000)[1]
        return s, first, h1, second, h2, h1 + 1 * mm + max(h2, 2 * CHECK_TICK)

    scale = 1.0
    while True:
        s, first, h1, second, h2, need = layout_at(scale)
        if need <= box.h + 0.01:
            break
        if scale <= 0:
            raise RenderError(f"the printing instructions do not fit the {box.h / mm:g}mm strip above the cards at "
                              f"{size.min:g}pt; make strip.height larger", field="strip.height")
        scale = max(0.0, scale - 0.1)

    top = box.top
    ink = HexColor(layout.colours.ink)
    first.drawOn(c, box.x, top - h1)
    c.setFillColor(ink)
    c.setFont(fonts.regular, s)
    c.drawRightString(box.right, top - s, page_label)

    row_mid = top - h1 - 1 * mm - max(h2, 2 * CHECK_TICK) / 2
    c.saveState()
    c.setStrokeColor(ink)
    c.setLineWidth(0.6)
    c.setLineCap(0)
    c.line(box.x, row_mid, box.x + bar, row_mid)
    for x in (box.x, box.x + bar):  # the ticks' centres are exactly `bar` apart
        c.line(x, row_mid - CHECK_TICK, x, row_mid + CHECK_TICK)
    c.restoreState()
    second.drawOn(c, box.x + bar + 2 * mm, row_mid - h2 / 2)


# --- the card's faces ------------------------------------------------------------------

def _front(kit: Kit, layout: CardsLayout, fonts: FontSet, size: dict[str, Size]):
    _ = kit._
    p = layout.padding
    inner_w, inner_h = CARD_WIDTH - 2 * p, CARD_HEIGHT - 2 * p
    white, ink = layout.colours.band_text, layout.colours.ink

    # the title band: one line, shrinking to the smallest title size before it fails
    pad = 1 * mm
    band_h = size["title"].max * 1.2 + 2 * pad
    title, _scale = fit(lambda scale: [Text(kit.title, "plan.title", size["title"], bold=True, colour=white,
                                            leading=1.2).flowable(fonts, scale)],
                        inner_w - 2 * pad, band_h - 2 * pad, what="title band of the card")

    # the fallback address along the bottom, right-aligned under the QR code
    label = _("{system} in the browser").format(system=kit.system) + ": "
    url = checked(kit.fallback_url, fonts.bold, "plan.fallback.url")
    label = checked(label, fonts.regular, "label")
    url_size = size["text"].max
    while url_size > size["text"].min and _width(label, url, fonts, url_size) > inner_w:
        url_size = max(size["text"].min, url_size - 0.25)
    if stringWidth(url, fonts.bold, url_size) > inner_w:
        raise RenderError("the fallback URL is too long to print on one line of the card", field="plan.fallback.url")
    show_label = _width(label, url, fonts, url_size) <= inner_w
    url_h = url_size * 1.2

    qr = layout.qr_size
    modules = len(qr_matrix(kit.fallback_url)) + 2 * QUIET_MODULES
    if qr / modules < MIN_MODULE - 1e-6:
        raise RenderError(f"the URL needs a QR code of {modules} modules; at {qr / mm:g}mm each is "
                          f"{qr / modules / mm:.2f}mm, under the 0.4mm a phone camera needs. Shorten the URL "
                          f"or make qr_size larger", field="plan.fallback.url")

    gap = 2 * mm
    body_top = inner_h + p - band_h - 1.5 * mm
    body_bottom = p + url_h + 0.8 * mm
    calls_w = inner_w - qr - gap

    def calls(scale: float) -> list[Flowable]:
        # the numbers are what a card is for: they keep their size while the words shrink
        # (scale 1 → 0.5), and only then shrink themselves (0.5 → 0)
        words, number = max(0.0, 2 * scale - 1), size["number"].at(min(1.0, 2 * scale))
        out: list[Flowable] = []
        # outside working hours the condition is the point: the on-call line is not for everyday support
        groups = [(_("Working hours"), kit.working_hours, kit.working, False),
                  # the plan's own words; the poster's longer heading would take two lines here
                  (_("Outside working hours"), None, kit.outside, True),
                  (_("At any time"), None, kit.always, True),
                  (_("When needed"), None, kit.as_needed, True)]
        for heading, hours, contacts, notes in groups:
            contacts = [ct for ct in contacts if ct.phones]  # a card only lists whom one can ring
            if not contacts:
                continue
            parts = [(heading, True)] + ([(" " + _unbroken_hours(hours), False)] if hours else [])
            out.append(Text("", "label", size["heading"], markup=rich(fonts, parts, "label"), leading=1.15,
                            space_before=0.35 if out else 0, space_after=0.1).flowable(fonts, words))
            for contact in contacts:
                out += _contact(fonts, words, number, contact, size, with_note=notes)
        out.append(_leader_row(fonts, words, number, _("Leader") + ": " + kit.leader_name, kit.leader_phone, size))
        return out

    calls_flow, _scale = fit(calls, calls_w, body_top - body_bottom, what="front of the card")

    def draw(c: Canvas) -> None:
        c.setFillColor(HexColor(layout.colours.band))
        c.rect(p, CARD_HEIGHT - p - band_h, inner_w, band_h, stroke=0, fill=1)
        draw_stack(c, title, p + pad, CARD_HEIGHT - p - pad, inner_w - 2 * pad)
        draw_stack(c, calls_flow, p, body_top, calls_w)
        draw_qr(c, kit.fallback_url, CARD_WIDTH - p - qr, body_bottom, qr)
        c.setFillColor(HexColor(ink))
        baseline = p + url_size * 0.25
        c.setFont(fonts.bold, url_size)
        c.drawRightString(CARD_WIDTH - p, baseline, url)
        if show_label:
            c.setFont(fonts.regular, url_size)
            c.drawRightString(CARD_WIDTH - p - stringWidth(url, fonts.bold, url_size), baseline, label)
    return draw


def _back(kit: Kit, layout: CardsLayout, fonts: FontSet, size: dict[str, Size]):
    _ = kit._
    p = layout.padding
    inner_w = CARD_WIDTH - 2 * p
    ink = layout.colours.ink

    # the foot: whose card this is and which kit it belongs to, on one line
    version = checked(_("Kit version {version}").format(version=kit.kit_version), fonts.regular, "kit_version")
    unit = checked(kit.unit_name, fonts.bold, "unit.name")
    foot_size = size["text"].min
    if stringWidth(unit, fonts.bold, foot_size) + 3 * mm + stringWidth(version, fonts.regular, foot_size) > inner_w:
        raise RenderError("the unit's name is too long for one line at the foot of the card", field="unit.name")
    rule_y = p + foot_size * 1.2 + 0.6 * mm
    foot_h = rule_y - p + 2 * mm  # the rule sits between, clear of descenders above and caps below

    def body(scale: float) -> list[Flowable]:
        text = size["text"]
        out: list[Flowable] = [Text(_("Do this now"), "label", size["heading"], bold=True,
                                    space_after=0.2).flowable(fonts, scale)]
        for i, step in enumerate(kit.steps):
            out.append(Text(step, f"plan.steps[{i}]", text, bullet=f"{i + 1}.", indent=1.5, leading=1.13,
                            space_after=0.2).flowable(fonts, scale))
        if kit.mobile:
            markup = rich(fonts, [(_("If the network is down") + ": ", True), (kit.mobile, False)],
                          "plan.fallback.mobile")
            out.append(Text(kit.mobile, "plan.fallback.mobile", text, markup=markup, leading=1.13,
                            space_before=0.35).flowable(fonts, scale))
        if kit.reset_url:
            markup = rich(fonts, [(_("Forgotten password") + ": ", True), (unbroken(kit.reset_url), False)],
                          "plan.password_reset.url")
            out.append(Text(kit.reset_url, "plan.password_reset.url", text, markup=markup, leading=1.13,
                            space_before=0.35).flowable(fonts, scale))
        return out

    flow, _scale = fit(body, inner_w, CARD_HEIGHT - 2 * p - foot_h, what="back of the card")

    def draw(c: Canvas) -> None:
        draw_stack(c, flow, p, CARD_HEIGHT - p, inner_w)
        c.setStrokeColor(HexColor(ink))
        c.setLineWidth(0.5)
        c.line(p, rule_y, CARD_WIDTH - p, rule_y)
        c.setFillColor(HexColor(ink))
        c.setFont(fonts.bold, foot_size)
        c.drawString(p, p + foot_size * 0.25, unit)
        c.setFont(fonts.regular, foot_size)
        c.drawRightString(CARD_WIDTH - p, p + foot_size * 0.25, version)
    return draw


def _width(label: str, url: str, fonts: FontSet, size: float) -> float:
    return stringWidth(label, fonts.regular, size) + stringWidth(url, fonts.bold, size)


def _unbroken_hours(hours: str) -> str:
    """'mandag–fredag 07.00–15.30' stays on one line; a list of such ranges may wrap between them."""
    return ", ".join(unbroken(part) for part in hours.split(", "))


def _contact(fonts: FontSet, scale: float, number_size: float, contact: ContactView, size: dict[str, Size], *,
             with_note: bool) -> list[Flowable]:
    field = f"contacts.{contact.id}"
    rows: list[Flowable] = []
    for k, number in enumerate(contact.phones):
        label = Text(contact.name if k == 0 else "", f"{field}.name", size["text"]).flowable(fonts, scale)
        rows.append(NumberRow(label, checked(unbroken(number), fonts.bold, f"{field}.phones"), fonts.bold,
                              number_size, f"{field}.phones"))
    if with_note and contact.call_when:
        rows.append(Text(contact.call_when, f"{field}.call_when", size["text"], leading=1.12).flowable(fonts, scale))
    return rows


def _leader_row(fonts: FontSet, scale: float, number_size: float, label: str, number: str,
                size: dict[str, Size]) -> Flowable:
    para = Text(label, "unit.leader", size["text"], bold=True).flowable(fonts, scale)
    row = NumberRow(para, checked(unbroken(number), fonts.bold, "unit.leader"), fonts.bold, number_size, "unit.leader")
    row.spaceBefore = size["text"].at(scale) * 0.5
    return row

