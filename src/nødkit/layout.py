"""Layouts: page geometry, type sizes, colours and fonts, read from `layouts/`.

Measurements are parsed once, here ("12mm", "1.5cm", "0.5in", "9pt" -> points), so the
renderers only see numbers. A layouts folder given on the command line overrides the
default one file by file: a municipality copies only what it changes.

The print rules of DESIGN.md §4 (minimum sizes, the 10 mm safe area) are enforced here
against every layout, so no layout file can produce a poster that breaks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.units import cm, inch, mm

from .content.load import validate_doc
from .content.models import Base
from .content.yamlfile import read_yaml
from .errors import ContentError, Location, Problem

SAFE_AREA = 10 * mm
PAGE_SIZES = {"A3": A3, "A4": A4}
_UNITS = {"mm": mm, "cm": cm, "in": inch, "pt": 1.0}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

# Smallest sizes (pt) a poster may print at, by paper size: DESIGN.md §4.
POSTER_MINIMUMS = {
    "A3": {"title": 60, "step": 20, "number": 28, "text": 14, "footer": 9},
    "A4": {"title": 40, "step": 14, "number": 20, "text": 9, "footer": 7},
}
POSTER_ROLES = {
    "title": "title", "summary": "text", "heading": "text", "step": "step", "number": "number",
    "contact": "text", "body": "text", "footer": "footer",
}


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
    size: Literal["A3", "A4"]
    orientation: Literal["portrait", "landscape"] = "portrait"

    @property
    def points(self) -> tuple[float, float]:
        size = PAGE_SIZES[self.size]
        return landscape(size) if self.orientation == "landscape" else portrait(size)


class SizeRange(Base):
    max: float = Field(gt=0)
    min: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


class PosterSizes(Base):
    title: SizeRange
    summary: SizeRange
    heading: SizeRange
    step: SizeRange
    number: SizeRange
    contact: SizeRange
    body: SizeRange
    footer: SizeRange


class PosterColours(Base):
    band: Colour = "#000000"
    band_text: Colour = "#FFFFFF"
    ink: Colour = "#000000"
    box: Colour = "#FFFFFF"
    rule: Colour = "#000000"
    watermark: Colour = "#9A9A9A"


class PosterLayout(Base):
    document: str
    page: Page
    margin: Length
    gap: Length
    band_height: Length
    qr_size: Length
    bottom_height: Length = Field(description="Height of the strip with the QR code and the fallback routes")
    steps_width: float = Field(ge=0.3, le=0.7, description="Share of the width for the steps column")
    maintenance_dates: int = Field(default=6, ge=0, le=12)
    sizes: PosterSizes
    colours: PosterColours = PosterColours()


class Fonts(Base):
    regular: str
    bold: str


class Theme(Base):
    fonts: Fonts


@dataclass
class Layouts:
    roots: list[Path]  # first match wins: a user's folder before the defaults
    theme: Theme
    theme_fonts: dict[str, Path]  # role -> resolved font file
    posters: dict[str, PosterLayout]  # document id -> layout
    files: dict[str, Path]  # document id (or "theme") -> file it came from


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
        if (root / "fonts" / name).is_file():
            return root / "fonts" / name
    import reportlab
    shipped = Path(reportlab.__file__).parent / "fonts" / name
    return shipped if shipped.is_file() else None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_layouts(roots: list[Path]) -> Layouts:
    problems: list[Problem] = []

    def read(rel: str, model):
        path = find_file(roots, rel)
        if path is None:
            problems.append(Problem(Location(roots[0] / rel), "", "layout file not found"))
            return None, None
        try:
            doc = read_yaml(path)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None, path
        parsed, found = validate_doc(doc, model, {})
        problems.extend(found)
        return (parsed, doc), path

    theme_fonts: dict[str, Path] = {}
    files: dict[str, Path] = {}
    result, path = read("theme.yaml", Theme)
    theme = None
    if result and result[0]:
        theme, doc = result
        files["theme"] = path
        for role in ("regular", "bold"):
            name = getattr(theme.fonts, role)
            font = resolve_font(name, roots)
            if font is None:
                problems.append(Problem(doc.location(("fonts", role)), f"fonts.{role}",
                                        f"font file {name!r} not found in the layouts folder (fonts/) or among reportlab's fonts"))
            else:
                theme_fonts[role] = font

    posters: dict[str, PosterLayout] = {}
    for rel in ("poster-a3.yaml", "poster-a4.yaml"):
        result, path = read(rel, PosterLayout)
        if not result or not result[0]:
            continue
        layout, doc = result
        problems.extend(_check_poster(layout, doc))
        posters[layout.document] = layout
        files[layout.document] = path

    if problems:
        raise ContentError(problems)
    return Layouts(roots=roots, theme=theme, theme_fonts=theme_fonts, posters=posters, files=files)


def _check_poster(layout: PosterLayout, doc) -> list[Problem]:
    problems = []
    if layout.margin < SAFE_AREA - 1e-6:
        problems.append(Problem(doc.location(("margin",)), "margin",
                                f"{layout.margin / mm:.1f}mm is inside the 10mm edge printers cannot print; expected at least 10mm"))
    if layout.qr_size < 40 * mm - 1e-6:
        problems.append(Problem(doc.location(("qr_size",)), "qr_size",
                                f"{layout.qr_size / mm:.1f}mm; a poster's QR code must be at least 40mm"))
    minimums = POSTER_MINIMUMS[layout.page.size]
    for name, role in POSTER_ROLES.items():
        rng: SizeRange = getattr(layout.sizes, name)
        if rng.min < minimums[role]:
            problems.append(Problem(doc.location(("sizes", name, "min")), f"sizes.{name}.min",
                                    f"{rng.min:g}pt is below the print rule for {layout.page.size} "
                                    f"({role} at least {minimums[role]}pt)"))
    return problems
