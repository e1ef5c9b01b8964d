"""The plan document's layout: layouts/plan.yaml (the whole plan, typeset for the binder)."""

from __future__ import annotations

from pydantic import Field

from ..content.models import Base
from ..errors import Problem
from . import DocumentSpec, LayoutReader, Length, Page, check_margin

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
    reader.problems.extend(check_margin(layout, doc))
    for name, least in MINIMUMS.items():
        value = getattr(layout.sizes, name)
        if value < least:
            reader.problems.append(Problem(doc.location(("sizes", name)), f"sizes.{name}",
                                           f"{value:g}pt is below the smallest readable size for the plan ({least}pt)"))
    return [DocumentSpec(id=layout.document, kind="plan", layout=layout, file=path,
                         renderer=".render.plan:render_plan", order=50)]
