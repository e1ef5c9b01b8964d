"""The plan document's layout: layouts/plan.yaml (the whole plan, typeset for the binder)."""

from __future__ import annotations

from pydantic import Field
from reportlab.lib.units import mm

from ..content.models import Base
from ..errors import Problem
from . import SAFE_AREA, DocumentSpec, LayoutReader, Length, Page

# Reading sizes for a binder document (pt): below these a tired reader struggles.
MINIMUMS = {"body": 10, "title": 16, "heading": 12, "small": 8}


class PlanSizes(Base):
    title: float = Field(gt=0)
    heading: float = Field(gt=0)
    body: float = Field(gt=0)
    small: float = Field(gt=0)


class PlanLayout(Base):
    document: str
    page: Page
    margin: Length
    sizes: PlanSizes


def documents(reader: LayoutReader) -> list[DocumentSpec]:
    result = reader.read("plan.yaml", PlanLayout)
    if not result:
        return []
    layout, doc, path = result
    if layout.margin < SAFE_AREA - 1e-6:
        reader.problems.append(Problem(doc.location(("margin",)), "margin",
                                       f"{layout.margin / mm:.1f}mm is inside the 10mm edge printers cannot print; "
                                       f"expected at least 10mm"))
    for name, least in MINIMUMS.items():
        value = getattr(layout.sizes, name)
        if value < least:
            reader.problems.append(Problem(doc.location(("sizes", name)), f"sizes.{name}",
                                           f"{value:g}pt is below the smallest readable size for the plan ({least}pt)"))
    return [DocumentSpec(id=layout.document, kind="plan", layout=layout, file=path,
                         renderer=".render.plan:render_plan", order=50)]
