"""The binder cover and contents list: layouts/binder.yaml.

The recovery procedure lives here, not in code: record-keeping rules differ between
municipalities, and each may word its own steps (per language, like sheet labels).
"""

from __future__ import annotations

from pydantic import Field
from reportlab.lib.units import mm

from ..content.models import Base
from ..errors import Problem
from . import DocumentSpec, LayoutReader, Length, Page, check_margin
from .sheets import Label


class BinderSizes(Base):
    title: float = Field(ge=24, description="\"Downtime binder\" in the band at the top of the cover (the band is "
                                            "2.1 × this high), and the unit's name under it at 80 %, in points")
    heading: float = Field(ge=12, description="Headings (contents, shift check, the recovery title) and the plan's "
                                              "title line on the cover, in points")
    body: float = Field(ge=10, description="Text, the contents and shift-check tables and the recovery steps, "
                                           "in points")
    small: float = Field(ge=8, description="Small print: the kit version line on the cover, the hint under the "
                                           "shift check and the footer of page 2, in points")


class BinderLayout(Base):
    document: str = Field(description="Document id (`binder`): names the PDF, `<unit>/<document>.<lang>.pdf`, "
                                      "and is the key in a unit's `copies:`")
    page: Page = Field(description="The paper the cover (page 1) and the shift check (page 2) are printed on")
    margin: Length = Field(description="Empty border around both pages: no ink within it; at least 10mm")
    sizes: BinderSizes = Field(description="Type sizes in points")
    shift_rows: int = Field(ge=1, le=60, description="Rows of the shift check table on page 2 (date, shift, "
                                                     "initials, missing / note), filled in by pen; they and the "
                                                     "recovery steps must fit on that page")
    shift_row_height: Length = Field(description="Height of each shift check row; at least 8mm: written by hand")
    recovery_title: Label = Field(description="Heading above the recovery steps, per language: `{da: …, en: …}`. "
                                              "Every language a unit asks for must be there")
    recovery: list[Label] = Field(min_length=1, description="The recovery steps, in order: what happens to the "
                                                            "paper once the system works again. Each step per "
                                                            "language, like `recovery_title`")


def documents(reader: LayoutReader) -> list[DocumentSpec]:
    result = reader.read("binder.yaml", BinderLayout)
    if not result:
        return []
    layout, doc, path = result
    reader.problems.extend(check_margin(layout, doc))
    if layout.shift_row_height < 8 * mm - 1e-6:
        reader.problems.append(Problem(doc.location(("shift_row_height",)), "shift_row_height",
                                       f"{layout.shift_row_height / mm:.1f}mm; rows written by pen need at least 8mm"))
    return [DocumentSpec(id=layout.document, kind="binder", layout=layout, file=path,
                         renderer=".render.binder:render_binder", order=5)]


def labels_of(layout: BinderLayout):
    """(path, label) of every text the binder prints from its layout (for language checks)."""
    yield ("recovery_title",), layout.recovery_title
    for i, step in enumerate(layout.recovery):
        yield ("recovery", i), step


def check_units(documents: dict[str, DocumentSpec], content) -> list[Problem]:
    """The recovery steps must be there in every language a unit asks for."""
    from ..content.yamlfile import format_path, read_yaml
    from ..errors import ContentError, Location

    problems: list[Problem] = []
    for spec in documents.values():
        if spec.kind != "binder":
            continue
        langs = sorted({lang for unit in content.units for lang in content.languages(unit)})
        gaps = [(path, lang) for path, label in labels_of(spec.layout) for lang in langs if lang not in label]
        if not gaps:
            continue
        try:  # line marks only when there is something to report
            doc = read_yaml(spec.file)
        except ContentError:
            doc = None
        for path, lang in gaps:
            where = doc.location(path) if doc else Location(spec.file)
            problems.append(Problem(where, format_path(path), f"no text in language '{lang}'; a unit asks for it"))
    return problems
