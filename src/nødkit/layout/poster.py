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
    title: SizeRange = Field(description="The plan's title in the band at the top")
    summary: SizeRange = Field(description="The line under the title in the band: what the situation is")
    heading: SizeRange = Field(description="The two column headings, \"Do this now\" and \"Call now\"")
    step: SizeRange = Field(description="The numbered steps in the left column")
    number: SizeRange = Field(description="Phone numbers (bold): the contacts', the leader's, the unit's and the "
                                          "neighbour units'")
    contact: SizeRange = Field(description="Contact names; the headings in the bars of the call boxes and the unit "
                                           "block; the headings of the fallback routes and of planned downtime")
    body: SizeRange = Field(description="All other text: when to call, hours, e-mail, the fallback routes, planned "
                                        "downtime, the unit's address and neighbours, the web address under the QR code")
    footer: SizeRange = Field(description="The two footer lines: approved by, prepared by, last updated, editor, "
                                          "kit version, printed date")


class PosterColours(Base):
    band: Colour = Field(default="#000000", description="Fill of the title band at the top")
    band_text: Colour = Field(default="#FFFFFF", description="Text in the title band, and the headings in the bars of "
                                                             "the call boxes and the unit block (those bars are always "
                                                             "black: keep this light)")
    ink: Colour = Field(default="#000000", description="The footer text and the web address with its caption under "
                                                       "the QR code (the other text is black)")
    rule: Colour = Field(default="#000000", description="The line above the footer")
    watermark: Colour = Field(default="#9A9A9A", description="The diagonal \"EXAMPLE – not for use\" across the "
                                                             "posters of example units (printed at 35 % opacity)")


class PosterLayout(Base):
    document: str = Field(description="Document id (e.g. `poster-a3`): names the PDF, "
                                      "`<unit>/<document>.<lang>.pdf`, and is the key for it in a unit's `copies:`")
    page: Page = Field(description="The paper the poster is printed on")
    margin: Length = Field(description="Empty border around the page: no ink within it. At least 10mm, the edge "
                                       "printers cannot print")
    gap: Length = Field(description="Space between the regions: the band, the two columns, the bottom row and the "
                                    "footer; the blocks within a column are 0.6 × gap apart")
    title_lines: int = Field(default=3, ge=1, le=4,
                             description="Most lines the plan's title may take; the title band grows with the title "
                                         "and the summary, and the regions below share what is left")
    qr_size: Length = Field(description="Smallest side of the QR code to the fallback web address, bottom right, quiet "
                                        "zone included; at least 40mm. It grows into free room up to `qr_max`")
    qr_max: Length = Field(description="Largest side the QR code grows to when the page has room")
    steps_width: float = Field(ge=0.3, le=0.7, description="Share of the width inside the margins (a fraction, not "
                                                           "mm) for the left column: the steps and, where they fit "
                                                           "best, the fallback routes and planned downtime. The "
                                                           "rest, less `gap`, is for whom to call. The unit's block "
                                                           "and the QR code share the bottom row")
    maintenance_dates: int = Field(default=6, ge=0, le=12,
                                   description="How many coming planned-maintenance dates are listed under "
                                               "\"Planned downtime\" (0: none, only the note)")
    sizes: PosterSizes = Field(description="Type sizes in points, per kind of text, each a size range `{max, min}`")
    colours: PosterColours = Field(default=PosterColours(), description="Colours as `#RRGGBB`; each key may be "
                                                                        "left out")



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
    if layout.qr_max < layout.qr_size - 1e-6:
        problems.append(Problem(doc.location(("qr_max",)), "qr_max",
                                f"{layout.qr_max / mm:.1f}mm is smaller than qr_size ({layout.qr_size / mm:.1f}mm)"))
    minimums = POSTER_MINIMUMS[layout.page.size]
    for name, role in POSTER_ROLES.items():
        rng: SizeRange = getattr(layout.sizes, name)
        if rng.min < minimums[role]:
            problems.append(Problem(doc.location(("sizes", name, "min")), f"sizes.{name}.min",
                                    f"{rng.min:g}pt is below the print rule for {layout.page.size} "
                                    f"({role} at least {minimums[role]}pt)"))
    return problems
