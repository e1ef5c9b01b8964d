"""The pocket cards' layout file: layouts/pocket-cards.yaml.

The card is ID-1 (ISO/IEC 7810), 85.60 × 53.98 mm, so it fits a card holder and a
lanyard sleeve: that size is fixed here, not in the layout. The layout says how the
cards are imposed on the sheet (columns × rows or as many as fit, gutters, cut marks,
the strip with the check bar) and how the card is typeset.

`impose()` is the one place that turns a layout into positions: validation uses it to
prove that the cards, their cut marks and the check-bar strip all stay inside the 10 mm
safe area, and the renderer draws exactly what was validated.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from reportlab.lib.units import mm

from ..content.models import Base
from ..errors import Problem
from . import SAFE_AREA, Colour, DocumentSpec, LayoutReader, Length, Page, SizeRange

CARD_WIDTH = 85.60 * mm  # ID-1
CARD_HEIGHT = 53.98 * mm
FILE = "pocket-cards.yaml"

# Smallest sizes (pt) on a card or its sheet: DESIGN.md §4 (text ≥ 7 pt, numbers ≥ 9 pt bold).
CARD_MINIMUMS = {"title": 7, "heading": 7, "text": 7, "number": 9, "sheet": 7}
QR_MIN = 18 * mm
MARK_GAP = 1 * mm  # between two neighbours' marks in a gutter, so they read as two marks
_EPS = 1e-6


class Gutter(Base):
    x: Length = Field(description="Between columns. 0 = neighbours share one cut; otherwise room for both cards' "
                                  "marks: at least 2 × (cut_marks.offset + cut_marks.length) + 1mm")
    y: Length = Field(description="Between rows. 0 = neighbours share one cut; otherwise room for both cards' "
                                  "marks: at least 2 × (cut_marks.offset + cut_marks.length) + 1mm")


class CutMarks(Base):
    length: Length = Field(description="Length of each cut mark; at least 2mm")
    offset: Length = Field(description="Gap between the trim line and the start of its mark, so a cut a little off "
                                       "does not show the mark on the card; at least 1mm")
    weight: float = Field(default=0.3, gt=0, le=2, description="Line width in pt, a plain number (0.3, not 0.3pt)")


class CheckBar(Base):
    length: Length = Field(description="A printed line of known length: measured, it shows the sheet printed at "
                                       "100 %. At least 20mm, and no longer than the strip is wide")


class Strip(Base):
    height: Length = Field(description="Height of the strip at the top of the sheet: how to print, which sheet it "
                                       "is, and the check bar; it must hold them at `sizes.sheet.min`")
    gap: Length = Field(description="Space between the strip and the cut marks below it")


class CardSizes(Base):
    title: SizeRange = Field(description="The plan's title in the band at the top of the front, on one line")
    heading: SizeRange = Field(description="Headings: on the front \"Working hours\" (with the hours), \"Outside "
                                           "working hours\" and the like; on the back \"Do this now\"")
    text: SizeRange = Field(description="Contact names and notes, the leader, the steps, the fallback routes, the web "
                                        "address on the front; the back's foot (unit name, kit version) is printed "
                                        "at `min`")
    number: SizeRange = Field(description="Phone numbers on the front, bold: they keep their size while the words "
                                          "shrink, and only then shrink themselves")
    sheet: SizeRange = Field(description="The printing instructions, the sheet label and the check bar's caption in "
                                         "the strip above the cards")


class CardColours(Base):
    band: Colour = Field(default="#000000", description="Fill of the title band on the front")
    band_text: Colour = Field(default="#FFFFFF", description="The title in the band")
    ink: Colour = Field(default="#000000", description="The sheet label and the check bar in the strip, the web "
                                                       "address on the front, the rule and the foot on the back "
                                                       "(the other text is black)")
    marks: Colour = Field(default="#000000", description="The cut marks")
    watermark: Colour = Field(default="#9A9A9A", description="The diagonal \"EXAMPLE – not for use\" across the "
                                                             "cards of example units (printed at 35 % opacity)")


def _count_value(value: Any) -> int | str:
    text = str(value).strip()
    if text == "auto":
        return text
    if text.isdigit() and 1 <= int(text) <= 20:
        return int(text)
    raise ValueError(f"expected a whole number from 1 to 20, or auto (as many as fit), found {value!r}")


Count = Annotated[int | Literal["auto"], BeforeValidator(_count_value),
                  WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1, "maximum": 20}, {"const": "auto"}]})]


class CardsLayout(Base):
    document: str = Field(description="Document id (`pocket-cards`): names the PDF, `<unit>/<document>.<lang>.pdf`, "
                                      "and is the key in a unit's `copies:`, which for cards counts cards, not sheets")
    page: Page = Field(description="The sheet the cards are imposed on; portrait only: for long-edge duplex the "
                                   "backs are mirrored about the vertical axis")
    margin: Length = Field(description="Nothing is printed closer to the sheet's edge; at least 10mm")
    columns: Count = Field(default="auto", description="Cards across the sheet: a whole number from 1 to 20, or "
                                                       "`auto` for as many as fit")
    rows: Count = Field(default="auto", description="Rows of cards down the sheet, under the strip: 1 to 20, or "
                                                    "`auto` for as many as fit")
    gutter: Gutter = Field(description="Space between neighbouring cards")
    cut_marks: CutMarks = Field(description="The short lines outside each card's corners that show where to cut")
    check_bar: CheckBar = Field(description="The line of known length in the strip, to check the print's scale")
    strip: Strip = Field(description="The strip at the top of the sheet: how to print, and the check bar")
    padding: Length = Field(description="Inside each card, between the trim and the text; 2mm to 8mm")
    qr_size: Length = Field(description="The QR code on the front, quiet zone included; at least 18mm, at most half "
                                        "the card's height (27mm), and big enough for modules of at least 0.4mm")
    sizes: CardSizes = Field(description="Type sizes in points, per kind of text, each a size range `{max, min}`")
    colours: CardColours = Field(default=CardColours(), description="Colours as `#RRGGBB`; each key may be left out")


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Imposition:
    columns: int
    rows: int
    cards: tuple[Box, ...]  # front trim boxes, row by row from the top left
    marks: tuple[tuple[float, float, float, float], ...]  # cut-mark segments (x1, y1, x2, y2)
    strip: Box  # how to print + the check bar

    @property
    def per_sheet(self) -> int:
        return len(self.cards)


@dataclass(frozen=True)
class Misfit:
    """Why an imposition cannot be placed: which key, and what a person should read."""

    key: tuple[str, ...]
    message: str


def _count(n: int | str, room: float, size: float, gutter: float) -> int:
    if n == "auto":
        return max(0, int((room + gutter + _EPS) // (size + gutter)))
    return int(n)


def _span(n: int, size: float, gutter: float) -> float:
    return n * size + max(n - 1, 0) * gutter


def impose(layout: CardsLayout) -> Imposition | Misfit:
    W, H = layout.page.points
    m = layout.margin
    reach = layout.cut_marks.offset + layout.cut_marks.length  # how far marks stand out from a trim line
    gx, gy = layout.gutter.x, layout.gutter.y
    strip = layout.strip
    room_w = W - 2 * m - 2 * reach
    room_h = H - 2 * m - strip.height - strip.gap - 2 * reach

    least = 2 * reach + MARK_GAP
    for key, gap in (("x", gx), ("y", gy)):
        # narrower, and one card's mark lands on its neighbour, or two marks run together into one
        if _EPS < gap < least - _EPS:
            return Misfit(("gutter", key), f"{gap / mm:g}mm leaves no room for the cut marks of both neighbours "
                                           f"(2 × (offset + length) + {MARK_GAP / mm:g}mm between them = "
                                           f"{least / mm:g}mm); use 0 (one shared cut) or at least {least / mm:g}mm")

    cols = _count(layout.columns, room_w, CARD_WIDTH, gx)
    rows = _count(layout.rows, room_h, CARD_HEIGHT, gy)
    for key, n, size, gap, room, across in (("columns", cols, CARD_WIDTH, gx, room_w, "wide"),
                                            ("rows", rows, CARD_HEIGHT, gy, room_h, "high")):
        need = _span(max(n, 1), size, gap)
        if n < 1 or need > room + _EPS:
            what = (f"not even one {key[:-1]} of {size / mm:.2f}mm cards fits" if n < 1 else
                    f"{n} {key if n > 1 else key[:-1]} of {size / mm:.2f}mm cards need {need / mm:.1f}mm")
            besides = f" and the {(strip.height + strip.gap) / mm:g}mm strip" if key == "rows" else ""
            return Misfit((key,), f"{what}, but inside the {m / mm:g}mm margins only {room / mm:.1f}mm {across} "
                                  f"are left for cards (after cut marks of {reach / mm:g}mm on both sides{besides})")
    block_w, block_h = _span(cols, CARD_WIDTH, gx), _span(rows, CARD_HEIGHT, gy)
    # centred across, so that the back sheet's mirror image falls on the same positions
    x0 = (W - block_w) / 2
    # the strip lines up with the cards' text, not with their (invisible) trim
    strip_box = Box(x0 + layout.padding, H - m - strip.height, block_w - 2 * layout.padding, strip.height)
    if layout.check_bar.length > strip_box.w + _EPS:
        return Misfit(("check_bar", "length"), f"{layout.check_bar.length / mm:g}mm is longer than the strip it is "
                                               f"printed in ({strip_box.w / mm:.1f}mm)")
    low, high = m + reach, strip_box.y - strip.gap - reach
    y_top = high - (high - low - block_h) / 2
    cards = tuple(Box(x0 + c * (CARD_WIDTH + gx), y_top - (r + 1) * CARD_HEIGHT - r * gy, CARD_WIDTH, CARD_HEIGHT)
                  for r in range(rows) for c in range(cols))
    return Imposition(cols, rows, cards, cut_marks(cards, layout.cut_marks), strip_box)


def cut_marks(cards: tuple[Box, ...], marks: CutMarks) -> tuple[tuple[float, float, float, float], ...]:
    """Each card's eight corner marks, pointing away from it; a mark that would land on
    another card is left out (that cut is shared and marked elsewhere), duplicates once."""
    return _cut_marks(tuple(cards), marks.offset, marks.length)


@functools.lru_cache(maxsize=64)  # the same sheet for every unit: worked out once per process
def _cut_marks(cards: tuple[Box, ...], o: float, ln: float) -> tuple[tuple[float, float, float, float], ...]:
    found: dict[tuple[float, ...], tuple[float, float, float, float]] = {}
    for box in cards:
        segments = []
        for y in (box.y, box.top):
            segments += [(box.x - o - ln, y, box.x - o, y), (box.right + o, y, box.right + o + ln, y)]
        for x in (box.x, box.right):
            segments += [(x, box.y - o - ln, x, box.y - o), (x, box.top + o, x, box.top + o + ln)]
        for seg in segments:
            if any(_touches(seg, other) for other in cards):
                continue
            found.setdefault(tuple(round(v, 3) for v in seg), seg)
    return tuple(found[k] for k in sorted(found))


def _touches(seg: tuple[float, float, float, float], box: Box) -> bool:
    x1, y1, x2, y2 = seg
    return (min(x1, x2) <= box.right + _EPS and max(x1, x2) >= box.x - _EPS
            and min(y1, y2) <= box.top + _EPS and max(y1, y2) >= box.y - _EPS)


def mirrored(box: Box, page_width: float) -> Box:
    """Where a card's back goes: long-edge duplex turns a portrait sheet about its vertical axis."""
    return Box(page_width - box.right, box.y, box.w, box.h)


def documents(reader: LayoutReader) -> list[DocumentSpec]:
    result = reader.read(FILE, CardsLayout)
    if not result:
        return []
    layout, doc, path = result
    reader.problems.extend(_check_cards(layout, doc))
    return [DocumentSpec(id=layout.document, kind="pocket-cards", layout=layout, file=path,
                         renderer=".render.cards:render_cards", order=20, copies_in_pdf=True)]


def _check_cards(layout: CardsLayout, doc) -> list[Problem]:
    problems = []

    def problem(path: tuple, message: str) -> None:
        problems.append(Problem(doc.location(path), ".".join(str(p) for p in path), message))

    if layout.margin < SAFE_AREA - _EPS:
        problem(("margin",), f"{layout.margin / mm:.1f}mm is inside the 10mm edge printers cannot print; "
                             f"expected at least 10mm")
    if layout.page.orientation != "portrait":
        # long-edge duplex mirrors a portrait sheet about its vertical axis; the backs are placed for that
        problem(("page", "orientation"), "pocket cards are imposed on a portrait sheet; expected portrait")
    if layout.qr_size < QR_MIN - _EPS:
        problem(("qr_size",), f"{layout.qr_size / mm:.1f}mm; a card's QR code must be at least 18mm")
    if layout.qr_size > CARD_HEIGHT / 2:
        problem(("qr_size",), f"{layout.qr_size / mm:.1f}mm leaves too little of the {CARD_HEIGHT / mm:.2f}mm "
                              f"card for the numbers; expected at most {CARD_HEIGHT / 2 / mm:.0f}mm")
    if not 2 * mm - _EPS <= layout.padding <= 8 * mm + _EPS:
        # less than 2 mm and a slightly crooked cut or duplex shift trims the text
        problem(("padding",), f"{layout.padding / mm:.1f}mm; expected 2mm to 8mm")
    if layout.cut_marks.length < 2 * mm - _EPS:
        problem(("cut_marks", "length"), f"{layout.cut_marks.length / mm:.1f}mm is too short to see and cut along; "
                                         f"expected at least 2mm")
    if layout.cut_marks.offset < 1 * mm - _EPS:
        # a mark that starts at the trim line shows on the card when the cut is a little off
        problem(("cut_marks", "offset"), f"{layout.cut_marks.offset / mm:.1f}mm; expected at least 1mm")
    if layout.check_bar.length < 20 * mm - _EPS:
        problem(("check_bar", "length"), f"{layout.check_bar.length / mm:g}mm is too short to show a scaled print; "
                                         f"expected at least 20mm")
    for name, minimum in CARD_MINIMUMS.items():
        rng: SizeRange = getattr(layout.sizes, name)
        if rng.min < minimum:
            problem(("sizes", name, "min"), f"{rng.min:g}pt is below the print rule for cards "
                                            f"({name} at least {minimum}pt)")
    if not problems:
        placed = impose(layout)
        if isinstance(placed, Misfit):
            problem(placed.key, placed.message)
    return problems
