"""Drawing primitives shared by every document: fonts, checked text, fitting, QR, marks.

Rules enforced here, once, for all renderers:
- fonts are TrueType files, embedded and subset; the canvas starts in our font, so no
  unembedded standard font (Helvetica) is ever referenced;
- every string is NFC-normalised and each character checked against the font that will
  draw it (reportlab would silently draw a box);
- content text is escaped before it reaches Paragraph markup;
- text shrinks within its size range to fit its box, and fails naming the field if it
  cannot: never clipped silently;
- PDFs are deterministic (invariant=1) and ask viewers not to scale when printing.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import Callable, Sequence
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from ..errors import RenderError
from .fonts import FontSet, checked, font_label, glyph_list, missing_glyphs, register_fonts  # noqa: F401 (re-exported)


def new_canvas(buf: io.BytesIO, pagesize: tuple[float, float], fonts: FontSet, *, title: str,
               author: str, subject: str, lang: str) -> Canvas:
    c = Canvas(buf, pagesize=pagesize, invariant=1, pageCompression=1,
               initialFontName=fonts.regular, initialFontSize=10, lang=lang)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(subject)
    c.setCreator("nødkit")
    c.setProducer("nødkit (reportlab)")
    c.setViewerPreference("PrintScaling", "None")
    c.setViewerPreference("DisplayDocTitle", "true")
    return c


def colour(value: str):
    return HexColor(value)


# --- text that fits -------------------------------------------------------------------

@dataclass(frozen=True)
class Size:
    max: float
    min: float

    def at(self, scale: float) -> float:
        return round(self.min + (self.max - self.min) * scale, 2)


class Text:
    """A piece of text for a box: what it says, which field it is, how it is styled."""

    def __init__(self, text: str, field: str, size: Size, *, bold: bool = False, colour: str = "#000000",
                 space_before: float = 0, space_after: float = 0, leading: float = 1.18,
                 bullet: str | None = None, indent: float = 0, markup: str | None = None,
                 align: int = 0):
        self.text, self.field, self.size, self.bold = text, field, size, bold
        self.colour, self.space_before, self.space_after = colour, space_before, space_after
        self.leading, self.bullet, self.indent, self.markup, self.align = leading, bullet, indent, markup, align

    def flowable(self, fonts: FontSet, scale: float) -> Paragraph:
        font = fonts.bold if self.bold else fonts.regular
        size = self.size.at(scale)
        body = self.markup if self.markup is not None else escape(checked(self.text, font, self.field))
        style = ParagraphStyle(
            name=self.field, fontName=font, fontSize=size, leading=size * self.leading,
            textColor=_colour(self.colour), spaceBefore=self.space_before * size,
            spaceAfter=self.space_after * size, leftIndent=self.indent * size if self.bullet else 0,
            bulletIndent=0, bulletFontName=fonts.bold, bulletFontSize=size, alignment=self.align,
            splitLongWords=1, allowWidows=0,
        )
        bullet = escape(self.bullet) if self.bullet else None
        para = paragraph(body, style, bullet)
        para.nk_field = self.field  # type: ignore[attr-defined]
        return para


def paragraph(markup: str, style: ParagraphStyle, bulletText: str | None = None) -> Paragraph:
    """A reportlab Paragraph, made from markup parsed once per text, font and colour (see
    `_parsed`), that remembers its last wrap. Every renderer makes its paragraphs here."""
    frags = _parsed(markup, style.fontName, style.textColor)
    return _Paragraph(markup, style, bulletText=bulletText, frags=[f.clone(fontSize=style.fontSize) for f in frags])


class _Paragraph(Paragraph):
    """A Paragraph that remembers its last wrap: measuring a box and then drawing it wrap the
    same paragraph at the same width, and wrapping (line breaking) is most of drawing text."""

    def wrap(self, availWidth, availHeight):
        if getattr(self, "_nk_wrap", (None,))[0] != (availWidth, availHeight):
            self._nk_wrap = ((availWidth, availHeight), super().wrap(availWidth, availHeight))
        return self._nk_wrap[1]


# Fitting tries a text at up to ten sizes. Parsing its markup is the same each time and cost
# half of a poster's drawing time, so it is parsed once (at any size) and each trial gets
# the fragments at its own size.
@functools.lru_cache(maxsize=8192)
def _parsed(body: str, font: str, colour) -> tuple:
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    style = ParagraphStyle(name="parse", fontName=font, fontSize=10, textColor=colour)
    _style, frags, bullet_frags = ParaParser().parse(cleanBlockQuotedText(body), style)
    if frags is None:
        raise ValueError(f"markup that reportlab cannot parse: {body[:60]!r}")  # ours, not content's: escaped
    assert not bullet_frags, "no <bullet> tags in nødkit's markup"
    return tuple(frags)


@functools.lru_cache(maxsize=64)
def _colour(hex_colour: str):
    return HexColor(hex_colour)


def unbroken(text: str) -> str:
    """Keep a phone number or a date on one line (no-break spaces)."""
    return text.replace(" ", "\u00a0")


def rich(fonts: FontSet, parts: Sequence[tuple[str, bool]], field: str) -> str:
    """Paragraph markup from (text, bold) pieces; every piece escaped and glyph-checked."""
    out = []
    for text, bold in parts:
        safe = escape(checked(text, fonts.bold if bold else fonts.regular, field))
        out.append(f"<b>{safe}</b>" if bold else safe)
    return "".join(out)


def stack_height(flowables: Sequence[Flowable], width: float) -> float:
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 10_000)
        total += h
        if i:
            total += f.getSpaceBefore()
        if i < len(flowables) - 1:
            total += f.getSpaceAfter()
    return total


STEPS = 64  # sizes are tried on a grid of 1/64 of the size range (0.2 pt on a 14–28 pt text)


def fit(build: Callable[[float], list[Flowable]], width: float, height: float, *, what: str) -> tuple[list[Flowable], float]:
    """The largest scale (0..1, min..max sizes) at which the flowables fit the box.

    Halving on a grid of 1/64: each trial builds and wraps every paragraph of the box, and a
    finer step is invisible on paper. (Aiming trials by the heights measured so far did not
    save trials: heights grow in steps, one line at a time.)"""
    smallest = build(0.0)
    if stack_height(smallest, width) > height + 0.01:
        raise RenderError(_too_long(smallest, width, height, what), field=_tallest(smallest, width))
    full = build(1.0)
    if stack_height(full, width) <= height:
        return full, 1.0
    lo, hi, best = 0, STEPS, smallest  # fits at lo, not at hi
    while hi - lo > 1:
        k = (lo + hi) // 2
        trial = build(k / STEPS)
        if stack_height(trial, width) <= height:
            lo, best = k, trial
        else:
            hi = k
    return best, lo / STEPS


def _tallest(flowables: Sequence[Flowable], width: float) -> str:
    tallest = max(flowables, key=lambda f: f.wrap(width, 10_000)[1])
    if isinstance(tallest, Boxed):  # name the longest text inside the box, not the box
        return _tallest(tallest.content, width - 2 * tallest.padding)
    return getattr(tallest, "nk_field", "?")


def _too_long(flowables, width, height, what) -> str:
    need = stack_height(flowables, width)
    return (f"too long to fit the {what} at the smallest allowed size "
            f"(needs {need / mm:.0f} mm, has {height / mm:.0f} mm); shorten this text")


def draw_stack(c: Canvas, flowables: Sequence[Flowable], x: float, top: float, width: float) -> float:
    """Draw flowables downwards from `top`; returns the y where they end."""
    y = top
    for i, f in enumerate(flowables):
        if i:
            y -= f.getSpaceBefore()
        _, h = f.wrap(width, 10_000)
        f.drawOn(c, x, y - h)
        y -= h
        if i < len(flowables) - 1:
            y -= f.getSpaceAfter()
    return y


# --- QR codes ---------------------------------------------------------------------------

QUIET_MODULES = 4
QR_MIN_MODULE = 0.4 * mm  # a phone camera reads a printed module this size or larger (DESIGN.md §4)


def qr_version(data: str) -> int | None:
    """The QR version (1-40) that holds `data` at error correction M, or None if none does."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(data)
    try:
        return qr.best_fit()
    except (ValueError, qrcode.exceptions.DataOverflowError):  # "Invalid version (was 41 ...)"
        return None


def qr_capacity(size: float) -> int:
    """The most bytes a QR code of `size` (quiet zone included) holds with readable modules."""
    from qrcode.util import BIT_LIMIT_TABLE
    version = min(40, int((size / QR_MIN_MODULE - 2 * QUIET_MODULES - 17) // 4))
    if version < 1:
        return 0
    bits = BIT_LIMIT_TABLE[ERROR_CORRECT_M][version]
    return (bits - 4 - (8 if version < 10 else 16)) // 8  # byte mode: a 4-bit mode and the length


@functools.lru_cache(maxsize=64)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    # cached: choosing the mask pattern is the slow part, and a kit draws one URL many times
    if qr_version(data) is None:  # `check` refuses such an address first (build.py, _qr_problems)
        raise RenderError(f"the address is {len(data.encode('utf-8')):,} bytes long; no QR code holds that much")
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(data)
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> float:
    """A vector QR code whose outer size, quiet zone included, is `size`; returns the module size."""
    matrix = qr_matrix(data)
    n = len(matrix)
    module = size / (n + 2 * QUIET_MODULES)
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    path = c.beginPath()
    for row, cells in enumerate(matrix):
        col = 0
        while col < n:
            if cells[col]:
                start = col
                while col < n and cells[col]:
                    col += 1
                px = x + (QUIET_MODULES + start) * module
                py = y + size - (QUIET_MODULES + row + 1) * module
                path.rect(px, py, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
    return module


# --- marks ---------------------------------------------------------------------------------

def watermark(c: Canvas, text: str, fonts: FontSet, page: tuple[float, float], colour_hex: str) -> None:
    """Diagonal "example" text across the page, drawn over everything but see-through."""
    w, h = page
    text = checked(text, fonts.bold, "watermark")
    c.saveState()
    c.translate(w / 2, h / 2)
    c.rotate(54.7 if h > w else 35)
    size = min(w, h) / 10
    while pdfmetrics.stringWidth(text, fonts.bold, size) > 0.7 * (w * w + h * h) ** 0.5 and size > 8:
        size *= 0.95
    c.setFont(fonts.bold, size)
    c.setFillColor(HexColor(colour_hex))
    c.setFillAlpha(0.35)
    c.drawCentredString(0, -size / 3, text)
    c.restoreState()


class Boxed(Flowable):
    """A framed group: a dark heading bar, then content, inside a rule border.

    The heading bar is black with white text and the box also has a text heading, so
    meaning never rests on colour (black-and-white office printers).
    """

    def __init__(self, heading: Paragraph | None, content: Sequence[Flowable], *, padding: float,
                 border: float, bar: str = "#000000", space_after: float = 0):
        super().__init__()
        self.heading, self.content = heading, list(content)
        self.padding, self.border, self.bar = padding, border, bar
        self.spaceAfter = space_after
        self.nk_field = getattr(content[0], "nk_field", "?") if content else "?"

    def wrap(self, avail_width, avail_height):
        inner = avail_width - 2 * self.padding
        self._w = avail_width
        self._hh = (self.heading.wrap(inner, 10_000)[1] + 2 * self.padding * 0.6) if self.heading else 0
        self._ch = stack_height(self.content, inner)
        self._h = self._hh + self._ch + 2 * self.padding
        return avail_width, self._h

    def draw(self):
        c = self.canv
        w, h, p = self._w, self._h, self.padding
        if self.heading:
            c.setFillColor(HexColor(self.bar))
            c.rect(0, h - self._hh, w, self._hh, stroke=0, fill=1)
            self.heading.drawOn(c, p, h - self._hh + p * 0.6)
        draw_stack(c, self.content, p, h - self._hh - p, w - 2 * p)
        c.setLineWidth(self.border)
        c.setStrokeColor(HexColor(self.bar))
        c.rect(self.border / 2, self.border / 2, w - self.border, h - self.border, stroke=1, fill=0)


class NumberRow(Flowable):
    """A label on the left, a big phone number right-aligned on the same row.

    The number never wraps. The label wraps beside it, but never inside a word: when a
    word of the label does not fit beside the number, the label takes the full width
    and the number goes on the line below it.
    """

    def __init__(self, label: Paragraph, number: str, font: str, size: float, field: str,
                 space_after: float = 0):
        super().__init__()
        self.label, self.number, self.font, self.size = label, number, font, size
        self.nk_field = field
        self.spaceAfter = space_after

    def _longest_word(self) -> float:
        style = self.label.style
        words = self.label.getPlainText().split()
        return max((pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for w in words), default=0)

    def wrap(self, avail_width, avail_height):
        self._nw = pdfmetrics.stringWidth(self.number, self.font, self.size)
        label_w = avail_width - self._nw - 3 * mm
        self._stacked = label_w < self._longest_word() + 1
        if self._stacked:
            self._lh = self.label.wrap(avail_width, 10_000)[1]
            self._h = self._lh + self.size * 1.1
        else:
            self._lh = self.label.wrap(label_w, 10_000)[1]
            self._h = max(self._lh, self.size * 1.1)
        self._w = avail_width
        return avail_width, self._h

    def draw(self):
        c = self.canv
        c.setFont(self.font, self.size)
        c.setFillColorRGB(0, 0, 0)
        if self._stacked:
            self.label.drawOn(c, 0, self._h - self._lh)
            c.drawRightString(self._w, self.size * 0.2, self.number)
        else:
            self.label.drawOn(c, 0, (self._h - self._lh) / 2)
            c.drawRightString(self._w, (self._h - self.size * 0.72) / 2, self.number)
