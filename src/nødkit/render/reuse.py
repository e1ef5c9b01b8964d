"""Work reportlab repeats for every document, done once per process.

Every unit's documents embed the same font subsets (a sheet holds the same letters for every
unit of a plan) and many of the same compressed streams (a page drawn once for every unit,
render/stamp.py). reportlab makes each subset and compresses each stream again for every
document: in a 10-unit build 623 subsets of which 57 differ, 1,719 compressions of which 550
differ, about a tenth of a kit's time. Both are pure functions of their input, so their results
are kept, by the input's digest, and the output stays byte for byte the same.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import OrderedDict

from reportlab.pdfbase import pdfdoc, ttfonts

_KEEP = 512  # a few MB: a kit's fonts and streams, for the units a worker draws one after another
_compressed: OrderedDict[bytes, bytes] = OrderedDict()
_subsets: OrderedDict[tuple, bytes] = OrderedDict()
_SMALL = 512  # shorter streams are compressed faster than they are looked up


def _keep(cache: OrderedDict, key, make):
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = make()
    if len(cache) > _KEEP:
        cache.popitem(last=False)
    return value


def _encode(self, text):
    if isinstance(text, str):
        text = text.encode("utf-8")  # as reportlab's own encode
    if len(text) < _SMALL:
        return zlib.compress(text)
    return _keep(_compressed, hashlib.sha1(text).digest() + len(text).to_bytes(8, "little"),
                 lambda: zlib.compress(text))


_make_subset = ttfonts.TTFontFile.makeSubset


def _subset(self, subset):
    return _keep(_subsets, (self.filename, self.name, tuple(subset)), lambda: _make_subset(self, subset))


def install() -> None:
    """Idempotent; called when the renderers are imported."""
    type(pdfdoc.PDFZCompress).encode = _encode
    ttfonts.TTFontFile.makeSubset = _subset
