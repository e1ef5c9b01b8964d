"""Fonts: registration (embedded, subset TrueType) and the glyph check.

Kept apart from the drawing code so that `nødkit check` can measure and check labels with
the fonts without importing the PDF-drawing stack (canvas, platypus, QR codes).
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import RenderError


@dataclass(frozen=True)
class FontSet:
    regular: str  # reportlab font names
    bold: str
    files: tuple[Path, Path]


@functools.lru_cache(maxsize=None)
def _register(path: str) -> str:
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
    name = f"NK-{Path(path).stem}-{digest}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    # reportlab keeps one font per PostScript name: a different file with a name already
    # registered would silently be checked and drawn as the first one
    face = pdfmetrics.getFont(name).face
    if Path(face.filename) != Path(path) and hashlib.sha256(Path(face.filename).read_bytes()).hexdigest()[:10] != digest:
        ps = face.name.decode("latin-1") if isinstance(face.name, bytes) else face.name
        raise RenderError(f"the font files {path} and {face.filename} differ but are both named {ps!r} inside; "
                          f"reportlab can use only one of them in a build: use one file for both")
    return name


def register_fonts(regular: Path, bold: Path) -> FontSet:
    r, b = _register(str(regular)), _register(str(bold))
    from reportlab.pdfbase.pdfmetrics import registerFontFamily
    registerFontFamily(r, normal=r, bold=b, italic=r, boldItalic=b)
    registerFontFamily(b, normal=b, bold=b, italic=b, boldItalic=b)
    return FontSet(regular=r, bold=b, files=(regular, bold))


def missing_glyphs(text: str, font_name: str) -> list[str]:
    font = pdfmetrics.getFont(font_name)
    cmap = font.face.charToGlyph
    # glyph 0 is .notdef, the empty box: fonts map characters they lack to it (Vera does for
    # U+010E 'Ď', U+2015 '―' and others), and reportlab keeps those in its map
    return sorted({ch for ch in text if ch not in "\n\t" and not cmap.get(ord(ch))})


def checked(text: str, font_name: str, field: str) -> str:
    """NFC-normalise and check every character against the font."""
    text, missing = _normalised_and_missing(text, font_name)
    if missing:
        raise RenderError(no_glyph([font_name], missing), field=field)
    return text


def no_glyph(font_names: Sequence[str], missing: Sequence[str], lang: str | None = None,
             *, content: bool = False) -> str:
    """The one message for letters a font lacks — while drawing, and in `check` of layout labels
    and of content texts (`content`: which language's fonts, and the text may change instead)."""
    many = len(font_names) > 1
    names = " and ".join(font_label(f) for f in font_names) + (f" ({lang})" if content and lang else "")
    where = f"`languages: {{{lang}: …}}`" if lang else "`languages:` for this language"
    return (f"the font{'s' if many else ''} {names} {'have' if many else 'has'} no glyph for {glyph_list(missing)}; "
            f"{'change the text, or ' if content else ''}name a font that has "
            f"{'it' if len(missing) == 1 else 'them'} in the layouts' theme.yaml (`fonts:`, or {where}; "
            f"see docs/languages.md)")


@functools.lru_cache(maxsize=16384)
def _normalised_and_missing(text: str, font_name: str) -> tuple[str, tuple[str, ...]]:
    # a document checks the same texts many times (each trial size of a fit, each table cell
    # measured and drawn): the answer depends on the text and the font only
    text = unicodedata.normalize("NFC", text)
    return text, tuple(missing_glyphs(text, font_name))


def glyph_list(missing: Sequence[str], most: int = 8) -> str:
    """"'Ж' (U+0416), 'Ы' (U+042B)", and "… and 12 more" past `most` (a wrong font lacks hundreds)."""
    shown = ", ".join(f"'{ch}' (U+{ord(ch):04X})" if unicodedata.category(ch)[0] not in "CZM"
                      else f"U+{ord(ch):04X} {unicodedata.name(ch, 'an invisible character')}"  # e.g. from Word
                      for ch in missing[:most])
    return shown + (f" and {len(missing) - most} more" if len(missing) > most else "")


def font_label(font_name: str) -> str:
    """How an admin recognises a registered font: its full name and file, e.g. Bitstream Vera Sans (Vera.ttf)."""
    face = pdfmetrics.getFont(font_name).face
    name = getattr(face, "fullName", None) or getattr(face, "name", None) or font_name
    if isinstance(name, bytes):
        name = name.decode("latin-1", "replace")
    filename = getattr(face, "filename", "")
    return f"{name} ({Path(filename).name})" if filename else name
