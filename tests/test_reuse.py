"""render/reuse.py keeps font subsets and compressed streams per process: a kept result must be
exactly what reportlab would have made, and never another input's."""

from __future__ import annotations

import zlib

from reportlab.pdfbase import pdfdoc, pdfmetrics

from nødkit.render import reuse
from nødkit.render.fonts import register_fonts
from nødkit.build.loading import load_project

from conftest import CONTENT, LAYOUTS


def test_a_kept_compression_is_the_inputs_own():
    reuse.install()
    encode = pdfdoc.PDFZCompress.encode
    a = bytes(range(256)) * 8
    b = bytes(reversed(range(256))) * 8  # as long as a, other bytes
    for text in (a, b, a, b"short", "text with ø and é " * 100):
        raw = text.encode("utf-8") if isinstance(text, str) else text
        assert zlib.decompress(encode(text)) == raw
        assert encode(text) == zlib.compress(raw)


def test_a_kept_font_subset_is_the_one_reportlab_makes():
    reuse.install()
    project = load_project(CONTENT, [LAYOUTS])
    fonts = register_fonts(*project.layouts.fonts_for("da"))
    face = pdfmetrics.getFont(fonts.regular).face
    first, other = [0, 65, 66, 248], [0, 65, 67, 248]
    made = face.makeSubset(first)
    assert face.makeSubset(first) == made  # kept
    assert face.makeSubset(other) != made  # another subset is made, not the kept one
    assert reuse._make_subset(face, other) == face.makeSubset(other)  # as reportlab's own
