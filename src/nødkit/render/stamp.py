"""Drawing once what every unit of a plan shares.

Most of a kit is the same for every unit of a plan in a language: a registration sheet differs
from the next unit's only in the unit's name and kit version. A renderer draws such a page in
two parts: the *background*, drawn from the kit with the unit's own fields left empty (so it
cannot show one unit's name on another's page) and kept in the worker process, once per plan ×
language × layout × fonts; and the unit's own words. The background is recorded as it is drawn
(`record`: the page's operators, the codes its fonts gave each letter, its graphics states) and
replayed on each unit's canvas (`replay`), which then draws the unit's words in the places the
background left for them (`Slot`): one ordinary document with one subset of each font, the
unit's new letters getting the next codes.

The cache key is everything the background is drawn from: the kit without its unit, the
layout, the fonts and the renderer. Two units share a background only where all of that is the
same, so sharing never changes what a page shows; it only skips drawing it again.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from reportlab.platypus import Flowable

from ..resolve import Kit

T = TypeVar("T")

# The unit's own fields (and those that differ per unit). A background is drawn without them.
# `documents` is the unit's too: which documents it gets, and how many copies of each.
UNIT_FIELDS = {
    "unit_id": "", "unit_name": "", "unit_short_name": "", "unit_address": "", "unit_phone": "",
    "leader_name": "", "leader_phone": "", "neighbours": (), "kit_version": "", "copies": {},
    "documents": (),
}

# backgrounds and their thumbnails kept per process: a plan has about 30 shared pages and
# thumbnails per language (9 sheets, the pack's page, the posters' geometries); a worker may
# draw units of several plans and languages in turn, and 64 made them push each other out
_KEEP = 256
_CACHE: OrderedDict[str, object] = OrderedDict()


def without_unit(kit) -> Kit:
    """The kit as every unit of its plan shares it: the unit's own fields empty. (Accepts a
    TrackedKit: the background's reads are then not the unit's.)"""
    kit = getattr(kit, "_kit", kit)
    return dataclasses.replace(kit, **UNIT_FIELDS)


def background_key(kit, *parts) -> str:
    """What a background is drawn from, hashed: the kit without its unit (and without `words`,
    which its language and region stand for), and the renderer's own parts (layout, fonts, …)."""
    plan = without_unit(kit)
    fields = [(f.name, getattr(plan, f.name)) for f in dataclasses.fields(plan) if f.name != "words"]
    words = getattr(plan, "words", None)
    blob = repr((fields, getattr(words, "lang", None), getattr(words, "region", None), parts))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def shared(key: str, draw: Callable[[], T]) -> T:
    """`draw()` once per key in this process; later calls get the same result."""
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]  # type: ignore[return-value]
    value = draw()
    _CACHE[key] = value
    while len(_CACHE) > _KEEP:
        _CACHE.popitem(last=False)
    return value


def drawn_once(kit, parts: tuple, draw: Callable[[Kit], T]) -> T:
    """`draw(plan)` once per plan and `parts` in this process, `plan` being the kit without its
    unit. The fields `draw` read are marked as read on `kit` (a TrackedKit) every time, so the
    reprint list still knows what the page shows."""
    from ..resolve import TrackedKit

    def first():
        plan = TrackedKit(without_unit(kit))
        return draw(plan), frozenset(plan.used())

    value, used = shared(background_key(kit, *parts), first)
    if isinstance(kit, TrackedKit):
        kit._used.update(used)
    return value


class Slot(Flowable):
    """A place kept in a shared background for a flowable of the unit's own (its name, its kit
    version): as high as that flowable, drawn empty, and remembering where it was put so that
    the unit's page draws the flowable there."""

    def __init__(self, content: Flowable):
        super().__init__()
        self.content = content
        self.at: tuple[float, float, float] | None = None  # x, y, available width

    def wrap(self, aw, ah):
        self._aw = aw
        self.width, self.height = self.content.wrap(aw, ah)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.content.getSpaceBefore()

    def getSpaceAfter(self):
        return self.content.getSpaceAfter()

    def drawOn(self, canvas, x, y, _sW=0):
        self.at = (x, y, self._aw)

    def draw(self):
        pass


def fill_slots(c, slots: Sequence[tuple[Flowable, tuple[float, float, float]]]) -> None:
    """Draw each unit flowable where its slot was in the background."""
    for flowable, (x, y, width) in slots:
        flowable.wrap(width, 10_000)
        flowable.drawOn(c, x, y)


@dataclass(frozen=True)
class Recording:
    """What a canvas drew on its page, to be drawn again on another canvas: the page's
    operators and what they refer to (each font's characters and their codes, the graphics
    states by name). A unit's page replays the recording of the page every unit of its plan
    shares, then draws its own words with the same canvas: one document, one subset of each
    font, as if it had been drawn from the start (its new letters get the next codes)."""

    code: tuple[str, ...]
    fonts: tuple[tuple[object, str, object], ...]  # (font, its name in the document, its subset state)
    gstates: tuple[tuple[object, str], ...]  # (ExtGState entry, name)


def record(c) -> Recording:
    """The page `c` has drawn so far; before its showPage. Only what replay can carry over: a
    single page of vector drawing and text in embedded TrueType fonts."""
    doc = c._doc
    dynamic = {font.fontName: font for font in doc.delayedFonts}
    if (c._formsinuse or c._annotationrefs or c._colorsUsed or c._shadingUsed or c.state_stack
            or set(doc.fontMapping) != set(dynamic) or c._pageNumber != 1):
        raise ValueError("a page with forms, links, colour spaces, other fonts or an open state cannot be replayed")
    fonts = tuple((font, doc.fontMapping[name], _copied(font.state[doc])) for name, font in dynamic.items())
    return Recording(tuple(c._code), fonts, tuple(c._extgstate._c.items()))


def replay(c, recording: Recording) -> None:
    """Draw the recording on the fresh canvas `c`, in a saved graphics state, so that what the
    canvas takes the state to be (its initial one) is what the page has after it."""
    doc = c._doc
    if doc.delayedFonts or doc.fontMapping or c._code:
        raise ValueError("replay onto a canvas that has drawn nothing yet")
    for font, name, state in recording.fonts:
        font.state[doc] = _copied(state)
        doc.fontMapping[font.fontName] = name
        doc.delayedFonts.append(font)
    c._extgstate._c.update(recording.gstates)
    c._code.append("q")
    c._code.extend(recording.code)
    c._code.append("Q")


def _copied(state):
    new = copy.copy(state)
    new.assignments = dict(state.assignments)
    new.subsets = [list(subset) for subset in state.subsets]
    return new
