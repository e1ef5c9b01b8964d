"""The wall poster (A3 and A4 portrait): what to do and whom to call, readable at two metres.

Page anatomy, top to bottom:
  band    – the plan's title (up to `title_lines` lines) and the summary, white on black;
            as tall as they need
  middle  – two columns of blocks: left the numbered steps, right "call now" (a box per
            availability); the fallback routes, planned downtime and the last call boxes go
            to whichever column has room
  bottom  – the unit's own block (leader, unit phone, neighbour units) and, beside it, the QR
            code with the address under it; the code grows into free room
  footer  – approval, last update, editor, kit version, printed date

How the regions share the page (`_Poster.solve`): every text has a size range. The poster
looks for the largest common scale (0 = every text at its smallest size, 1 = at its largest)
at which everything fits, in the arrangement of movable blocks that allows the largest; then
each column grows back towards its largest sizes within its height, and the QR code takes
what room is left. When not even the smallest sizes hold every contact (or neighbour unit),
the poster shows as many as fit, in the plan's order, and one line saying that the others
are in the plan in the binder; the notes it returns name them. Beyond that the build fails,
naming the region that overflows, what it holds, by how much, and what to do.

Whether a text fits never depends on what changes from build to build: the kit version and
the dates are measured at the widest value they can take (`worst`).
"""

from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass
from typing import Callable

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from ..errors import RenderError
from ..layout.poster import PosterLayout
from ..resolve import ContactView, Kit
from .stamp import Recording, background_key, drawn_once, record, replay
from .base import (OVERFLOW, STEPS, Boxed, Drawn, FontSet, Grid, NumberRow, Size, Text, break_address, checked, draw_qr, named_list,
                   draw_stack, line_count, new_canvas, stack_height, too_wide, unbroken, watermark, widest_date, widest_version)

BLOCK_GAP = 0.5  # × gap between the blocks of a column
CAPTION_SHARE = 0.55  # the QR code's column may be this wide (of the width) for a long address
URL_LINES = 3  # the most lines the address under the QR code may take
KEEP_NEIGHBOURS = 2  # when not all fit: the first two neighbour units stay, then contacts come first
SPLITS = (0.0, 0.08, -0.08, 0.16)  # the left column may be this much wider or narrower (of the width) than the layout's
# What the poster leaves out, in this order, before it leaves out a contact, when not everything
# fits at the smallest sizes (the plan in the binder has it all): the dates of planned downtime
# (its note stays), the forgotten-password route, how to use the fallback address (its QR code
# and address stay), what to do when the network is down.
DROPPABLE = ("dates", "reset", "how", "mobile")


@dataclass(frozen=True)
class _Block:
    """A group of text that stays together in a column, e.g. the steps or one call box."""

    key: tuple  # everything it prints: blocks with the same key have the same height (see _HEIGHTS)
    what: str  # for messages: "the steps (5)"
    field: str  # the field to name when it does not fit
    # its flowables at a scale (0..1); `worst`: with the widest dates it can print (to measure)
    make: Callable[[float, bool], list[Flowable]]
    neighbours: int | None = None  # the unit's block: how many neighbour units it shows (see _SOLVED)


@dataclass(frozen=True)
class _Shown:
    """What the poster shows of what the kit holds."""

    contacts: int  # the first n of the plan's contacts
    neighbours: int  # the first n of the unit's neighbour units
    dropped: tuple[str, ...] = ()  # of DROPPABLE


@dataclass
class _Solution:
    scale: int  # the common scale, in steps of 1/STEPS
    left: tuple[_Block, ...]
    right: tuple[_Block, ...]
    left_w: float
    unit: _Block
    shown: _Shown
    arrangement: int  # which of `_arrangements(shown)` left and right are


# Heights of blocks by what they print, the layout and fonts, the scale and the width. Fitting a
# poster measures each block at many scales and widths; the steps, call boxes, routes and planned
# downtime are the same for every unit of a plan and language, so a worker drawing many units
# measures them once. Bounded: cleared when it grows past what a large build needs.
_HEIGHTS: dict[tuple, object] = {}
_MOST_HEIGHTS = 50_000


def _remember(key: tuple, height: float) -> None:
    if len(_HEIGHTS) >= _MOST_HEIGHTS:
        _HEIGHTS.clear()
    _HEIGHTS[key] = height


# Solutions of the fitting (`_Poster.solve`), by everything but the unit's block that it depends on:
# the layout, the fonts, the kit without its unit's fields (render/stamp.py) and how many neighbour
# units the unit has. The unit's block enters the search only through its heights, so each
# solution is kept with the heights of the unit's block the search asked for, in the order it
# asked: a unit whose block has those heights at those scales and widths takes the same path
# through the search and ends at the same solution, so it takes the solution without searching.
# Each entry: (the heights asked for {(neighbours, scale, width): height}, (scale, shown,
# arrangement), the kit fields the search read). Bounded like _HEIGHTS.
_SOLVED: dict[str, list[tuple[dict, tuple, frozenset]]] = {}
_MOST_PLANS = 256  # plan × language × layout × fonts
_MOST_PER_PLAN = 32  # units whose blocks differ in height


def render_poster(kit: Kit, layout: PosterLayout, fonts: FontSet) -> Drawn:
    poster = _Poster(kit, layout, fonts)
    solution = poster.solve()
    return Drawn(poster.draw(solution), poster.notes(solution))


class _Poster:
    def __init__(self, kit: Kit, layout: PosterLayout, fonts: FontSet):
        self.kit, self.layout, self.fonts, self._ = kit, layout, fonts, kit._
        self.W, self.H = layout.page.points
        self.m, self.gap = layout.margin, layout.gap
        self.inner_w = self.W - 2 * self.m
        self.size = {name: Size(getattr(layout.sizes, name).max, getattr(layout.sizes, name).min)
                     for name in type(layout.sizes).model_fields}
        self.white = layout.colours.band_text
        self.pad = self.gap * 0.65  # inside the title band
        self.browser = self._("{system} in the browser").format(system=kit.system)
        self.sig = (layout.model_dump_json(), fonts)  # what every height depends on besides the text
        self._asked: dict | None = None  # while searching: the heights of the unit's block it asked for
        self.title_max = self._title_size()
        self.footer_size, self.footer_h = self._footer_size()

    # --- what the page holds ------------------------------------------------------------

    def _text(self, text: str, field: str, size: str | Size, scale: float, **kw) -> Flowable:
        """A paragraph of a kind of text (a key of the layout's sizes), or at a size worked out."""
        return Text(text, field, self.size[size] if isinstance(size, str) else size, **kw).flowable(self.fonts, scale)

    def _band(self, scale: float) -> list[Flowable]:
        title = Size(self.title_max, self.size["title"].min)
        return [self._text(self.kit.title, "plan.title", title, scale, bold=True, colour=self.white, leading=1.05,
                           space_after=0.15),
                self._text(self.kit.summary, "plan.summary", "summary", scale, colour=self.white)]

    def _steps(self) -> _Block:
        kit = self.kit

        def make(scale: float, worst: bool) -> list[Flowable]:
            out = [self._text(self._("Do this now"), "label", "heading", scale, bold=True, space_after=0.3)]
            for i, step in enumerate(kit.steps):
                out.append(self._text(step, f"plan.steps[{i}]", "step", scale, bullet=f"{i + 1}.", indent=1.5,
                                      space_after=0.35))
            return out
        longest = max(range(len(kit.steps)), key=lambda i: len(kit.steps[i]))
        return _Block(("steps", self._("Do this now"), kit.steps), f"the steps ({len(kit.steps)})",
                      f"plan.steps[{longest}]", make)

    def _routes(self, dropped: tuple[str, ...]) -> _Block | None:
        kit, _ = self.kit, self._
        parts: list[tuple[str, str, str]] = []  # heading, text, field
        if kit.fallback_how and "how" not in dropped:
            heading = self.browser if kit.fallback_url else _("If {system} does not open").format(system=kit.system)
            parts.append((heading, kit.fallback_how, "plan.fallback.how"))
        if kit.mobile and "mobile" not in dropped:
            parts.append((_("If the network is down"), kit.mobile, "plan.fallback.mobile"))
        if kit.reset_url and "reset" not in dropped:
            parts.append((_("Forgotten password"), f"{kit.reset_how} {kit.reset_url}", "plan.password_reset"))
        if not parts:
            return None

        def make(scale: float, worst: bool) -> list[Flowable]:
            out = []
            for heading, text, field in parts:
                out.append(self._text(heading, "label", "contact", scale, bold=True))
                if text:
                    out.append(self._text(text, field, "body", scale, space_after=0.3))
            return out
        field = max(parts, key=lambda p: len(p[1]))[2]
        return _Block(("routes", tuple(parts)), "the fallback routes", field, make)

    def _downtime(self, dropped: tuple[str, ...]) -> _Block | None:
        kit, _ = self.kit, self._
        if not kit.maintenance_note:
            return None

        def make(scale: float, worst: bool) -> list[Flowable]:
            out = [self._text(_("Planned downtime"), "label", "contact", scale, bold=True),
                   self._text(kit.maintenance_note, "plan.maintenance.note", "body", scale)]
            if kit.maintenance_days and "dates" not in dropped:
                out.append(self._text(_("Next dates: {dates}").format(dates=self._dates(worst)), "plan.maintenance",
                                      "body", scale))
            return out
        key = ("downtime", kit.maintenance_note, "dates" in dropped, len(kit.maintenance_days), kit.as_of.year,
               _("Planned downtime"), _("Next dates: {dates}"))
        return _Block(key, "planned downtime", "plan.maintenance.note", make)

    def _dates(self, worst: bool) -> str:
        words = self.kit.words
        if not worst:
            return ", ".join(unbroken(words.date_short_weekday(d)) for d in self.kit.maintenance_days)
        # the widest date of the coming years, as many times as dates are shown
        day = widest_date(words, "date_short_weekday", self.kit.as_of.year, self.fonts.regular)
        return ", ".join([unbroken(day)] * len(self.kit.maintenance_days))

    def _boxes(self, shown: tuple[ContactView, ...]) -> list[_Block]:
        kit, _ = self.kit, self._
        groups = [
            ("working", _("Working hours"), kit.working_hours, "working-hours", None),
            ("outside", _("Evenings, nights, weekends and holidays"), None, "outside-hours", kit.outside_hours),
            ("always", _("At any time"), None, "always", None),
            ("as-needed", _("When needed"), None, "as-needed", None),
        ]
        blocks = []
        for key, title, hours, available, advice in groups:
            contacts = tuple(c for c in shown if c.available == available)
            if not contacts and not advice:
                continue
            first = not blocks

            def make(scale: float, worst: bool, title=title, hours=hours, contacts=contacts, advice=advice,
                     first=first) -> list[Flowable]:
                heading = title + (f": {hours}" if hours else "")
                head = self._text(heading, "label", "contact", scale, bold=True, colour=self.white)
                body: list[Flowable] = []
                for contact in contacts:
                    body += self._contact(scale, contact, show_hours=hours is None)
                if advice:
                    body.append(self._text(advice, "plan.outside_hours", "body", scale, space_after=0.4))
                box = Boxed(head, body, padding=2.5 * mm, border=1.5)
                if first:
                    return [self._text(_("Call now"), "label", "heading", scale, bold=True, space_after=0.3), box]
                return [box]
            longest = max(contacts, key=lambda c: len(c.call_when or ""), default=None)
            field = f"contacts.{longest.id}.call_when" if longest and longest.call_when else "plan.outside_hours"
            blocks.append(_Block(("box", title, hours, contacts, advice, first, _("Call now"), _("Do not call: {text}")),
                                 f"the call box “{title}” ({len(contacts)} contacts)", field, make))
        return blocks

    def _contact(self, scale: float, contact: ContactView, *, show_hours: bool) -> list[Flowable]:
        """The name with the first number beside it (under it where the name needs the width),
        further numbers under that; then hours, e-mail and when (not) to call."""
        field = f"contacts.{contact.id}"
        name = self._text(contact.name, f"{field}.name", "contact", scale, bold=True)
        if not contact.phones:
            out = [name]
        else:
            number = self.size["number"].at(scale)
            out = [NumberRow(name, checked(unbroken(contact.phones[0]), self.fonts.bold, f"{field}.phones"),
                             self.fonts.bold, number, f"{field}.phones", stacked_left=True)]
        for extra in contact.phones[1:]:
            out.append(self._text(unbroken(extra), f"{field}.phones", "number", scale, bold=True, leading=1.1))
        details = [d for d in ((contact.hours if show_hours else None), contact.email) if d]
        if details:
            out.append(self._text(" · ".join(details), f"{field}.hours", "body", scale))
        if contact.call_when:
            out.append(self._text(contact.call_when, f"{field}.call_when", "body", scale))
        if contact.not_when:
            out.append(self._text(self._("Do not call: {text}").format(text=contact.not_when), f"{field}.not_when",
                                  "body", scale))
        if contact.does_not:
            out.append(self._text(contact.does_not, f"{field}.does_not", "body", scale))
        out[-1].spaceAfter = self.size["body"].at(scale) * 0.6
        return out

    def _more(self, shown: _Shown) -> _Block | None:
        """The one line that says what else is in the plan in the binder, or None."""
        _ = self._
        items = [_("more numbers")] if shown.contacts < len(self.kit.contacts) else []
        items += [self._dropped_item(d) for d in shown.dropped if self._dropped_item(d)]
        if not items:
            return None
        text = _("More in the plan in the binder: {items}.").format(items=", ".join(items))
        return _Block(("more", text), text, "label",
                      lambda scale, worst: [self._text(text, "label", "body", scale, bold=True)])

    def _unit(self, neighbours: int) -> _Block:
        kit, _ = self.kit, self._
        shown = kit.neighbours[:neighbours]

        def make(scale: float, worst: bool) -> list[Flowable]:
            cells = [self._labelled(_("Leader") + ": " + kit.leader_name, kit.leader_phone, "unit.leader", scale),
                     self._labelled(_("Unit phone"), kit.unit_phone, "unit.phone", scale)]
            body: list[Flowable] = [self._text(kit.unit_address, "unit.address", "body", scale, space_after=0.3),
                                    Grid(cells, gap=4 * mm)]
            if kit.neighbours:
                body.append(self._text(_("Neighbour units – call to hear if they are hit too"), "unit.neighbours",
                                       "body", scale, bold=True, space_before=0.4))
                body.append(Grid([self._labelled(n.short_name, n.phone, "unit.neighbours", scale) for n in shown],
                                 gap=4 * mm))
                if len(shown) < len(kit.neighbours):
                    body.append(self._text(_("More neighbour units are in the plan in the binder."),
                                           "label", "body", scale))
            head = self._text(kit.unit_name, "unit.name", "contact", scale, bold=True, colour=self.white)
            return [Boxed(head, body, padding=2.5 * mm, border=1.5)]
        what = f"the unit's block: address, leader, unit phone, {len(shown)} neighbour units"
        key = ("unit", kit.unit_name, kit.unit_address, kit.leader_name, kit.leader_phone, kit.unit_phone, shown,
               len(kit.neighbours), _("Leader"), _("Unit phone"), _("Neighbour units – call to hear if they are hit too"))
        return _Block(key, what, "unit.address", make, neighbours=neighbours)

    def _labelled(self, label: str, number: str, field: str, scale: float) -> NumberRow:
        """'Label .......... 33 12 34 56': the number big, bold and never broken."""
        body = self.size["body"]
        para = Text(label, field, body).flowable(self.fonts, scale)
        return NumberRow(para, checked(unbroken(number), self.fonts.bold, field), self.fonts.bold,
                         self.size["number"].at(scale), field, space_after=body.at(scale) * 0.25, stacked_left=True)

    # --- sizes of the fixed parts ---------------------------------------------------------

    def _title_size(self) -> float:
        """The largest title size at which the title takes the fewest lines it can (at most
        `title_lines`): a short title stays big, a long one wraps before it shrinks far."""
        rng, width = self.size["title"], self.inner_w - 2 * self.pad
        best = _fewest_lines(lambda size: [self._text(self.kit.title, "plan.title", Size(size, size), 1.0, bold=True,
                                                      leading=1.05)], width, rng)
        if best is None:
            raise RenderError(_too_wide(self.kit.title, self.fonts.bold, rng.min, width,
                                        "the title band"), field="plan.title")
        size, lines = best
        if lines > self.layout.title_lines:
            chars = len(self.kit.title) * self.layout.title_lines // lines
            raise RenderError(f"the title takes {lines} lines at the smallest size ({rng.min:g}pt) where the band "
                              f"holds {self.layout.title_lines}; shorten it to about {chars} characters",
                              field="plan.title")
        return size

    def _footer_lines(self, worst: bool) -> list[str]:
        kit, _ = self.kit, self._
        version = widest_version(self.fonts.regular) if worst else kit.kit_version
        printed = self._widest_long_date() if worst else kit.as_of_text
        return [
            " · ".join([_("Approved by {who}, {date}").format(who=kit.approved_by, date=kit.approved_on),
                        _("Prepared by {who}").format(who=kit.prepared_by)]),
            " · ".join([_("Last updated {date}").format(date=kit.last_updated),
                        _("Responsible editor {name}").format(name=kit.editor),
                        _("Kit version {version}").format(version=version),
                        _("Printed {date}").format(date=printed)]),
        ]

    def _widest_long_date(self) -> str:
        return widest_date(self.kit.words, "date_long", self.kit.as_of.year, self.fonts.regular)

    def _footer(self, size: float, worst: bool) -> list[Flowable]:
        return [self._text(line, "plan.revision", Size(size, size), 1.0, colour=self.layout.colours.ink)
                for line in self._footer_lines(worst)]

    def _footer_size(self) -> tuple[float, float]:
        rng = self.size["footer"]
        best = _fewest_lines(lambda size: self._footer(size, True), self.inner_w, rng)
        size = best[0] if best else rng.min
        return size, stack_height(self._footer(size, True), self.inner_w)

    # --- the QR code and its caption --------------------------------------------------------

    def _caption(self, scale: float) -> tuple[float, float, list[str], float] | None:
        key = (self.sig, "caption", self.kit.fallback_url, self.browser, scale)
        if key not in _HEIGHTS:
            _HEIGHTS[key] = self._measure_caption(scale)
        return _HEIGHTS[key]

    def _measure_caption(self, scale: float) -> tuple[float, float, list[str], float] | None:
        """(column width, caption height, address lines, size) under the QR code at this scale, or
        None where it does not fit: the address on one line if it fits at some size of the range
        (an address is read and typed whole), else broken at '/' and '.' into at most URL_LINES
        lines; "<system> in the browser" under it."""
        url = self.kit.fallback_url
        rng = self.size["body"]
        size = rng.at(scale)
        qr = self.layout.qr_size
        cap = max(qr, self.inner_w * CAPTION_SHARE)
        one_line = next((s for s in (size - 0.5 * i for i in range(int((size - rng.min) / 0.5) + 1))
                         if stringWidth(url, self.fonts.bold, s) <= cap), None)
        if one_line is not None:
            size, lines = one_line, [url]
        else:
            lines = break_address(url, self.fonts.bold, size, cap)
        widths = [stringWidth(line, self.fonts.bold, size) for line in lines]
        if len(lines) > URL_LINES or max(widths) > cap:
            return None
        label_w = stringWidth(self.browser, self.fonts.regular, size)
        width = max(qr, *widths, min(label_w, cap))
        label = self._text(self.browser, "label", Size(size, size), 1.0)
        label_h = label.wrap(width, 10_000)[1]
        if label.nk_overflow > OVERFLOW:
            return None
        return width, len(lines) * size * 1.2 + label_h, lines, size

    # --- fitting ----------------------------------------------------------------------------

    def _height(self, block: _Block, k: int, width: float) -> float:
        key = (self.sig, block.key, k, round(width, 3))
        if key not in _HEIGHTS:
            _remember(key, stack_height(block.make(k / STEPS, True), width))
        height = _HEIGHTS[key]
        if block.neighbours is not None and self._asked is not None:
            self._asked.setdefault((block.neighbours, k, width), height)
        return height

    def _column(self, blocks: tuple[_Block, ...], k: int, width: float) -> float:
        if not blocks:
            return 0.0
        return sum(self._height(b, k, width) for b in blocks) + BLOCK_GAP * self.gap * (len(blocks) - 1)

    def _band_h(self, k: int) -> float:
        key = (self.sig, "band", self.kit.title, self.kit.summary, self.title_max, k)
        if key not in _HEIGHTS:
            _remember(key, stack_height(self._band(k / STEPS), self.inner_w - 2 * self.pad) + 2 * self.pad)
        return _HEIGHTS[key]

    def _bottom(self, unit: _Block, k: int, grow: float = 0.0) -> tuple[float, float, float]:
        """(height of the bottom row, width of the unit's block, side of the QR code); `grow`
        is extra height the QR code may take (the page's slack)."""
        if not self.kit.fallback_url:
            return self._height(unit, k, self.inner_w), self.inner_w, 0.0
        caption = self._caption(k / STEPS)
        if caption is None:
            return math.inf, self.inner_w, 0.0
        col_w, caption_h, _lines, _size = caption
        unit_w = self.inner_w - self.gap - col_w
        unit_h = self._height(unit, k, unit_w)
        qr_min, qr_max = self.layout.qr_size, min(self.layout.qr_max, col_w)
        height = max(unit_h, qr_min + caption_h)
        qr = min(qr_max, max(qr_min, height + grow - caption_h))
        return max(height, qr + caption_h), unit_w, qr

    def _room(self, unit: _Block, k: int) -> float:
        """Height left for the two columns at scale k."""
        rule = self.footer_h + 2 * mm
        return self.H - 2 * self.m - self._band_h(k) - self._bottom(unit, k)[0] - rule - 3 * self.gap

    def _split(self, share: float) -> tuple[float, float]:
        """(left, right) column widths for a share of the width."""
        share = min(0.7, max(0.3, share))
        left = self.inner_w * share - self.gap / 2
        return left, self.inner_w - left - self.gap

    def _arrangements(self, shown: _Shown):
        """(left, right, left width): where the movable blocks may go and how wide the columns
        are, the layout's own first (the fallback routes under the steps, planned downtime under
        the call boxes, the layout's `steps_width`)."""
        steps = self._steps()
        boxes = self._boxes(self.kit.contacts[:shown.contacts])
        more = self._more(shown)
        movable = [b for b in (self._routes(shown.dropped), self._downtime(shown.dropped)) if b is not None]
        choices = [("L", "R") if b.key[0] == "routes" else ("R", "L") for b in movable]
        for split in SPLITS:
            left_w, _right_w = self._split(self.layout.steps_width + split)
            for moved in range(len(boxes)):  # the last call boxes may go left; the first stays right
                for sides in itertools.product(*choices):
                    stay, go = boxes[:len(boxes) - moved], boxes[len(boxes) - moved:]
                    left = [steps] + [b for b, side in zip(movable, sides) if side == "L"] + go
                    right = stay + [b for b, side in zip(movable, sides) if side == "R"]
                    if more is not None:
                        (left if moved else right).append(more)
                    yield tuple(left), tuple(right), left_w

    def _best(self, shown: _Shown) -> _Solution | None:
        """The arrangement that fits at the largest common scale, or None if none fits at 0."""
        unit = self._unit(shown.neighbours)
        best: _Solution | None = None
        for arrangement, (left, right, left_w) in enumerate(self._arrangements(shown)):
            right_w = self.inner_w - left_w - self.gap

            def fits(k: int) -> bool:
                room = self._room(unit, k)
                return max(self._column(left, k, left_w), self._column(right, k, right_w)) <= room
            if best is not None and (best.scale == STEPS or not fits(best.scale + 1)):
                continue  # cannot do better than the best so far
            if not fits(0):
                continue
            lo, hi = 0, STEPS + 1  # fits at lo; not at hi (or hi beyond the range)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if fits(mid) else (lo, mid)
            if best is None or lo > best.scale:
                best = _Solution(lo, left, right, left_w, unit, shown, arrangement)
        return best

    def solve(self) -> _Solution:
        """`_search`, or its solution for an earlier unit whose block measured the same (see _SOLVED)."""
        kit = getattr(self.kit, "_kit", self.kit)  # (a TrackedKit's reads are the search's, below)
        # (background_key leaves out the unit's fields, its documents list among them: units that
        # differ only there share the search)
        plan = background_key(kit, self.sig, len(kit.neighbours))
        for asked, (scale, shown, arrangement), read in _SOLVED.get(plan, ()):
            if all(self._height(self._unit(n), k, width) == height for (n, k, width), height in asked.items()):
                # the fields the search read count as read: the reprint list is the same either way
                getattr(self.kit, "_used", set()).update(read)
                left, right, left_w = next(itertools.islice(self._arrangements(shown), arrangement, None))
                return _Solution(scale, left, right, left_w, self._unit(shown.neighbours), shown, arrangement)
        used = getattr(self.kit, "_used", None)  # a TrackedKit's: which fields a renderer read
        before = set(used or ())
        self._asked = {}
        try:
            solution = self._search()
            asked = self._asked
        finally:
            self._asked = None
        if len(_SOLVED) >= _MOST_PLANS and plan not in _SOLVED:
            _SOLVED.clear()
        known = _SOLVED.setdefault(plan, [])
        if len(known) >= _MOST_PER_PLAN:
            del known[0]
        known.append((asked, (solution.scale, solution.shown, solution.arrangement),
                      frozenset(set(used or ()) - before)))
        return solution

    def _search(self) -> _Solution:
        """Everything, if it fits at the smallest sizes. Else, in this order until it fits: without
        the dates of planned downtime, without the password route (DROPPABLE); then the first
        contacts that fit (with the first two neighbour units), then as many more neighbour
        units as fit."""
        n_contacts, n_neighbours = len(self.kit.contacts), len(self.kit.neighbours)
        for n in range(len(DROPPABLE) + 1):
            found = self._best(_Shown(n_contacts, n_neighbours, DROPPABLE[:n]))
            if found is not None:
                return found
        keep = min(KEEP_NEIGHBOURS, n_neighbours)
        for kept in (keep, 0):
            contacts = _most(lambda n: self._best(_Shown(n, kept, DROPPABLE)) is not None, 1, n_contacts)
            if contacts is not None:
                break
        else:
            raise self._overflow()
        neighbours = _most(lambda n: self._best(_Shown(contacts, n, DROPPABLE)) is not None, kept, n_neighbours)
        return self._best(_Shown(contacts, neighbours, DROPPABLE))

    def _dropped_item(self, key: str) -> str | None:
        """How the poster names a DROPPABLE part it left out, or None if the kit has none."""
        kit, _ = self.kit, self._
        present = {"dates": kit.maintenance_days, "reset": kit.reset_url, "how": kit.fallback_how,
                   "mobile": kit.mobile}
        names = {"dates": _("the dates of planned downtime"), "reset": _("forgotten password"),
                 "how": self.browser, "mobile": _("if the network is down")}
        return names[key] if present[key] else None

    def notes(self, solution: _Solution) -> tuple[str, ...]:
        kit, shown = self.kit, solution.shown
        out = []
        if shown.contacts < len(kit.contacts):
            left_out = kit.contacts[shown.contacts:]
            out.append(f"shows {shown.contacts} of the plan's {len(kit.contacts)} contacts; not shown: "
                       f"{named_list([c.name for c in left_out])}")
        if shown.neighbours < len(kit.neighbours):
            left_out = kit.neighbours[shown.neighbours:]
            out.append(f"shows {shown.neighbours} of the unit's {len(kit.neighbours)} neighbour units; not "
                       f"shown: {named_list([n.name for n in left_out])}")
        named = {"dates": "the dates of planned downtime", "reset": "the forgotten-password route",
                 "how": "how to use the fallback address", "mobile": "what to do when the network is down"}
        left_out = [named[d] for d in shown.dropped if self._dropped_item(d)]
        if left_out:
            out.append(f"leaves out, to make room: {', '.join(left_out)}")
        return tuple(note + " (it points to the plan in the binder, which has them)" for note in out)

    # --- when nothing fits --------------------------------------------------------------

    def _overflow(self) -> RenderError:
        """Why even one contact at the smallest sizes does not fit: which region, what it holds,
        by how much, and what to do."""
        shown = _Shown(1, 0, DROPPABLE)
        unit = self._unit(0)
        body = self.size["body"].min
        if self.kit.fallback_url and self._caption(0) is None:
            cap = max(self.layout.qr_size, self.inner_w * CAPTION_SHARE)
            if _too_wide_word(self.browser, self.fonts.regular, body, cap):
                return RenderError(_too_wide(self.browser, self.fonts.regular, body, cap, "the caption under the QR "
                                             "code"), field="plan.system")
            chars = len(self.kit.fallback_url)
            return RenderError(f"the fallback URL ({chars} characters) needs more than {URL_LINES} lines under the "
                               f"QR code even at {body:g}pt; shorten it (a short link from the supplier)",
                               field="plan.fallback.url")
        if self._band_h(0) == math.inf:
            return RenderError(_too_wide(self.kit.summary, self.fonts.regular, self.size["summary"].min,
                                         self.inner_w - 2 * self.pad, "the title band"), field="plan.summary")
        unit_w = self._bottom(unit, 0)[1]
        widest_column = self._split(0.7)[0]
        middle = (self._steps(), self._routes(DROPPABLE), self._downtime(DROPPABLE),
                  *self._boxes(self.kit.contacts[:1]))
        for block in (*middle, unit):
            width = unit_w if block is unit else widest_column
            if block is not None and self._height(block, 0, width) == math.inf:
                field, message = too_wide(block.make(0.0, True), width) or (block.field, "a word is too wide")
                return RenderError(f"{block.what}: {message}", field=field)
        room = self._room(unit, 0)
        best = None
        for left, right, left_w in self._arrangements(shown):
            widths = {"left": left_w, "right": self.inner_w - left_w - self.gap}
            columns = {"left": left, "right": right}
            side = max(columns, key=lambda c: self._column(columns[c], 0, widths[c]))
            over = self._column(columns[side], 0, widths[side]) - room
            if best is None or over < best[0]:
                best = (over, side, columns[side], widths[side])
        over, side, blocks, width = best
        band, bottom = self._band_h(0), self._bottom(unit, 0)[0]
        lines = math.ceil(over / (body * 1.18))
        biggest = max(blocks, key=lambda b: self._height(b, 0, width))
        column = "the left column" if side == "left" else "the right column"
        advice = {"steps": "shorten the steps or give fewer of them (the plan in the binder keeps its full text)",
                  "routes": "shorten the fallback texts (fallback.how, fallback.mobile, password_reset.how)",
                  "downtime": "shorten maintenance.note"}.get(biggest.key[0],
                                                              "shorten call_when, does_not and outside_hours")
        return RenderError(
            f"does not fit even at the smallest sizes: {column} ({', '.join(b.what for b in blocks)}) needs "
            f"{(room + over) / mm:.0f} mm where {max(room, 0) / mm:.0f} mm are left beside the title band "
            f"({band / mm:.0f} mm) and the bottom row ({bottom / mm:.0f} mm): {over / mm:.0f} mm too much, about "
            f"{lines} line{'s' if lines != 1 else ''} of {body:g}pt text. The most room goes to {biggest.what}: "
            f"{advice}; a shorter title or summary also gives room", field=biggest.field)

    # --- drawing ----------------------------------------------------------------------------

    def draw(self, solution: _Solution) -> bytes:
        """The page: what every unit of the plan shares at this geometry (the band, the columns,
        the QR code) drawn once per worker and replayed (render/stamp.py), then the unit's own
        block, the footer with its kit version, and the watermark over all as before."""
        kit, _ = self.kit, self._
        W, H, m, gap = self.W, self.H, self.m, self.gap
        k = solution.scale
        footer_top = m + self.footer_h
        # the columns grow back towards their largest sizes within the room left
        room = self._room(solution.unit, k)
        grown = []
        for blocks, width in ((solution.left, solution.left_w),
                              (solution.right, self.inner_w - solution.left_w - gap)):
            grown.append((width, _most(lambda n: self._column(blocks, n, width) <= room, k, STEPS) or k))
        slack = room - max(self._column(b, n, w) for b, (w, n) in zip((solution.left, solution.right), grown))
        # bottom row: the unit's block and the QR code, which takes the slack it can use
        bottom_h, unit_w, qr = self._bottom(solution.unit, k, grow=slack)
        bottom_y = footer_top + 2 * mm + gap
        unit_k = _most(lambda n: self._height(solution.unit, n, unit_w) <= bottom_h, k, STEPS) or k

        shape = (k, solution.shown, solution.arrangement, tuple(grown), bottom_h, unit_w, qr)
        recording = drawn_once(kit, ("poster", self.sig, shape),
                               lambda plan: _Poster(plan, self.layout, self.fonts)._shared(*shape))
        buf = io.BytesIO()
        c = new_canvas(buf, (W, H), self.fonts, title=f"{kit.title} – {kit.unit_name}", author=kit.organisation,
                       subject=_("Wall poster"), lang=kit.lang)
        replay(c, recording)
        draw_stack(c, self._footer(self.footer_size, False), m, footer_top, self.inner_w)
        draw_stack(c, solution.unit.make(unit_k / STEPS, False), m, bottom_y + bottom_h, unit_w)
        if kit.example:
            watermark(c, _("EXAMPLE – not for use"), self.fonts, (W, H), self.layout.colours.watermark)
        c.showPage()
        c.save()
        return buf.getvalue()

    def _shared(self, k: int, shown: _Shown, arrangement: int, grown: tuple, bottom_h: float, unit_w: float,
                qr: float) -> Recording:
        """What every unit of the plan shows alike at this geometry (this poster's kit has no unit)."""
        W, H, m, gap = self.W, self.H, self.m, self.gap
        c = new_canvas(io.BytesIO(), (W, H), self.fonts, title="", author="", subject="", lang=self.kit.lang)
        band_h = self._band_h(k)
        c.setFillColor(HexColor(self.layout.colours.band))
        c.rect(m, H - m - band_h, self.inner_w, band_h, stroke=0, fill=1)
        draw_stack(c, self._band(k / STEPS), m + self.pad, H - m - self.pad, self.inner_w - 2 * self.pad)

        footer_top = m + self.footer_h
        c.setStrokeColor(HexColor(self.layout.colours.rule))
        c.setLineWidth(0.8)
        c.line(m, footer_top + 2 * mm, W - m, footer_top + 2 * mm)

        bottom_y = footer_top + 2 * mm + gap
        if self.kit.fallback_url:
            col_w, caption_h, lines, size = self._caption(k / STEPS)
            centre = W - m - col_w / 2
            top = bottom_y + bottom_h
            draw_qr(c, self.kit.fallback_url, centre - qr / 2, top - qr, qr)
            c.setFillColor(HexColor(self.layout.colours.ink))
            c.setFont(self.fonts.bold, size)
            for i, line in enumerate(lines):
                c.drawCentredString(centre, top - qr - size * (1.0 + 1.2 * i),
                                    checked(line, self.fonts.bold, "plan.fallback.url"))
            label = self._text(self.browser, "label", Size(size, size), 1.0, colour=self.layout.colours.ink, align=1)
            draw_stack(c, [label], W - m - col_w, top - qr - len(lines) * size * 1.2, col_w)

        left, right, _left_w = next(itertools.islice(self._arrangements(shown), arrangement, None))
        mid_top = H - m - band_h - gap
        x = m
        for blocks, (width, n) in zip((left, right), grown):
            y = mid_top
            for block in blocks:
                y = draw_stack(c, block.make(n / STEPS, False), x, y, width) - BLOCK_GAP * gap
            x += width + gap
        return record(c)


# --- helpers ---------------------------------------------------------------------------------

def _most(ok: Callable[[int], bool], low: int, high: int) -> int | None:
    """The largest n in low..high with ok(n), for an ok that holds up to some n and not after."""
    if high < low or not ok(low):
        return None
    lo, hi = low, high + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo


def _lines(flowables: list[Flowable], width: float) -> float:
    total = 0
    for f in flowables:
        f.wrap(width, 10_000)
        if getattr(f, "nk_overflow", 0.0) > OVERFLOW:
            return math.inf
        total += line_count(f)
    return total


def _fewest_lines(make: Callable[[float], list[Flowable]], width: float, rng: Size) -> tuple[float, int] | None:
    """(size, lines): the largest size on the fit grid at which the texts take the fewest lines
    they can take in the range; None when a word is too wide even at the smallest size."""
    least = _lines(make(rng.min), width)
    if least == math.inf:
        return None
    k = _most(lambda n: _lines(make(Size(rng.max, rng.min).at(n / STEPS)), width) <= least, 0, STEPS)
    return Size(rng.max, rng.min).at(k / STEPS), int(least)


def _too_wide(text: str, font: str, size: float, width: float, where: str) -> str:
    word = max(text.split(), key=lambda w: stringWidth(w, font, size))
    return (f"the word '{word}' is wider than {where} ({width / mm:.0f} mm) even at {size:g}pt; shorten it or "
            f"break it with a space or hyphen")


def _too_wide_word(text: str, font: str, size: float, width: float) -> bool:
    return any(stringWidth(word, font, size) > width for word in text.split())
