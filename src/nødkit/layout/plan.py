"""The plan document's layout: layouts/plan.yaml (the whole plan, typeset for the binder)."""

from __future__ import annotations

from pydantic import Field

from ..content.models import Base
from ..errors import Problem
from . import DocumentSpec, LayoutReader, Length, Page, check_margin

# Reading sizes for a binder document (pt): below these a tired reader struggles.
MINIMUMS = {"body": 10, "title": 16, "heading": 12, "small": 8}


class PlanSizes(Base):
    title: float = Field(gt=0, description="The plan's title at the top of the first page, in points")
    heading: float = Field(gt=0, description="Section headings (each also a PDF bookmark), in points")
    body: float = Field(gt=0, description="Running text, in points; table cells are set at 90 % of it, and the "
                                          "space between paragraphs and around headings follows it")
    small: float = Field(gt=0, description="The footer on every page (plan, unit, kit version, page x of y), "
                                           "in points")


class PlanLayout(Base):
    document: str = Field(description="Document id (`plan`): names the PDF, `<unit>/<document>.<lang>.pdf`, and "
                                      "is the key in a unit's `copies:`")
    page: Page = Field(description="The paper the plan is printed on")
    margin: Length = Field(description="Empty border around every page: no ink within it; at least 10mm")
    sizes: PlanSizes = Field(description="Type sizes in points: single sizes, as the plan runs over as many pages "
                                         "as it needs")


def documents(reader: LayoutReader) -> list[DocumentSpec]:
    result = reader.read("plan.yaml", PlanLayout)
    if not result:
        return []
    layout, doc, path = result
    reader.problems.extend(check_margin(layout, doc))
    for name, least in MINIMUMS.items():
        value = getattr(layout.sizes, name)
        if value < least:
            reader.problems.append(Problem(doc.location(("sizes", name)), f"sizes.{name}",
                                           f"{value:g}pt is below the smallest readable size for the plan ({least}pt)"))
    return [DocumentSpec(id=layout.document, kind="plan", layout=layout, file=path,
                         renderer=".render.plan:render_plan", order=50)]
