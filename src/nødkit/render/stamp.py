"""Drawing once what every unit of a plan shares.

Most of a kit is the same for every unit of a plan in a language: a registration sheet differs
from the next unit's only in the unit's name and kit version. A renderer draws such a page in
two parts: the *background*, drawn from the kit with the unit's own fields left empty (so it
cannot show one unit's name on another's page), kept in the worker process and drawn once per
plan × language × layout × fonts; and the unit's own words, drawn on a small page of their own
and put on top of the background as a form XObject (pikepdf, which copies the background's
compressed streams as they are).

The cache key is everything the background is drawn from: the kit without its unit, the
layout, the fonts and the renderer. Two units share a background only where all of that is the
same, so sharing never changes what a page shows; it only skips drawing it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections import OrderedDict
from typing import Callable, TypeVar

from ..resolve import Kit

T = TypeVar("T")

# The unit's own fields (and those that differ per unit). A background is drawn without them.
UNIT_FIELDS = {
    "unit_id": "", "unit_name": "", "unit_short_name": "", "unit_address": "", "unit_phone": "",
    "leader_name": "", "leader_phone": "", "neighbours": (), "kit_version": "", "copies": {},
}

_KEEP = 64  # backgrounds kept per process: a plan has at most a few dozen shared pages per language
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


def stamp(background: bytes, overlay: bytes, *, title: str | None = None) -> bytes:
    """The background PDF with each page of `overlay` put on top of the page of the same number
    (as a form XObject, with its own resources), and the document's title set to `title`."""
    import pikepdf

    from .pack import save_job

    with pikepdf.open(io.BytesIO(background)) as pdf, pikepdf.open(io.BytesIO(overlay)) as top:
        if len(top.pages) != len(pdf.pages):
            raise ValueError(f"overlay has {len(top.pages)} pages, background {len(pdf.pages)}")
        for page, words in zip(pdf.pages, top.pages):
            page.add_overlay(words)
        if title is not None:
            pdf.docinfo["/Title"] = title
        out = io.BytesIO()
        save_job(pdf, out)
        return out.getvalue()
