"""The wall poster's layout files: layouts/poster-a3.yaml and layouts/poster-a4.yaml."""

from __future__ import annotations

from pydantic import Field
from reportlab.lib.units import mm

from ..content.models import Base
from ..errors import Problem
from . import SAFE_AREA, Colour, DocumentSpec, LayoutReader, Length, Page, SizeRange

# Smallest sizes (pt) a poster may print at, by paper size: DESIGN.md §4.
POSTER_MINIMUMS = {
    "A3": {"title": 60, "step": 20, "number": 28, "text": 14, "footer": 9},
    "A4": {"title": 40, "step": 14, "number": 20, "text": 9, "footer": 7},
}
POSTER_ROLES = {
    "title": "title", "summary": "text", "heading": "text", "step": "step", "number": "number",
    "contact": "text", "body": "text", "footer": "footer",
}


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



FILES = ("poster-a3.yaml", "poster-a4.yaml")


def documents(reader: LayoutReader) -> list[DocumentSpec]:
    specs = []
    for order, rel in enumerate(FILES):
        result = reader.read(rel, PosterLayout)
        if not result:
            continue
        layout, doc, path = result
        reader.problems.extend(_check_poster(layout, doc))
        specs.append(DocumentSpec(id=layout.document, kind="poster", layout=layout, file=path,
                                  renderer=".render.poster:render_poster", order=10 + order))
    return specs


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
