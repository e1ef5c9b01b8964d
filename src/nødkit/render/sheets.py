"""Blank registration sheets, filled in by pen while the record system is down.

Page anatomy, top to bottom (all numbers from the sheet's layout file, see layout/sheets.py):
  band     – "NEDBRUD – PAPIR", the sheet's title and its one-line instruction, white on black
  fields   – unit (printed), date, sheet no., "side __ af __"; then the kind's own fields
  table    – column heading, then as many whole rows as fit, ruled; row numbers on the left
             and the back-entry column on the right ("Indført i Nexus: dato / init.")
             (a form sheet has large ruled boxes instead)
  footer   – the kind's footer fields and the back-entry instruction; bottom right the QR
             code to the system in the browser, for whoever enters the rows afterwards

One page per PDF: how many copies a unit prints is the print pack's business, so a sheet's
PDF stays the same however many a unit asks for.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..errors import RenderError
from ..layout.sheets import (
    CAPTION_WIDTH,
    CHECKBOX,
    CHOICE_GAP,
    LEADING,
    MIN_LABEL_PT,
    MIN_QR_MODULE,
    PAD,
    SMALL_PT,
    SheetField,
    SheetLayout,
    choices_width,
    footer_lines,
    geometry,
    header_lines,
    standard_line,
    label_fits,
    label_lines,
    table_columns,
)
from ..resolve import Kit
from .base import Drawn, FontSet, break_address, checked, draw_qr, new_canvas, watermark, widest_version
from .stamp import Recording, drawn_once, record, replay

_VERSION = object()  # the footer's line for the kit version: its words are the unit's, drawn on top
RULE = 0.6  # row rules: dark enough to guide a pen on a poor printer, thin enough to write over
FRAME = 1.2
HEADING_FILL = "#E4E4E4"  # black text on it stays far above 7:1
ZEBRA_FILL = "#F1F1F1"  # every other row, so the eye keeps its row across a landscape page
GUIDE = "#8C8C8C"  # writing lines in a form's boxes and the date|initials divider
FIELD_PT = MIN_LABEL_PT  # captions of the boxes to write in: small, so the box is for the pen
BLANK = 13 * mm  # a "__" to write a number on


class _Words:
    """Labels of the layout in the kit's language, with {system} filled in."""

    def __init__(self, kit: Kit):
        self.kit = kit

    def __call__(self, label: dict[str, str] | None, field: str) -> str:
        if label is None:
            return ""
        if self.kit.lang not in label:  # `check` reports it with file:line first; this is the backstop
            raise RenderError(f"no label in language '{self.kit.lang}'", field=field)
        return label[self.kit.lang].replace("{system}", self.kit.system)


def render_sheet(kit: Kit, layout: SheetLayout, fonts: FontSet) -> Drawn:
    """Every unit of a plan has this sheet but for its name and kit version: the rest of the
    page is drawn once per worker (from the kit without a unit, render/stamp.py) and replayed
    on each unit's canvas, which then draws the unit's words in the places it left for them.
    The shared page is also every unit's thumbnail (the unit's words are a few pixels there)."""
    _ = kit._
    say = _Words(kit)
    title = say(layout.title, "title")
    back = drawn_once(kit, ("render_sheet", repr(layout), fonts), lambda plan: _background(plan, layout, fonts))
    buf = io.BytesIO()
    c = new_canvas(buf, geometry(layout).page, fonts, title=f"{title} – {kit.unit_name}",
                   author=kit.organisation, subject=_("Registration sheet"), lang=kit.lang)
    if back.recording is not None:
        replay(c, back.recording)
    for n, slot in enumerate(back.slots):
        if back.error and back.error[2] == n:
            break  # the unit's words before the place the shared page failed are checked first, as drawn
        if slot[0] == "unit":
            _kind, x, top, w, h, caption = slot
            _value(c, fonts, x, top, w, h, caption, kit.unit_short_name, "unit.name")
        else:
            _kind, x, y = slot
            version = _("Kit version {version}").format(version=kit.kit_version)
            text = checked(version, fonts.regular, "label")
            if stringWidth(_reserved(kit, fonts), fonts.regular, SMALL_PT) > CAPTION_WIDTH:
                raise RenderError(f"'{text}' is wider than the {CAPTION_WIDTH / mm:.0f} mm beside the QR code; "
                                  f"shorten it", field="label")
            c.setFont(fonts.regular, SMALL_PT)
            c.setFillColor(black)
            c.drawString(x, y, text)
    if back.error:
        message, field, _passed = back.error
        raise RenderError(message, field=field)
    c.showPage()
    c.save()
    return Drawn(buf.getvalue(), back.notes, back.pdf)


@dataclass(frozen=True)
class _Background:
    """The page without the unit's words, and where they go.

    `slots` come in the order the page is drawn; a background that could not be drawn keeps
    its error and how many slots it had passed, so that the unit's own words are checked (and
    fail) first where they came first on the page: the errors stay those of one drawing."""

    pdf: bytes | None
    recording: Recording | None
    notes: tuple[str, ...]
    slots: tuple[tuple, ...]  # ("unit", x, top, w, h, caption) | ("version", x, y)
    error: tuple[str, str, int] | None = None  # message, field, slots passed


def _background(plan: Kit, layout: SheetLayout, fonts: FontSet) -> _Background:
    slots: list[tuple] = []
    try:
        pdf, recording, notes = _draw(plan, layout, fonts, slots)
    except RenderError as exc:
        return _Background(None, None, (), tuple(slots), (exc.args[0], exc.field, len(slots)))
    return _Background(pdf, recording, tuple(notes), tuple(slots))


def _reserved(kit: Kit, fonts: FontSet) -> str:
    """The kit version line as wide as any version can make it: the room the footer keeps for it."""
    return kit._("Kit version {version}").format(version=widest_version(fonts.regular))


def _draw(kit: Kit, layout: SheetLayout, fonts: FontSet, slots: list[tuple]) -> tuple[bytes, Recording, list[str]]:
    """The sheet without its unit's words (`kit` has none); their places go into `slots`."""
    _ = kit._
    say = _Words(kit)
    g = geometry(layout)
    W, H = g.page
    title = say(layout.title, "title")
    buf = io.BytesIO()
    c = new_canvas(buf, (W, H), fonts, title=title, author=kit.organisation,
                   subject=_("Registration sheet"), lang=kit.lang)
    c.setStrokeColor(black)
    c.setFillColor(black)

    _band(c, layout, g, fonts, _("OUTAGE – PAPER"), title, say(layout.note, "note"))

    # the line every sheet has: which unit, which day, which sheet of how many
    top, _bottom = g.field_lines[0]
    x = g.left
    for item, w in standard_line(layout):
        if item == "page":
            _page_of(c, fonts, _("Page {page} of {pages}"), x, top, w, layout.field_height)
        elif item == "unit":
            _field(c, fonts, x, top, w, layout.field_height, _("Unit"))
            slots.append(("unit", x, top, w, layout.field_height, _("Unit")))
        elif item == "date":
            _field(c, fonts, x, top, w, layout.field_height, _("Date"))
        elif item == "sheet":
            _field(c, fonts, x, top, w, layout.field_height, _("Sheet no."))
        else:
            _layout_field(c, fonts, say, layout.header[item], f"header[{item}]", x, top, w, layout.field_height)
        x += w

    for n, line in enumerate(header_lines(layout), start=1):
        top, _bottom = g.field_lines[n]
        x = g.left
        for i, w in line:
            _layout_field(c, fonts, say, layout.header[i], f"header[{i}]", x, top, w, layout.field_height)
            x += w

    if layout.type == "rows":
        _table(c, layout, g, fonts, say, [_("Entered in {system}: date / init.").format(system=kit.system),
                                          _("Entered: date / init.")], _("No."))
    else:
        _boxes(c, layout, g, fonts, say)

    notes = _footer(c, layout, g, fonts, kit, say, slots)

    if kit.example:
        watermark(c, _("EXAMPLE – not for use"), fonts, (W, H), "#9A9A9A")
    recording = record(c)
    c.showPage()
    c.save()
    return buf.getvalue(), recording, notes


# --- band ------------------------------------------------------------------------------

def _band(c: Canvas, layout: SheetLayout, g, fonts: FontSet, outage: str, title: str, note: str) -> None:
    h = layout.band_height
    c.setFillColor(black)
    c.rect(g.left, g.band_bottom, g.right - g.left, h, stroke=0, fill=1)
    inner = g.right - g.left - 6 * mm
    outage = checked(outage, fonts.bold, "label")
    title = checked(title, fonts.bold, "title")
    size = layout.title_size
    sep = 9 * mm  # room for the bar between "OUTAGE – PAPER" and the title

    def heading_width(s: float) -> float:
        return stringWidth(outage, fonts.bold, s) + sep + stringWidth(title, fonts.bold, s)
    while size > 12 and heading_width(size) > inner * 0.62:
        size -= 0.5
    if heading_width(size) > inner:
        raise RenderError("the sheet's title is too long for the top band at 12pt; shorten it", field="title")
    base = g.band_bottom + h / 2 - size * 0.36
    x = g.left + 3 * mm
    c.setFillColor(white)
    c.setFont(fonts.bold, size)
    c.drawString(x, base, outage)
    x += stringWidth(outage, fonts.bold, size) + sep / 2
    c.setStrokeColor(white)
    c.setLineWidth(1.5)
    c.line(x, g.band_bottom + 2 * mm, x, g.band_bottom + h - 2 * mm)
    x += sep / 2
    c.drawString(x, base, title)
    x += stringWidth(title, fonts.bold, size) + 6 * mm
    if note:
        width = g.right - 3 * mm - x
        note = checked(note, fonts.regular, "note")
        size = 9.0
        while True:
            lines = label_lines(note, fonts.regular, size, width)
            if len(lines) * size * LEADING <= h - 2 * mm and width > 20 * mm:
                break
            if size <= MIN_LABEL_PT:
                raise RenderError("the note is too long for the top band at 8pt; shorten it", field="note")
            size -= 0.5
        y = g.band_bottom + h / 2 + (len(lines) * size * LEADING) / 2 - size
        c.setFont(fonts.regular, size)
        for line in lines:
            c.drawString(x, y, line)
            y -= size * LEADING
    c.setFillColor(black)
    c.setStrokeColor(black)


# --- boxes to write in -----------------------------------------------------------------

def _frame(c: Canvas, x: float, top: float, w: float, h: float, width: float = 0.8) -> None:
    c.setStrokeColor(black)
    c.setLineWidth(width)
    c.rect(x, top - h, w, h, stroke=1, fill=0)


def _caption(c: Canvas, fonts: FontSet, text: str, x: float, top: float, w: float, field: str) -> None:
    text = checked(text, fonts.regular, field)
    if stringWidth(text, fonts.regular, FIELD_PT) > w - 2 * PAD:
        raise RenderError(f"the caption '{text}' is wider than its {w / mm:.0f} mm box at 8pt; shorten it or "
                          f"widen the box", field=field)
    c.setFillColor(black)
    c.setFont(fonts.regular, FIELD_PT)
    c.drawString(x + PAD, top - PAD - FIELD_PT * 0.78, text)


def _field(c: Canvas, fonts: FontSet, x: float, top: float, w: float, h: float, label: str) -> None:
    _frame(c, x, top, w, h)
    _caption(c, fonts, label, x, top, w, "label")


def _value(c: Canvas, fonts: FontSet, x: float, top: float, w: float, h: float, label: str, value: str,
           field: str) -> None:
    """A value printed, not written, in the field `_field` drew with `label`: the unit's name."""
    if value:
        value = checked(value, fonts.bold, field)
        caption_w = stringWidth(checked(label, fonts.regular, "label"), fonts.regular, FIELD_PT) + 2 * mm
        first, second, size = _value_lines(value, fonts.bold, w - 2 * PAD, caption_w, field)
        c.setFont(fonts.bold, size)
        if second:  # the first part on the caption's line, after the caption
            c.drawString(x + PAD + caption_w, top - PAD - FIELD_PT * 0.78, first)
            c.drawString(x + PAD, top - h + PAD + 0.5 * mm, second)
        else:
            c.drawString(x + PAD, top - h + PAD + 0.5 * mm, first)


def _value_lines(value: str, font: str, width: float, caption_w: float, field: str) -> tuple[str, str, float]:
    """A printed value in its box: on one line under the caption at 12pt down to 8pt; else in two
    parts, broken between words, the first after the caption on its line; else an error that
    says to give a shorter form (the unit's short_name)."""
    for size in [12.0 - 0.5 * i for i in range(9)]:
        if stringWidth(value, font, size) <= width:
            return value, "", size
    words = value.split()
    for size in [10.0 - 0.5 * i for i in range(5)]:
        n = 0
        while n < len(words) and stringWidth(" ".join(words[:n + 1]), font, size) <= width - caption_w:
            n += 1
        rest = " ".join(words[n:])
        if n and stringWidth(rest, font, size) <= width:
            return " ".join(words[:n]), rest, size
    room = int(len(value) * (2 * width - caption_w) / max(stringWidth(value, font, MIN_LABEL_PT), 1))
    raise RenderError(f"the unit's name does not fit its {width / mm:.0f} mm box on the sheet in two lines at 8pt; "
                      f"give the unit a `short_name` (at most about {room} characters)", field=field)


def _layout_field(c: Canvas, fonts: FontSet, say, spec: SheetField, field: str, x: float, top: float,
                  w: float, h: float) -> None:
    _frame(c, x, top, w, h)
    _caption(c, fonts, say(spec.label, f"{field}.label"), x, top, w, f"{field}.label")
    if spec.kind == "checkbox":
        texts = [say(ch, f"{field}.choices[{j}]") for j, ch in enumerate(spec.choices)]
        size = FIELD_PT + 1
        box_y = top - h + PAD + 0.3 * mm
        if texts:
            _choices(c, fonts, texts, x + PAD, box_y, size, f"{field}.choices")
        else:
            _checkbox(c, x + PAD, box_y)


def _page_of(c: Canvas, fonts: FontSet, template: str, x: float, top: float, w: float, h: float) -> None:
    """'Side __ af __' with real blanks: the numbers are written once the last sheet is known."""
    _frame(c, x, top, w, h)
    parts = re.split(r"(\{page\}|\{pages\})", template)
    blanks = sum(1 for p in parts if p.startswith("{"))
    size, blank = 10.0, BLANK

    def width() -> float:
        return sum(stringWidth(p, fonts.regular, size) for p in parts if not p.startswith("{")) + blank * blanks
    while width() > w - 2 * PAD and (size > 9 or blank > 10 * mm):
        size, blank = max(size - 0.5, 9.0), max(blank - 0.5 * mm, 10 * mm)
    if width() > w - 2 * PAD:
        raise RenderError("'Page __ of __' does not fit its box", field="label")
    text_w = width()
    cx = x + (w - text_w) / 2
    base = top - h + PAD + 1 * mm
    c.setFont(fonts.regular, size)
    c.setLineWidth(0.6)
    for part in parts:
        if part.startswith("{"):
            c.line(cx + 1 * mm, base - 1, cx + blank - 1 * mm, base - 1)
            cx += blank
        elif part:
            c.drawString(cx, base, checked(part, fonts.regular, "label"))
            cx += stringWidth(part, fonts.regular, size)


def _checkbox(c: Canvas, x: float, y: float, side: float = CHECKBOX) -> None:
    """A vector check box (the default font has no ☐), white inside even on a shaded row."""
    c.saveState()
    c.setFillColor(white)
    c.setStrokeColor(black)
    c.setLineWidth(0.8)
    c.rect(x, y, side, side, stroke=1, fill=1)
    c.restoreState()


def _choices(c: Canvas, fonts: FontSet, texts: list[str], x: float, y: float, size: float, field: str) -> float:
    """Box, word, box, word …; returns the width used."""
    start = x
    c.setFont(fonts.regular, size)
    for j, text in enumerate(texts):
        _checkbox(c, x, y)
        x += CHECKBOX + 1 * mm
        c.setFillColor(black)
        c.drawString(x, y + CHECKBOX / 2 - size * 0.36, checked(text, fonts.regular, f"{field}[{j}]"))
        x += stringWidth(text, fonts.regular, size) + CHOICE_GAP
    return x - CHOICE_GAP - start


# --- the table -------------------------------------------------------------------------

def _table(c: Canvas, layout: SheetLayout, g, fonts: FontSet, say, back_entry: list[str], number: str) -> None:
    """`back_entry`: the back-entry column's heading, then a shorter one for a system with a long name."""
    columns = table_columns(layout)
    labels, fields = [], []
    for col in columns:
        if col.role == "row-number":
            labels.append(number)
            fields.append("label")
        elif col.role == "back-entry":
            fitting = [t for t in back_entry if label_fits(t, fonts.bold, MIN_LABEL_PT, col.width,
                                                           layout.column_header_height)]
            labels.append((fitting or back_entry)[0])
            fields.append("label")
        else:
            labels.append(say(layout.columns[col.source].label, f"columns[{col.source}].label"))
            fields.append(f"columns[{col.source}].label")
    labels = [checked(t, fonts.bold, f) for t, f in zip(labels, fields)]

    head_h = layout.column_header_height
    size = _label_size(layout, columns, labels, fields, fonts, head_h)
    xs = [g.left]
    for col in columns:
        xs.append(xs[-1] + col.width)
    rh = layout.row_height
    bottom = g.rows_top - g.rows * rh

    c.setFillColor(HexColor(HEADING_FILL))
    c.rect(g.left, g.rows_top, g.right - g.left, head_h, stroke=0, fill=1)
    c.setFillColor(HexColor(ZEBRA_FILL))
    for i in range(1, g.rows, 2):
        c.rect(g.left, g.rows_top - (i + 1) * rh, g.right - g.left, rh, stroke=0, fill=1)

    c.setFillColor(black)
    c.setFont(fonts.bold, size)
    for k, (col, text) in enumerate(zip(columns, labels)):
        lines = label_lines(text, fonts.bold, size, col.width - 2 * PAD)
        y = g.rows_top + head_h / 2 + len(lines) * size * LEADING / 2 - size * 0.85
        for line in lines:
            c.drawCentredString(xs[k] + col.width / 2, y, line)
            y -= size * LEADING

    for i in range(g.rows):
        top = g.rows_top - i * rh
        for k, col in enumerate(columns):
            _cell(c, fonts, layout, say, col, xs[k], top, rh, i)

    # rules last, over the shading; one line per row so a reader (and a test) can count them
    c.setStrokeColor(black)
    c.setLineWidth(RULE)
    for i in range(1, g.rows):
        y = g.rows_top - i * rh
        c.line(g.left, y, g.right, y)
    for x in xs[1:-1]:
        c.line(x, bottom, x, g.table_top)
    c.setLineWidth(FRAME)
    c.line(g.left, g.rows_top, g.right, g.rows_top)
    c.rect(g.left, bottom, g.right - g.left, g.table_top - bottom, stroke=1, fill=0)


def _label_size(layout, columns, labels, fields, fonts: FontSet, head_h: float) -> float:
    """One size for the whole heading: the largest at which every label fits, never under 8 pt."""
    size = layout.label_size
    while size >= MIN_LABEL_PT:
        if all(label_fits(t, fonts.bold, size, col.width, head_h) for t, col in zip(labels, columns)):
            return size
        size -= 0.5
    bad = next(k for k, (t, col) in enumerate(zip(labels, columns))
               if not label_fits(t, fonts.bold, MIN_LABEL_PT, col.width, head_h))
    raise RenderError(f"the column label '{labels[bad]}' does not fit its {columns[bad].width / mm:.0f} mm wide "
                      f"heading at 8pt; shorten it, widen the column or raise column_header_height",
                      field=fields[bad])


def _cell(c: Canvas, fonts: FontSet, layout: SheetLayout, say, col, x: float, top: float, h: float, row: int) -> None:
    if col.role == "row-number":
        c.setFillColor(black)
        c.setFont(fonts.regular, MIN_LABEL_PT)
        c.drawCentredString(x + col.width / 2, top - h / 2 - MIN_LABEL_PT * 0.36, str(row + 1))
    elif col.kind == "checkbox":
        spec = layout.columns[col.source]
        field = f"columns[{col.source}].choices"
        y = top - h / 2 - CHECKBOX / 2
        if spec.choices:
            texts = [say(ch, f"{field}[{j}]") for j, ch in enumerate(spec.choices)]
            used = choices_width(texts, fonts.regular, MIN_LABEL_PT)
            _choices(c, fonts, texts, x + (col.width - used) / 2, y, MIN_LABEL_PT, field)
        else:
            _checkbox(c, x + (col.width - CHECKBOX) / 2, y)
    elif col.kind == "entered":
        # date | initials: a faint divider so both get written, and in the same place every row
        c.setStrokeColor(HexColor(GUIDE))
        c.setLineWidth(0.35)
        c.line(x + col.width * 0.6, top - 1 * mm, x + col.width * 0.6, top - h + 1 * mm)
        c.setStrokeColor(black)


# --- a form's boxes --------------------------------------------------------------------

def _boxes(c: Canvas, layout: SheetLayout, g, fonts: FontSet, say) -> None:
    room = g.table_top - g.rows_floor - layout.gap * (len(layout.boxes) - 1)
    total = sum(b.height for b in layout.boxes)
    top = g.table_top
    size = layout.label_size
    strip = size * LEADING + 2 * PAD
    for i, box in enumerate(layout.boxes):
        h = room * box.height / total
        label = checked(say(box.label, f"boxes[{i}].label"), fonts.bold, f"boxes[{i}].label")
        c.setFillColor(HexColor(HEADING_FILL))
        c.rect(g.left, top - strip, g.right - g.left, strip, stroke=0, fill=1)
        c.setFillColor(black)
        c.setFont(fonts.bold, size)
        c.drawString(g.left + PAD, top - PAD - size * 0.85, label)
        c.setStrokeColor(HexColor(GUIDE))
        c.setLineWidth(0.5)
        y = top - strip - layout.row_height
        while y > top - h + 2 * mm:
            c.line(g.left + 3 * mm, y, g.right - 3 * mm, y)
            y -= layout.row_height
        c.setStrokeColor(black)
        c.setLineWidth(0.8)
        c.line(g.left, top - strip, g.right, top - strip)
        _frame(c, g.left, top, g.right - g.left, h, FRAME)
        top -= h + layout.gap


# --- footer ----------------------------------------------------------------------------

def _footer(c: Canvas, layout: SheetLayout, g, fonts: FontSet, kit: Kit, say, slots: list[tuple]) -> list[str]:
    """The footer, but for the kit version, whose place goes into `slots`; returns notes of what it
    had to leave out."""
    _ = kit._
    m = layout.margin
    qr = layout.qr_size
    qr_x = g.right - qr
    # beside the QR code: what it is for, the address in letters, the kit version. Without a
    # fallback address, only the kit version, bottom right.
    lines: list[tuple[object, str, str]] = []  # text (or _VERSION), font, field
    if kit.fallback_url:
        module = draw_qr(c, kit.fallback_url, qr_x, m, qr)
        if module < MIN_QR_MODULE - 1e-6:
            raise RenderError(f"the fallback URL needs a QR code larger than {qr / mm:.0f} mm for modules of at "
                              f"least 0.4 mm; raise qr_size in the sheet's layout", field="plan.fallback.url")
        address = _break_url(checked(kit.fallback_url, fonts.regular, "plan.fallback.url"), fonts.regular)
        browser = checked(_("{system} in the browser").format(system=kit.system), fonts.bold, "plan.system")
        lines = [(_("For entering afterwards:"), fonts.regular, "label")]
        lines += [(part, fonts.bold, "plan.system") for part in simpleSplit(browser, fonts.bold, SMALL_PT, CAPTION_WIDTH)]
        lines += [(part, fonts.regular, "plan.fallback.url") for part in address]
        cap_x = qr_x - layout.gap - CAPTION_WIDTH
    else:
        cap_x = g.right - CAPTION_WIDTH
    lines.append((_VERSION, fonts.regular, "label"))
    step = SMALL_PT * LEADING
    room = max(qr, 2 * step) if kit.fallback_url else step
    notes: list[str] = []
    if len(lines) * step > room:
        lines = lines[1:]  # "For entering afterwards:" gives way to a long address
    if len(lines) * step > room:
        # an address this long is scanned, not typed: the QR code holds it, the plan prints it
        lines = [line for line in lines if line[2] == "plan.system"]
        lines += [(_("The address is in the plan."), fonts.regular, "label"), (_VERSION, fonts.regular, "label")]
        notes.append("the registration sheets leave out the fallback address in letters (too long for the "
                     "room beside the QR code); the QR code holds it and the plan prints it")
    y = m + room - SMALL_PT * 0.85  # top-aligned with the QR code
    for text, font, field in lines:
        if text is _VERSION:  # the unit's: drawn over the background (see _overlay)
            slots.append(("version", cap_x, y))
            y -= step
            continue
        text = checked(text, font, field)
        if stringWidth(text, font, SMALL_PT) > CAPTION_WIDTH:
            raise RenderError(f"'{text}' is wider than the {CAPTION_WIDTH / mm:.0f} mm beside the QR code; "
                              f"shorten it", field=field)
        c.setFont(font, SMALL_PT)
        c.setFillColor(black)
        c.drawString(cap_x, y, text)
        y -= step

    # the kind's footer fields (and a form's back-entry box), then the instruction under them
    top = g.footer_top
    for line in footer_lines(layout):
        x = g.left
        for i, w in line:
            if i is None:
                entered = _("Entered in {system}: date / init.").format(system=kit.system)
                if stringWidth(entered, fonts.regular, FIELD_PT) > w - 2 * PAD:  # a long system name
                    entered = _("Entered: date / init.")
                _field(c, fonts, x, top, w, layout.field_height, entered)
            else:
                _layout_field(c, fonts, say, layout.footer[i], f"footer[{i}]", x, top, w, layout.field_height)
            x += w
        top -= layout.field_height

    # the instruction under the fields; a system with a long name gets the shorter wording
    texts = [_("When {system} works again: enter every row in {system}, then write the date and your initials "
               "in the “Entered” column. Give the sheet to the leader."),
             _("When {system} works again: enter every row, then the date and your initials under “Entered”. "
               "Give the sheet to the leader.")] if layout.type == "rows" else \
        [_("When {system} works again: enter what concerns a citizen in {system} and fill in “Entered”. "
           "Give the sheet to the leader."),
         _("When {system} works again: enter what concerns a citizen and fill in “Entered”. Give the sheet to "
           "the leader.")]
    width = cap_x - layout.gap - g.left
    for text in texts:
        wrapped = label_lines(checked(text.format(system=kit.system), fonts.regular, "label"), fonts.regular,
                              SMALL_PT, width)
        if m + len(wrapped) * step <= top - 1 * mm:
            break
    else:
        raise RenderError("the back-entry instruction does not fit under the footer fields; raise footer_height "
                          "(or the system's name is very long)", field="footer_height")
    y = m + (len(wrapped) - 1) * step + 1
    c.setFont(fonts.regular, SMALL_PT)
    for line in wrapped:
        c.drawString(g.left, y, line)
        y -= step
    return notes


def _break_url(url: str, font: str) -> list[str]:
    """The address in lines that fit beside the QR code, broken after '/' or before '.' and never
    inside a word; a piece that cannot be broken small enough is an error naming the field."""
    lines = break_address(url, font, SMALL_PT, CAPTION_WIDTH)
    if any(stringWidth(line, font, SMALL_PT) > CAPTION_WIDTH for line in lines):
        raise RenderError(f"the fallback URL has a part with no '/' or '.' to break at that is wider than the "
                          f"{CAPTION_WIDTH / mm:.0f} mm beside the QR code of the sheets", field="plan.fallback.url")
    return lines
