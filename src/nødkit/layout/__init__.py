"""Layouts: page geometry, type sizes, colours and fonts, read from `layouts/`.

Measurements are parsed once, here ("12mm", "1.5cm", "0.5in", "9pt" -> points), so the
renderers only see numbers. A layouts folder given on the command line overrides the
default one file by file: a municipality copies only what it changes.

The print rules of DESIGN.md §4 (minimum sizes, the 10 mm safe area) are enforced here
against every layout, so no layout file can produce a poster that breaks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.units import cm, inch, mm

from ..content.load import validate_doc
from ..content.models import Base, Lang
from ..content.yamlfile import read_yaml
from ..errors import ContentError, Location, Problem

SAFE_AREA = 10 * mm
PAGE_SIZES = {"A3": A3, "A4": A4}
_UNITS = {"mm": mm, "cm": cm, "in": inch, "pt": 1.0}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

def _length(value: Any) -> float:
    if isinstance(value, str):
        match = _LENGTH.match(value)
        if match:
            return float(match[1]) * _UNITS[match[2]]
    raise ValueError(f"expected a length such as '12mm', '1.5cm', '0.5in' or '9pt', found {value!r}")


Length = Annotated[float, BeforeValidator(_length),
                   WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?(mm|cm|in|pt)$"})]


def _colour(value: Any) -> str:
    if isinstance(value, str) and _COLOUR.match(value.strip()):
        return value.strip().upper()
    raise ValueError(f"expected a colour as #RRGGBB, found {value!r}")


Colour = Annotated[str, BeforeValidator(_colour)]


class Page(Base):
    size: Literal["A3", "A4"] = Field(description="Paper size: A3 (297 × 420 mm) or A4 (210 × 297 mm)")
    orientation: Literal["portrait", "landscape"] = Field(
        default="portrait", description="`portrait` (upright, the long side vertical) or `landscape` (on its side)")

    @property
    def points(self) -> tuple[float, float]:
        size = PAGE_SIZES[self.size]
        return landscape(size) if self.orientation == "landscape" else portrait(size)


class SizeRange(Base):
    max: float = Field(gt=0, description="Size in points (pt) the text is set at when it fits: the largest it prints")
    min: float = Field(gt=0, description="Smallest size in points (pt) the text may shrink to so that it fits; if it "
                                         "does not fit even at this size, the build fails naming the text. At most "
                                         "`max`, and not below the document's print-rule minimum")

    @model_validator(mode="after")
    def _ordered(self):
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


class Fonts(Base):
    regular: str = Field(description="TrueType (.ttf) font file for ordinary text. A bare name such as `Vera.ttf` is "
                                     "looked up in the layouts folder's `fonts/`, then among the fonts that come with "
                                     "reportlab; a name with a folder (`fonts/x.ttf`) is relative to the layouts "
                                     "folder and must stay inside it")
    bold: str = Field(description="TrueType (.ttf) font file for bold text: titles, headings, phone numbers; found "
                                  "like `regular`")


class Theme(Base):
    fonts: Fonts = Field(description="The two fonts every document is printed in, in every language not listed "
                                     "under `languages`")
    # per language, fonts that have its letters (e.g. uk: Cyrillic); other languages use `fonts`
    languages: dict[Lang, Fonts] = Field(
        default_factory=dict,
        description="Per language code (e.g. `uk`), the fonts that have its letters (e.g. Cyrillic); a regional "
                    "code such as `pt_BR` falls back to `pt`. Languages not listed use `fonts`")


@dataclass(frozen=True)
class DocumentSpec:
    """One document a unit can get: its id, its layout, and the function that draws it."""

    id: str  # "poster-a3", used in file names, copies and the manifest
    kind: str  # "poster", ...
    layout: Any
    file: Path  # the layout file it came from
    renderer: str  # ".render.module:function", imported only when a PDF is drawn (keeps `check` fast)
    order: float  # print order within a kit
    copies_in_pdf: bool = False  # the PDF itself holds the unit's copies (pocket cards): print it once


@dataclass
class Layouts:
    roots: list[Path]  # first match wins: a user's folder before the defaults
    theme: Theme
    theme_fonts: dict[str, Path]  # role -> resolved font file
    documents: dict[str, DocumentSpec]  # document id -> spec, in print order
    files: dict[str, Path]  # document id (or "theme", or "font:<lang>:<role>") -> file it came from
    language_fonts: dict[str, dict[str, Path]] = field(default_factory=dict)  # lang -> role -> font file

    def fonts_for(self, lang: str) -> tuple[Path, Path]:
        """(regular, bold) font files for documents in `lang`: the theme's `languages:` entry
        for it (or for its base language, "pt" for "pt_BR"), else the theme's `fonts:`."""
        fonts = self.language_fonts.get(lang) or self.language_fonts.get(lang.split("_")[0]) or self.theme_fonts
        return fonts["regular"], fonts["bold"]


class LayoutReader:
    """Reads layout files from the layouts folders and collects their problems."""

    def __init__(self, roots: list[Path]):
        self.roots = roots
        self.problems: list[Problem] = []

    def read(self, rel: str, model, *, required: bool = True):
        """-> (model instance, YamlDoc, path) or None; problems are collected."""
        path = find_file(self.roots, rel)
        if path is None:
            if required:
                self.problems.append(Problem(Location(self.roots[0] / rel), "", "layout file not found"))
            return None
        return self.read_path(path, model)

    def read_path(self, path: Path, model):
        try:
            doc = read_yaml(path)
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return None
        parsed, found = validate_doc(doc, model, {})
        self.problems.extend(found)
        return (parsed, doc, path) if parsed is not None else None

    def glob(self, pattern: str) -> list[Path]:
        """Files matching `pattern` across the folders; a user's file hides a default of the same name."""
        seen: dict[str, Path] = {}
        for root in self.roots:
            for path in sorted(root.glob(pattern)):
                seen.setdefault(path.relative_to(root).as_posix(), path)
        return [seen[k] for k in sorted(seen)]


def check_margin(layout, doc) -> list[Problem]:
    """The print rule every layout shares: no ink within 10 mm of the paper's edge."""
    if layout.margin < SAFE_AREA - 1e-6:
        return [Problem(doc.location(("margin",)), "margin",
                        f"{layout.margin / mm:.1f}mm is inside the 10mm edge printers cannot print; "
                        f"expected at least 10mm")]
    return []


def find_file(roots: list[Path], rel: str) -> Path | None:
    for root in roots:
        path = root / rel
        if path.is_file():
            return path
    return None


def resolve_font(name: str, roots: list[Path]) -> Path | None:
    """A font is a file in the layouts folder, or one of the fonts shipped with reportlab."""
    if "/" in name or "\\" in name or name.startswith("."):
        for root in roots:
            path = root / name
            # a layout may only name fonts inside its own folder, never elsewhere on disk
            if path.is_file() and _inside(path, root):
                return path
        return None
    for root in roots:
        path = root / "fonts" / name
        if path.is_file() and _inside(path, root):  # not a symbolic link out of the folder either
            return path
    import reportlab
    shipped = Path(reportlab.__file__).parent / "fonts" / name
    return shipped if shipped.is_file() else None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _loaders():
    # Each document kind reads its own layout files. To add a kind: write
    # layout/<kind>.py with a `documents(reader) -> list[DocumentSpec]` and list it here.
    from . import binder, cards, plan, poster, sheets
    return [binder.documents, poster.documents, plan.documents, cards.documents, sheets.documents]


def load_layouts(roots: list[Path]) -> Layouts:
    reader = LayoutReader(roots)
    theme_fonts: dict[str, Path] = {}
    language_fonts: dict[str, dict[str, Path]] = {}
    files: dict[str, Path] = {}
    theme = None
    result = reader.read("theme.yaml", Theme)
    if result:
        theme, doc, path = result
        files["theme"] = path
        named: dict[str, tuple[Path, bytes]] = {}  # PostScript name -> first file with it
        for role in ("regular", "bold"):
            font = _theme_font(reader, doc, ("fonts", role), getattr(theme.fonts, role), roots, named)
            if font is not None:
                theme_fonts[role] = font
        for lang, fonts in theme.languages.items():
            for role in ("regular", "bold"):
                font = _theme_font(reader, doc, ("languages", lang, role), getattr(fonts, role), roots, named)
                if font is not None:
                    language_fonts.setdefault(lang, {})[role] = font
                    # in the layout fingerprint, so a changed font file flags the kits for reprint
                    files[f"font:{lang}:{role}"] = font

    specs: list[DocumentSpec] = []
    for loader in _loaders():
        specs.extend(loader(reader))
    documents: dict[str, DocumentSpec] = {}
    for spec in sorted(specs, key=lambda s: (s.order, s.id)):
        if spec.id in documents:
            reader.problems.append(Problem(Location(spec.file), "document",
                                           f"document id '{spec.id}' is also used by {documents[spec.id].file}"))
        documents[spec.id] = spec
        files[spec.id] = spec.file

    if reader.problems:
        raise ContentError(reader.problems)
    return Layouts(roots=roots, theme=theme, theme_fonts=theme_fonts, documents=documents, files=files,
                   language_fonts=language_fonts)


def _theme_font(reader: LayoutReader, doc, path: tuple, name: str, roots: list[Path],
                named: dict[str, tuple[Path, bytes]]) -> Path | None:
    font = resolve_font(name, roots)
    if font is None:
        reader.problems.append(Problem(
            doc.location(path), ".".join(path),
            f"font file {name!r} not found in the layouts folder (fonts/) or among reportlab's fonts; "
            f"a font path must stay inside the layouts folder"))
        return None
    try:  # a file that is there but is no TrueType font reportlab can embed
        from reportlab.pdfbase.ttfonts import TTFontFile
        ps_name = TTFontFile(str(font), validate=0).name
    except Exception as exc:  # reportlab raises TTFError and plain errors for broken files
        reader.problems.append(Problem(
            doc.location(path), ".".join(path),
            f"font file {name!r} ({font}) cannot be used: {exc}; name a TrueType (.ttf) font"))
        return None
    # reportlab keeps one font per internal (PostScript) name; a second, different file of the
    # same name would silently be drawn as the first
    ps_name = ps_name.decode("latin-1") if isinstance(ps_name, bytes) else str(ps_name)
    data = font.read_bytes()
    first = named.setdefault(ps_name, (font, data))
    if first[1] != data:
        reader.problems.append(Problem(
            doc.location(path), ".".join(path),
            f"font file {name!r} ({font}) is a different file from {first[0]} but both call themselves "
            f"{ps_name!r}; only one of them can be used: name the same file in both places"))
        return None
    return font
