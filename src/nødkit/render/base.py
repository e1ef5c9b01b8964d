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

import contextlib
import functools
import io
import itertools
import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFResourceDictionary, xObjectName
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus import paragraph as _rl_paragraph

from ..errors import RenderError
from .fonts import FontSet, checked, font_label, glyph_list, missing_glyphs, register_fonts  # noqa: F401 (re-exported)
from .reuse import install as _reuse_repeated_work

_reuse_repeated_work()  # font subsets and compressed streams made once per process (reuse.py)


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


def named_list(names: Sequence[str], most: int = 5) -> str:
    """'A; B; C and 12 more' for a note: names hold commas, and a plan may have twenty."""
    shown = "; ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


@dataclass(frozen=True)
class Drawn:
    """What a renderer returns: the PDF, and what it had to leave out to fit (for `check` and the
    build's warnings), e.g. "shows 8 of the plan's 20 contacts; not shown: …"."""

    pdf: bytes
    notes: tuple[str, ...] = ()
    # the part of the first page every unit of the plan shares (render/stamp.py), if the page is
    # drawn so: its thumbnail stands for every unit's and is made once
    background: bytes | None = None


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
            # never inside a word: a word wider than its box does not fit at this size (see
            # `overflow`), so the text shrinks or the build says which word is too wide
            splitLongWords=0, allowWidows=0,
        )
        bullet = escape(self.bullet) if self.bullet else None
        para = paragraph(body, style, bullet)
        para.nk_field = self.field  # type: ignore[attr-defined]
        # what its style is made from, but the spacing around it (no part of its lines): a key
        # for its wrap that is cheaper than reading back every attribute of the style
        para._nk_key = (body, bullet, ("Text", font, size, self.leading, self.colour, self.indent if self.bullet else 0,
                                       fonts.bold, self.align))
        return para


def paragraph(markup: str, style: ParagraphStyle, bulletText: str | None = None) -> Paragraph:
    """A reportlab Paragraph, made from markup parsed once per text, font and colour (see
    `_parsed`), that remembers its last wrap. Every renderer makes its paragraphs here."""
    frags = _parsed(markup, style.fontName, style.textColor)
    # a web or e-mail address wider than a line breaks after a '/' or before a '.' or '@'
    # (see `_address_split_pairs`), and only then: never hyphenated, never inside a word
    style.uriWasteReduce = 1.0
    para = _Paragraph(markup, style, bulletText=bulletText, frags=[f.clone(fontSize=style.fontSize) for f in frags])
    para._nk_markup = markup
    return para


class _Paragraph(Paragraph):
    """A Paragraph that remembers its last wrap: measuring a box and then drawing it wrap the
    same paragraph at the same width, and wrapping (line breaking) is most of drawing text.
    It also measures how far its widest line runs past the width (`nk_overflow`): with
    words never split, a word wider than the box is a text that does not fit.

    What a wrap measures (size, overflow, number of lines) is also shared, through `_WRAPS`,
    with every paragraph of the same markup, bullet and style at the same width: fitting tries
    the plan's steps, contacts and sections again for every unit, and they measure the same every
    time. Only the measures go to `_WRAPS`: holding reportlab's lines for every measure made the
    garbage collector slower than the breaking it saved. A paragraph that is drawn gets its lines
    when it draws (`blPara`), from `_LINES`, which holds the lines of the paragraphs drawn (far
    fewer than measured): the plan's texts break once per worker, not once per unit. Drawing does
    not change the lines; reportlab's split may, so a paragraph breaks its own before splitting."""

    nk_overflow = 0.0
    nk_lines = 0  # lines at the last wrap
    _nk_markup: str | None = None  # set by `paragraph`; the halves of a split have none and are not shared
    _nk_wrap: tuple = ((None, None), (0, 0))
    _nk_key: tuple | None = None
    _nk_shared = False  # its lines are also another paragraph's (_LINES); its own fragments in _nk_frags

    def wrap(self, availWidth, availHeight):
        if self._nk_wrap[0] != (availWidth, availHeight):
            key = self._nk_wrap_key(availWidth)
            found = _WRAPS.get(key) if key is not None else None
            if found is None:
                size = self._break(availWidth, availHeight)
                if key is not None:
                    if len(_WRAPS) >= _MOST_WRAPS:
                        _WRAPS.clear()
                    _WRAPS[key] = (size, self.nk_overflow, self.nk_lines)
            else:
                size, self.nk_overflow, self.nk_lines = found
                self._unshare()
                for name in _WRAP_STATE:  # lines broken at another width: not these
                    self.__dict__.pop(name, None)
                self.width, self.height = size
            self._nk_wrap = ((availWidth, availHeight), size)
        return self._nk_wrap[1]

    def _break(self, availWidth, availHeight):
        self._unshare()
        size = Paragraph.wrap(self, availWidth, availHeight)
        self.nk_overflow = _overflow(self)
        self.nk_lines = len(getattr(self.blPara, "lines", None) or ())
        return size

    # reportlab's lines (`blPara`), asked for (to draw or split) after a wrap that took its
    # measures from `_WRAPS`, are broken then, at the width of that wrap
    @property
    def blPara(self):
        lines = self.__dict__.get("_nk_blPara")
        if lines is None:
            if self._nk_wrap[0][0] is None:
                raise AttributeError("blPara")  # never wrapped
            self._drawn_lines()
            lines = self.__dict__["_nk_blPara"]
        return lines

    @blPara.setter
    def blPara(self, lines):
        self.__dict__["_nk_blPara"] = lines

    @blPara.deleter
    def blPara(self):  # reportlab's split, when not even a line fits
        self.__dict__.pop("_nk_blPara", None)

    def _drawn_lines(self) -> None:
        """The lines at the last wrap's width: those of an earlier paragraph of the same key, or
        broken now (and kept for the next)."""
        width, height = self._nk_wrap[0]
        key = self._nk_wrap_key(width)
        shared = _LINES.get(key) if key is not None else None
        if shared is None:
            self._break(width, height)
            if key is not None:
                if len(_LINES) >= _MOST_LINES:
                    _LINES.clear()
                _LINES[key] = {name: self.__dict__[name] for name in _LINE_STATE if name in self.__dict__}
                self._nk_frags, self._nk_shared = self.frags, True
        else:
            self._nk_frags, self._nk_shared = self.frags, True
            self.__dict__.update(shared)

    def _unshare(self) -> None:
        """Back to its own fragments (breaking lines again may change them: not another's)."""
        if self._nk_shared:
            self.frags, self._nk_shared = self._nk_frags, False
            del self._nk_frags

    def split(self, availWidth, availHeight):
        # reportlab's split may change the fragments of the lines it splits: its own, then
        if (self._nk_shared or "_nk_blPara" not in self.__dict__) and self._nk_wrap[0][0] is not None:
            self._break(*self._nk_wrap[0])
        return super().split(availWidth, availHeight)

    def _nk_wrap_key(self, width: float) -> tuple | None:
        """Everything the line breaking depends on: the markup (the fragments are parsed from it
        in the style's font and colour, at its size), the bullet, every attribute of the style
        but its name and parent (whose attributes it holds already), and the width."""
        if self._nk_markup is None or width < 0.01:  # (reportlab does not wrap into no width at all)
            return None
        if self._nk_key is None:  # (a Text's paragraph has one from the start: see Text.flowable)
            style = (getattr(self, "autoLeading", None),
                     tuple(item for item in self.style.__dict__.items() if item[0] not in ("name", "parent")))
            try:
                number = _STYLES.get(style)
            except TypeError:  # a style value that cannot be a key (a list): not shared
                return None
            if number is None:
                if len(_STYLES) >= _MOST_STYLES:
                    _STYLES.clear()
                    _WRAPS.clear()
                number = _STYLES[style] = next(_STYLE_NUMBERS)
            self._nk_key = (self._nk_markup, self.bulletText, number)
        return (*self._nk_key, width)


# Measures of wraps by everything they depend on (see `_Paragraph`): markup, bullet, style (by
# its number in _STYLES, to keep the keys small) and width. Bounded: cleared when it grows past
# what the plans of a large build need. A style's number is never given to another style, also
# after clearing: a paragraph keeps the number it was given.
_WRAPS: dict[tuple, tuple] = {}
_MOST_WRAPS = 50_000
_STYLES: dict[tuple, int] = {}
_MOST_STYLES = 5_000
_STYLE_NUMBERS = itertools.count()
# what reportlab's wrap (and breakLines) leave on a Paragraph, which drawing and splitting read
_WRAP_STATE = ("_nk_blPara", "_wrapWidths", "_width_max", "_splitLongWordCount", "_hyphenations")
# Lines of drawn paragraphs by the key of their wrap (see `_Paragraph`). Bounded: a plan draws a
# few hundred paragraphs per language and layout.
_LINES: dict[tuple, dict] = {}
_MOST_LINES = 3_000
_LINE_STATE = (*_WRAP_STATE, "frags", "width", "height")


def _overflow(para: Paragraph) -> float:
    """How far a word wider than the width runs past it (reportlab puts it on a line of its
    own). Lines of several words may run a fraction of a point over: reportlab shrinks their
    spaces by up to 5 % to fit them, which is not an overflow."""
    if para.style.splitLongWords:
        return 0.0
    worst = 0.0
    for line in getattr(getattr(para, "blPara", None), "lines", None) or ():
        if isinstance(line, tuple):
            spare, words = line[0], len(line[1])
        else:
            spare, words = getattr(line, "extraSpace", 0), getattr(line, "wordCount", 1)
        if words <= 1:
            worst = max(worst, -spare)
    return worst


OVERFLOW = 0.01  # points


def line_count(para: Paragraph) -> int:
    """Lines of a wrapped paragraph (without breaking them again where the wrap was shared)."""
    if isinstance(para, _Paragraph):
        return para.nk_lines
    return len(getattr(getattr(para, "blPara", None), "lines", None) or ())


def overflow(flowables: Sequence[Flowable], width: float) -> float:
    """How far the widest line of these flowables runs past `width` (0: all fit across)."""
    worst = 0.0
    for f in flowables:
        f.wrap(width, 10_000)
        worst = max(worst, getattr(f, "nk_overflow", 0.0))
    return worst


# --- web and e-mail addresses ------------------------------------------------------------

_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)\S+$|^[^@\s/]+@[^@\s/]+\.[^@\s/]+$", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def address_breaks(text: str) -> list[int]:
    """Where a web or e-mail address may end a line: after a '/', before a '.' or '@', and before
    the '?', '&' and '#' of a query — never inside the scheme ("https://") or inside a word."""
    start = len(_SCHEME.match(text)[0]) if _SCHEME.match(text) else 1
    cuts = {i + 1 for i, ch in enumerate(text) if ch == "/" and i + 1 >= start}
    cuts |= {i for i, ch in enumerate(text) if ch in ".@?&#" and i >= start}
    return sorted(c for c in cuts if 0 < c < len(text))


def _address_split_pairs(word: str):
    """reportlab's URI splitting, for web and e-mail addresses at nødkit's break points."""
    if isinstance(word, bytes):
        word = word.decode("utf-8")
    if not _ADDRESS.match(word):
        return None
    return [(word[:i], word[i:]) for i in reversed(address_breaks(word))]


# reportlab splits a URI that is wider than a line at its slashes only, and an e-mail address
# not at all (then anywhere, with splitLongWords): nødkit's break points replace its own
_rl_paragraph._uri_split_pairs = _address_split_pairs


def break_address(text: str, font: str, size: float, width: float) -> list[str]:
    """An address in lines of at most `width`, broken only where `address_breaks` allows; a
    piece with no break point that is still too wide stays whole (the caller measures it)."""
    lines, rest = [], text
    while pdfmetrics.stringWidth(rest, font, size) > width:
        offset = len(text) - len(rest)
        cuts = [c - offset for c in address_breaks(text) if c > offset]
        fitting = [c for c in cuts if pdfmetrics.stringWidth(rest[:c], font, size) <= width]
        cut = max(fitting) if fitting else min(cuts, default=0)
        if not cut:
            break
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return lines


# --- text that changes from build to build -----------------------------------------------

@functools.lru_cache(maxsize=256)
def widest(candidates: tuple[str, ...], font: str) -> str:
    """The widest of the values a text can take: a page reserves its room, so that whether it
    fits never depends on today's date or this build's kit version."""
    return max(candidates, key=lambda t: pdfmetrics.stringWidth(t, font, 10))


@functools.lru_cache(maxsize=64)
def _dates(lang: str, region: str, form: str, year: int) -> tuple[str, ...]:
    import datetime as dt

    from ..i18n import Words
    words, first = Words(lang, region), dt.date(year, 1, 1)
    return tuple(getattr(words, form)(first + dt.timedelta(n)) for n in range(366 * 2))


def widest_date(words, form: str, year: int, font: str) -> str:
    """The widest date of this year and the next in one of `Words`' formats (e.g. "date_long")."""
    return widest(_dates(words.lang, words.region, form, year), font)


def widest_version(font: str, length: int = 8) -> str:
    return widest(tuple("0123456789abcdef"), font) * length


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
    """Height of the flowables one under the other; infinite when a line runs past `width`."""
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 10_000)
        if getattr(f, "nk_overflow", 0.0) > OVERFLOW:
            return math.inf
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
        wide = too_wide(smallest, width)
        if wide:
            raise RenderError(wide[1], field=wide[0])
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


def too_wide(flowables: Sequence[Flowable], width: float) -> tuple[str, str] | None:
    """(field, message) for the first text with a word wider than its box, looking inside boxes
    and beside numbers; None if every word fits."""
    for f in flowables:
        f.wrap(width, 10_000)
        if isinstance(f, Boxed):
            found = too_wide(f.content, width - 2 * f.padding)
        elif isinstance(f, Grid):
            found = next(filter(None, (too_wide([c], width) for c in f.cells)), None)
        elif isinstance(f, NumberRow):
            found = too_wide([f.label], width) or ((f.nk_field, f"the number {f.number!r} is wider than its box "
                                                   f"({width / mm:.0f} mm) even at {f.size:g}pt")
                                                   if f.nk_overflow > OVERFLOW else None)
        elif getattr(f, "nk_overflow", 0.0) > OVERFLOW:
            style = f.style
            word = max(f.getPlainText().split(), key=lambda w: pdfmetrics.stringWidth(w, style.fontName,
                                                                                      style.fontSize))
            found = (getattr(f, "nk_field", "?"), f"the word '{word}' is wider than its box ({width / mm:.0f} mm) "
                     f"even at the smallest size ({style.fontSize:g}pt); shorten it or break it with a space or "
                     f"hyphen")
        else:
            found = None
        if found:
            return found
    return None


def _too_long(flowables, width, height, what) -> str:
    need = stack_height(flowables, width)
    leading = max((getattr(getattr(f, "style", None), "leading", 0) for f in flowables), default=0) or 10
    lines = math.ceil((need - height) / leading)
    return (f"too long to fit the {what} at the smallest allowed size: needs {need / mm:.0f} mm, has "
            f"{height / mm:.0f} mm ({(need - height) / mm:.0f} mm, about {lines} line{'s' if lines != 1 else ''} "
            f"too many); shorten this text")


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
    if qr_version(data) is None:  # `check` refuses such an address first (build/loading.py, _qr_problems)
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


# --- forms ---------------------------------------------------------------------------------

@contextlib.contextmanager
def form_xobject(c: Canvas, name: str, width: float, height: float):
    """Draw a form XObject (a drawing placed many times with `c.doForm(name)`) whose resources
    hold everything its content uses.

    reportlab (5.x) notes the graphics states a form uses (the see-through example watermark)
    but leaves them out of the form's /Resources: viewers then ignore them and the watermark
    prints solid over the text. So the form's resources are written here, as reportlab writes
    a page's."""
    c.beginForm(name, 0, 0, width, height)
    yield
    c.endForm()
    made = c._doc.idToObject[xObjectName(name)]
    resources = PDFResourceDictionary()
    resources.basicFonts()
    resources.allProcs()
    if made.XObjects:
        resources.XObject = made.XObjects
    if made.ExtGState:
        resources.ExtGState = made.ExtGState
    resources.setColorSpace(made._colorsUsed)
    made.Resources = resources


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
                 space_after: float = 0, stacked_left: bool = False):
        super().__init__()
        self.label, self.number, self.font, self.size = label, number, font, size
        self.stacked_left = stacked_left  # a number under its label starts where the label does
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
        if not self._stacked:  # a label squeezed into three lines or more reads better above its number
            self.label.wrap(label_w, 10_000)
            self._stacked = line_count(self.label) > 2
        if self._stacked:
            self._lh = self.label.wrap(avail_width, 10_000)[1]
            self._h = self._lh + self.size * 1.1
        else:
            self._lh = self.label.wrap(label_w, 10_000)[1]
            self._h = max(self._lh, self.size * 1.1)
        self._w = avail_width
        # a number wider than the box, or a word of the label: does not fit at this size
        self.nk_overflow = max(self._nw - avail_width, getattr(self.label, "nk_overflow", 0.0), 0.0)
        return avail_width, self._h

    def draw(self):
        c = self.canv
        c.setFont(self.font, self.size)
        c.setFillColorRGB(0, 0, 0)
        if self._stacked:
            self.label.drawOn(c, 0, self._h - self._lh)
            if self.stacked_left:
                c.drawString(0, self.size * 0.2, self.number)
            else:
                c.drawRightString(self._w, self.size * 0.2, self.number)
        else:
            self.label.drawOn(c, 0, (self._h - self._lh) / 2)
            c.drawRightString(self._w, (self._h - self.size * 0.72) / 2, self.number)


class Grid(Flowable):
    """Cells side by side in as many columns as make the block lowest (1 to `most`): a wide
    block puts two neighbour units on a row, a narrow one stacks them."""

    def __init__(self, cells: Sequence[Flowable], *, gap: float, most: int = 3, space_after: float = 0):
        super().__init__()
        self.cells, self.gap, self.most = list(cells), gap, most
        self.spaceAfter = space_after
        self.nk_field = getattr(self.cells[0], "nk_field", "?") if self.cells else "?"

    def _layout(self, width: float, columns: int) -> tuple[float, list[float]]:
        cell_w = (width - (columns - 1) * self.gap) / columns
        rows = []
        for start in range(0, len(self.cells), columns):
            heights = []
            for cell in self.cells[start:start + columns]:
                heights.append(cell.wrap(cell_w, 10_000)[1])
                if getattr(cell, "nk_overflow", 0.0) > OVERFLOW:
                    return math.inf, []
            rows.append(max(heights))
        return sum(rows), rows

    def wrap(self, avail_width, avail_height):
        best = None
        for columns in range(1, max(1, min(self.most, len(self.cells))) + 1):
            height, rows = self._layout(avail_width, columns)
            if best is None or height < best[0] - 0.01:
                best = (height, rows, columns)
        self._h, self._rows, self._columns = best
        self._w = avail_width
        self.nk_overflow = 0.0 if self._h < math.inf else 1.0
        return avail_width, self._h if self._h < math.inf else 10_000

    def draw(self):
        k = self._columns
        cell_w = (self._w - (k - 1) * self.gap) / k
        top = self._h
        for r, row_h in enumerate(self._rows):
            for j, cell in enumerate(self.cells[r * k:(r + 1) * k]):
                _, h = cell.wrap(cell_w, 10_000)
                cell.drawOn(self.canv, j * (cell_w + self.gap), top - h)
            top -= row_h
