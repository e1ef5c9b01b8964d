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
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ..errors import RenderError
from ..layout.cards import CARD_HEIGHT, CARD_WIDTH, CardsLayout, Imposition, Misfit, cut_marks, impose, mirrored
from ..resolve import ContactView, Kit
from .base import (
    QUIET_MODULES,
    Drawn,
    FontSet,
    NumberRow,
    Size,
    Text,
    checked,
    draw_qr,
    draw_stack,
    fit,
    named_list,
    form_xobject,
    line_count,
    new_canvas,
    qr_matrix,
    break_address,
    rich,
    stack_height,
    unbroken,
    watermark,
    widest_version,
)

FRONT, BACK = "nkCardFront", "nkCardBack"
MIN_MODULE = 0.4 * mm  # below this a phone camera struggles with a printed code
CHECK_TICK = 1.2 * mm  # half the height of the check bar's end ticks


def render_cards(kit: Kit, layout: CardsLayout, fonts: FontSet) -> Drawn:
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
    front, front_notes = _front(kit, layout, fonts, size)
    back, back_notes = _back(kit, layout, fonts, size)
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
    notes = [f"card front {n}" for n in front_notes] + [f"card back {n}" for n in back_notes]
    return Drawn(buf.getvalue(), tuple(f"{n} (the card points to the plan in the binder, which has them)"
                                       for n in notes))


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
#
# A card cannot hold what a poster holds. Each face shows what fits at the smallest sizes, in
# order of importance, and one line pointing to the plan in the binder for the rest; the notes
# say what was left out. Front: every contact one can ring, with its condition (call_when)
# outside working hours — the conditions go first, then contacts from the end of the plan's
# list; the leader always stays. Back: the steps, what to do when the network is down, where to
# reset a password — the password route goes first, then the network route, then steps from
# the end.

BACK_DROPPABLE = ("reset", "mobile")
TITLE_LINES = 2  # the title band of the card; a longer title wants the plan's short_title
URL_LINES = 3  # the fallback address along the bottom of the front
FOOT_LINES = 3  # the unit's name at the foot of the back; a longer name wants the unit's short_name


def _fits(build, width: float, height: float) -> bool:
    return stack_height(build(0.0), width) <= height


def _front(kit: Kit, layout: CardsLayout, fonts: FontSet, size: dict[str, Size]):
    _ = kit._
    p = layout.padding
    inner_w, inner_h = CARD_WIDTH - 2 * p, CARD_HEIGHT - 2 * p
    white, ink = layout.colours.band_text, layout.colours.ink

    # the title band: the short title if the plan has one, as few lines as it can take
    pad = 1 * mm
    title_size, lines = _title_size(kit, fonts, size["title"], inner_w - 2 * pad)
    title = [Text(kit.short_title, "plan.short_title", Size(title_size, title_size), bold=True, colour=white,
                  leading=1.2).flowable(fonts, 1.0)]
    band_h = stack_height(title, inner_w - 2 * pad) + 2 * pad

    url = _card_url(kit, fonts, size["text"], inner_w) if kit.fallback_url else None
    qr = layout.qr_size if kit.fallback_url else 0.0
    if kit.fallback_url:
        modules = len(qr_matrix(kit.fallback_url)) + 2 * QUIET_MODULES
        if qr / modules < MIN_MODULE - 1e-6:
            raise RenderError(f"the URL needs a QR code of {modules} modules; at {qr / mm:g}mm each is "
                              f"{qr / modules / mm:.2f}mm, under the 0.4mm a phone camera needs. Shorten the URL "
                              f"or make qr_size larger", field="plan.fallback.url")
    url_h = url.height if url else 0.0

    gap = 2 * mm
    body_top = inner_h + p - band_h - 1.5 * mm
    body_bottom = p + url_h + (0.8 * mm if url else 0.0)
    calls_w = inner_w - qr - gap if qr else inner_w
    room = body_top - body_bottom
    ringable = tuple(ct for ct in kit.contacts if ct.phones)  # a card only lists whom one can ring

    def calls_with(n: int, notes: bool):
        shown = ringable[:n]

        def calls(scale: float) -> list[Flowable]:
            # the numbers are what a card is for: they keep their size while the words shrink
            # (scale 1 → 0.5), and only then shrink themselves (0.5 → 0)
            words, number = max(0.0, 2 * scale - 1), size["number"].at(min(1.0, 2 * scale))
            out: list[Flowable] = []
            # outside working hours the condition is the point: the on-call line is not for everyday support
            groups = [(_("Working hours"), kit.working_hours, "working-hours", False),
                      # the plan's own words; the poster's longer heading would take two lines here
                      (_("Outside working hours"), None, "outside-hours", True),
                      (_("At any time"), None, "always", True),
                      (_("When needed"), None, "as-needed", True)]
            for heading, hours, available, with_note in groups:
                contacts = [ct for ct in shown if ct.available == available]
                if not contacts:
                    continue
                parts = [(heading, True)] + ([(" " + _unbroken_hours(hours), False)] if hours else [])
                out.append(Text("", "label", size["heading"], markup=rich(fonts, parts, "label"), leading=1.15,
                                space_before=0.35 if out else 0, space_after=0.1).flowable(fonts, words))
                for contact in contacts:
                    out += _contact(fonts, words, number, contact, size, with_note=with_note and notes)
            if n < len(ringable):
                out.append(Text(_("More numbers in the plan."), "label", size["text"], bold=True,
                                leading=1.12, space_before=0.35).flowable(fonts, words))
            out.append(_leader_row(fonts, words, number, _("Leader") + ": " + kit.leader_name, kit.leader_phone,
                                   size))
            return out
        return calls

    # every contact with its condition; else as many as fit, without the conditions only where
    # that shows more numbers
    shown, notes = len(ringable), True
    if not _fits(calls_with(shown, True), calls_w, room):
        with_notes = _most_that_fit(lambda n: _fits(calls_with(n, True), calls_w, room), len(ringable) - 1)
        without = _most_that_fit(lambda n: _fits(calls_with(n, False), calls_w, room), len(ringable))
        shown, notes = (without, False) if without > with_notes else (with_notes, True)
    calls_flow, _scale = fit(calls_with(shown, notes), calls_w, room, what="front of the card")
    left_out = []
    if not notes and any(ct.call_when and ct.available != "working-hours" for ct in ringable[:shown]):
        left_out.append("leaves out the contacts' call_when conditions, to make room")
    if shown < len(ringable):
        left_out.append(f"shows {shown} of the {len(ringable)} contacts with a number; not shown: "
                        f"{named_list([ct.name for ct in ringable[shown:]])}")

    def draw(c: Canvas) -> None:
        c.setFillColor(HexColor(layout.colours.band))
        c.rect(p, CARD_HEIGHT - p - band_h, inner_w, band_h, stroke=0, fill=1)
        draw_stack(c, title, p + pad, CARD_HEIGHT - p - pad, inner_w - 2 * pad)
        draw_stack(c, calls_flow, p, body_top, calls_w)
        if url:
            draw_qr(c, kit.fallback_url, CARD_WIDTH - p - qr, body_bottom, qr)
            url.draw(c, CARD_WIDTH - p, p, ink)
    return draw, left_out


class _CardUrl:
    """The fallback address along the bottom of the front, right-aligned under the QR code:
    "Nexus in the browser: address" on one line, or the address alone on one or two lines."""

    def __init__(self, lines: list[str], label: str | None, size: float, fonts: FontSet, font: str | None = None):
        self.lines, self.label, self.size, self.fonts = lines, label, size, fonts
        self.font = font or fonts.bold
        self.height = len(lines) * size * 1.2

    def draw(self, c: Canvas, right: float, bottom: float, ink: str) -> None:
        c.setFillColor(HexColor(ink))
        for i, line in enumerate(self.lines):  # top line first: the order a reader (and a PDF's text) has
            baseline = bottom + self.size * 0.25 + (len(self.lines) - 1 - i) * self.size * 1.2
            c.setFont(self.font, self.size)
            c.drawRightString(right, baseline, line)
            if self.label and i == 0:
                c.setFont(self.fonts.regular, self.size)
                c.drawRightString(right - stringWidth(line, self.font, self.size), baseline, self.label)


def _card_url(kit: Kit, fonts: FontSet, text: Size, width: float) -> _CardUrl:
    url = checked(checked(kit.fallback_url, fonts.bold, "plan.fallback.url"), fonts.regular, "plan.fallback.url")
    label = checked(_label(kit), fonts.regular, "label")
    sizes = [text.max - 0.25 * i for i in range(int((text.max - text.min) / 0.25) + 1)]
    for size in sizes:  # the label and the address on one line, as large as that fits
        if _width(label, url, fonts, size) <= width:
            return _CardUrl([url], label, size, fonts)
    for size in sizes:  # the address alone, on one line
        if stringWidth(url, fonts.bold, size) <= width:
            return _CardUrl([url], None, size, fonts)
    # then on two lines, bold, then in the narrower regular weight on two or three lines
    for font, most in ((fonts.bold, 2), (fonts.regular, 2), (fonts.regular, URL_LINES)):
        for size in sizes:
            lines = break_address(url, font, size, width)
            if len(lines) <= most and all(stringWidth(line, font, size) <= width for line in lines):
                return _CardUrl(lines, None, size, fonts, font)
    chars = int(URL_LINES * width / stringWidth(url, fonts.regular, text.min) * len(url) * 0.9)
    raise RenderError(f"the fallback URL ({len(url)} characters) needs more than {URL_LINES} lines on the card at "
                      f"{text.min:g}pt; a card holds about {chars} characters (a short link from the supplier helps)",
                      field="plan.fallback.url")


def _label(kit: Kit) -> str:
    return kit._("{system} in the browser").format(system=kit.system) + ": "


def _title_size(kit: Kit, fonts: FontSet, rng: Size, width: float) -> tuple[float, int]:
    """The largest size at which the card's title takes the fewest lines it can (at most
    TITLE_LINES)."""
    def lines(size: float) -> int:
        para = Text(kit.short_title, "plan.short_title", Size(size, size), bold=True, leading=1.2).flowable(fonts, 1)
        para.wrap(width, 10_000)
        return 99 if para.nk_overflow > 0.01 else line_count(para)
    fewest = lines(rng.min)
    if fewest > TITLE_LINES:
        field = "plan.short_title" if kit.short_title != kit.title else "plan.title"
        chars = len(kit.short_title) * TITLE_LINES // max(fewest, 1)
        raise RenderError(f"the title takes {'more than ' if fewest == 99 else ''}{min(fewest, 99)} lines on the "
                          f"card at {rng.min:g}pt where it has {TITLE_LINES}; give the plan a `short_title` of at most "
                          f"about {chars} characters", field=field)
    steps = 64
    best = max((k for k in range(steps + 1) if lines(rng.at(k / steps)) <= fewest), default=0)
    return rng.at(best / steps), fewest


def _most_that_fit(ok, most: int) -> int:
    """The largest n in 0..most with ok(n) (ok holds up to some n and not after)."""
    n = most
    while n > 0 and not ok(n):
        n -= 1
    return n


def _back(kit: Kit, layout: CardsLayout, fonts: FontSet, size: dict[str, Size]):
    _ = kit._
    p = layout.padding
    inner_w = CARD_WIDTH - 2 * p
    ink = layout.colours.ink

    # the foot: whose card this is and which kit it belongs to; room for the widest kit version
    foot_size = size["text"].min
    version = checked(_("Kit version {version}").format(version=kit.kit_version), fonts.regular, "kit_version")
    reserved = stringWidth(_("Kit version {version}").format(version=widest_version(fonts.regular)),
                           fonts.regular, foot_size)
    unit = checked(kit.unit_short_name, fonts.bold, "unit.name")
    name_w = inner_w - reserved - 3 * mm
    names = simpleSplit(unit, fonts.bold, foot_size, name_w)  # at spaces only, never inside a word
    if len(names) > FOOT_LINES or any(stringWidth(n, fonts.bold, foot_size) > name_w for n in names):
        chars = int(len(unit) * FOOT_LINES / max(len(names), FOOT_LINES + 1))
        raise RenderError(f"the unit's name takes more than {FOOT_LINES} lines at the foot of the card; give the unit "
                          f"a `short_name` (at most about {chars} characters)", field="unit.name")
    line_h = foot_size * 1.2
    rule_y = p + (len(names) - 1) * line_h + foot_size * 1.2 + 0.6 * mm
    foot_h = rule_y - p + 2 * mm  # the rule sits between, clear of descenders above and caps below
    room = CARD_HEIGHT - 2 * p - foot_h

    def body_with(steps: int, dropped: tuple[str, ...]):
        def body(scale: float) -> list[Flowable]:
            text = size["text"]
            out: list[Flowable] = [Text(_("Do this now"), "label", size["heading"], bold=True,
                                        space_after=0.2).flowable(fonts, scale)]
            for i, step in enumerate(kit.steps[:steps]):
                out.append(Text(step, f"plan.steps[{i}]", text, bullet=f"{i + 1}.", indent=1.5, leading=1.13,
                                space_after=0.2).flowable(fonts, scale))
            if kit.mobile and "mobile" not in dropped:
                markup = rich(fonts, [(_("If the network is down") + ": ", True), (kit.mobile, False)],
                              "plan.fallback.mobile")
                out.append(Text(kit.mobile, "plan.fallback.mobile", text, markup=markup, leading=1.13,
                                space_before=0.35).flowable(fonts, scale))
            if kit.reset_url and "reset" not in dropped:
                markup = rich(fonts, [(_("Forgotten password") + ": ", True), (unbroken(kit.reset_url), False)],
                              "plan.password_reset.url")
                out.append(Text(kit.reset_url, "plan.password_reset.url", text, markup=markup, leading=1.13,
                                space_before=0.35).flowable(fonts, scale))
            if steps < len(kit.steps) or any(_present(kit, d) for d in dropped):
                out.append(Text(_("More in the plan."), "label", text, bold=True, leading=1.13,
                                space_before=0.35).flowable(fonts, scale))
            return out
        return body

    steps, dropped = len(kit.steps), ()
    for n in range(len(BACK_DROPPABLE) + 1):
        dropped = BACK_DROPPABLE[:n]
        if _fits(body_with(steps, dropped), inner_w, room):
            break
    else:
        steps = _most_that_fit(lambda k: _fits(body_with(k, dropped), inner_w, room), len(kit.steps) - 1)
        if steps == 0:
            steps = len(kit.steps)  # not even one step: let `fit` name the field that does not fit
    flow, _scale = fit(body_with(steps, dropped), inner_w, room, what="back of the card")
    named = {"reset": "the forgotten-password route", "mobile": "what to do when the network is down"}
    left = [named[d] for d in dropped if _present(kit, d)]
    left_out = [f"leaves out, to make room: {', '.join(left)}"] if left else []
    if steps < len(kit.steps):
        left_out.append(f"shows {steps} of the plan's {len(kit.steps)} steps")

    def draw(c: Canvas) -> None:
        draw_stack(c, flow, p, CARD_HEIGHT - p, inner_w)
        c.setStrokeColor(HexColor(ink))
        c.setLineWidth(0.5)
        c.line(p, rule_y, CARD_WIDTH - p, rule_y)
        c.setFillColor(HexColor(ink))
        c.setFont(fonts.bold, foot_size)
        for i, name in enumerate(names):  # top line first, as it reads
            c.drawString(p, p + foot_size * 0.25 + (len(names) - 1 - i) * line_h, name)
        c.setFont(fonts.regular, foot_size)
        c.drawRightString(CARD_WIDTH - p, p + foot_size * 0.25, version)
    return draw, left_out


def _present(kit: Kit, key: str) -> bool:
    return bool(kit.reset_url if key == "reset" else kit.mobile)


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

