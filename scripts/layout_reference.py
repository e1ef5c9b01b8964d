"""Write docs/layouts.md, the reference of every key in the layout files, from the models.

    python scripts/layout_reference.py           # rewrite docs/layouts.md
    python scripts/layout_reference.py --check   # exit 1 if docs/layouts.md is out of date

Every key, its type, default and limits come from the pydantic models that validate the
layout files (`src/nødkit/layout/`), its explanation from the field's `description=`, and
the minimum type sizes from the tables the checks use. So the reference cannot drift from
the code: tests/test_docs.py fails when it was not regenerated.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from reportlab.lib.units import mm

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "layouts.md"
sys.path.insert(0, str(REPO / "src"))  # run from a checkout without an installed nødkit too

from nødkit.layout import _UNITS, SAFE_AREA, Colour, Length, SizeRange, Theme  # noqa: E402
from nødkit.layout.binder import BinderLayout, BinderSizes  # noqa: E402
from nødkit.layout.cards import CARD_HEIGHT, CARD_MINIMUMS, CARD_WIDTH, CardsLayout, Count  # noqa: E402
from nødkit.layout.plan import MINIMUMS as PLAN_MINIMUMS  # noqa: E402
from nødkit.layout.plan import PlanLayout  # noqa: E402
from nødkit.layout.poster import POSTER_MINIMUMS, POSTER_ROLES, PosterLayout  # noqa: E402
from nødkit.layout.sheets import Label  # noqa: E402

# The models of the layout files, in the order the reference lists them: (files, model).
DOCUMENTS: list[tuple[tuple[str, ...], type[BaseModel]]] = [
    (("theme.yaml",), Theme),
    (("poster-a3.yaml", "poster-a4.yaml"), PosterLayout),
    (("pocket-cards.yaml",), CardsLayout),
    (("plan.yaml",), PlanLayout),
    (("binder.yaml",), BinderLayout),
]
# Models described once, in "Values", and named by a single row wherever they are used.
SHARED: tuple[type[BaseModel], ...] = (SizeRange,)


def models() -> list[type[BaseModel]]:
    """Every model the reference covers, nested ones included (for the tests)."""
    found: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in found:
            return
        found.append(model)
        for field in model.model_fields.values():
            for inner in _models_in(field.annotation):
                visit(inner)

    for _files, model in DOCUMENTS:
        visit(model)
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


# --- plain words for types, defaults and limits -------------------------------------------

def _is(field_or_meta: FieldInfo | list, alias: Any) -> bool:
    """Whether a field (or an Annotated type's metadata) was declared with the Annotated type `alias`."""
    metadata = field_or_meta.metadata if isinstance(field_or_meta, FieldInfo) else field_or_meta
    return all(any(m is a for m in metadata) for a in alias.__metadata__)


def _type_words(field: FieldInfo, owner: type[BaseModel]) -> str:
    annotation = field.annotation
    if _is(field, Length):
        return "length"
    if _is(field, Colour):
        return "colour"
    if _is(field, Count):
        return "whole number or `auto`"
    if _is(field, Label):
        return "text per language"
    if annotation is SizeRange:
        return "size range (pt)"
    if typing.get_origin(annotation) is Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation))
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if typing.get_origin(item) is typing.Annotated and _is(list(item.__metadata__), Label):
            return "list of texts per language"
    if typing.get_origin(annotation) is dict:
        _key, value = typing.get_args(annotation)
        if isinstance(value, type) and issubclass(value, BaseModel):
            return "per language code: the keys below"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "group: the keys below"
    if annotation is float:
        return "size (pt)" if owner is SizeRange or owner.__name__.endswith("Sizes") else "number"
    if annotation is int:
        return "whole number"
    if annotation is str:
        return "text"
    raise ValueError(f"{owner.__name__}: no plain words for the type {annotation!r}; add them here")


def _default_words(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
        return "none" if value in ({}, []) else f"`{value}`"
    if field.default is PydanticUndefined:
        return "required"
    if isinstance(field.default, BaseModel):
        return "see below"
    return f"`{field.default:g}`" if isinstance(field.default, float) else f"`{field.default}`"


def _limit_words(field: FieldInfo) -> str:
    bounds = ((annotated_types.Gt, "gt", ">"), (annotated_types.Ge, "ge", "≥"),
              (annotated_types.Lt, "lt", "<"), (annotated_types.Le, "le", "≤"))
    words = []
    for m in field.metadata:
        bound = next(((attr, sign) for kind, attr, sign in bounds if isinstance(m, kind)), None)
        if bound:
            words.append(f"{bound[1]} {getattr(m, bound[0]):g}")
        elif isinstance(m, annotated_types.MinLen):
            words.append(f"at least {m.min_length} item{'s' if m.min_length != 1 else ''}")
        elif isinstance(m, annotated_types.MaxLen):
            words.append(f"at most {m.max_length} items")
    if _is(field, Count):
        words.append("1 to 20")
    return ", ".join(words) or "–"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    """One table row per key, nested models as dotted keys under a row of their own."""
    rows = []
    for name, field in model.model_fields.items():
        key = prefix + name
        rows.append(f"| `{key}` | {_type_words(field, model)} | {_default_words(field)} | "
                    f"{_limit_words(field)} | {_cell(field.description or '')} |")
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in SHARED:
            rows += _rows(annotation, key + ".")
        elif typing.get_origin(annotation) is dict:
            _key, value = typing.get_args(annotation)
            if isinstance(value, type) and issubclass(value, BaseModel):
                rows += _rows(value, key + ".<lang>.")
    return rows


def _table(model: type[BaseModel], prefix: str = "") -> list[str]:
    return ["| key | type | default | limits | what it sets |", "|---|---|---|---|---|", *_rows(model, prefix)]


# --- the print rules' minimum sizes -------------------------------------------------------

def _poster_minimums() -> list[str]:
    papers = list(POSTER_MINIMUMS)
    out = ["| key | kind of text | " + " | ".join(f"{p} at least (pt)" for p in papers) + " |",
           "|---|---|" + "---|" * len(papers)]
    for name, role in POSTER_ROLES.items():
        out.append(f"| `sizes.{name}.min` | {role} | " + " | ".join(f"{POSTER_MINIMUMS[p][role]:g}" for p in papers)
                   + " |")
    return out


def _simple_minimums(minimums: dict[str, float], key: str) -> list[str]:
    return ["| key | at least (pt) |", "|---|---|",
            *(f"| `{key.format(name=name)}` | {least:g} |" for name, least in minimums.items())]


def _constraint_minimums(model: type[BaseModel]) -> dict[str, float]:
    return {name: m.ge for name, field in model.model_fields.items()
            for m in field.metadata if isinstance(m, annotated_types.Ge)}


# --- the document -------------------------------------------------------------------------

def _mm(points: float) -> str:
    return f"{points / mm:g}mm"


def _section(files: tuple[str, ...], model: type[BaseModel], intro: str, minimums: list[str] | None,
             minimums_intro: str = "") -> list[str]:
    out = [f"## {' / '.join(files)}", "", " ".join(intro.split()), "", *_table(model)]
    if minimums:
        out += ["", "Print rules: the smallest type sizes the check accepts" + (f" ({minimums_intro})" if
                                                                                 minimums_intro else "") + ".", "",
                *minimums]
    return out + [""]


# What any plan may hold: the envelope. tests/test_envelope.py builds each row's limit on every
# document (and random content within them) and tests/test_docs.py holds it to this table.
WHAT_FITS = [
    "## What fits",
    "",
    "Every document of a unit builds, in every language, for a plan within these limits — each one at "
    "a time with the rest of a plan like the example; `tests/test_envelope.py` builds every limit on every "
    "document, and random content within several of them at once. No text ever prints below its size's "
    "`min`: where a poster or card cannot hold everything, it shows what fits in order of importance and "
    "one line pointing to the plan in the binder, which always holds everything, and `nødkit check` warns, "
    "naming what was left out. What a poster gives up first, before any contact: the dates of planned "
    "downtime (the note stays), the forgotten-password route, how to use the fallback address (the QR code "
    "and the address stay), what to do when the network is down. A card's back gives up the password route, "
    "then the network route, then its last steps; its front gives up the contacts' conditions only where "
    "that shows more numbers.",
    "",
    "| content | at most | posters (A3, A4) | pocket card | registration sheets | plan, binder |",
    "|---|---|---|---|---|---|",
    "| plan title | 60 characters | up to `title_lines` (4) lines; the band grows | the plan's `short_title` if "
    "it has one, on up to 2 lines | – | wraps |",
    "| summary | 250 characters | wraps in the band | – | – | wraps |",
    "| steps | 7 (posters: 9) | every step; the steps column widens to up to 60 % | the first that fit | – | "
    "every step |",
    "| one step | 150 characters | wraps | wraps | – | wraps |",
    "| the system's name | 20 characters | wraps | wraps | a shorter wording where it would not fit | wraps |",
    "| unit name | 80 characters | wraps in its bar | the unit's `short_name`, else up to 3 lines at the foot | "
    "`short_name`, else in two parts in the unit box | wraps |",
    "| unit address | 80 characters | wraps | – | – | wraps |",
    "| leader's name | 40 characters | beside its number, or above it | beside its number, or above it | – | "
    "wraps |",
    "| neighbour units | 6 | as many as fit (the first two before more contacts), then a pointer | – | – | "
    "every one |",
    "| contacts | 20 of one availability | the first that fit, in the plan's order, then a pointer | the first "
    "that fit, then a pointer | – | every one |",
    "| a contact's name | 60 characters | beside its number, or above it | beside its number, or above it | – | "
    "wraps |",
    "| a contact's call_when | 150 characters | wraps | wraps | – | wraps |",
    "| numbers of one contact | 3 | every one | every one | – | every one |",
    "| fallback URL | 100 characters | up to 3 lines under the QR code, broken after `/` or before `.`, `?`, "
    "`&`, `#` | up to 3 lines | beside the QR code, else “the address is in the plan” | wraps at the same "
    "places |",
    "| maintenance note | 200 characters | wraps | – | – | wraps |",
    "",
    "A plan without a fallback address prints no QR code anywhere: the posters give the bottom row to the "
    "unit's block, the card gives the numbers the whole width, the sheets print only the kit version there. "
    "Whether a document fits never depends on the kit version or the date it is printed: their widest "
    "possible values are measured.",
    "",
    "Beyond these limits a build may fail. It then names the region that overflows, what it holds, by how "
    "much (in mm and lines of text) and what to do — a shorter text, the unit's `short_name` or the plan's "
    "`short_title`, fewer steps — and `nødkit check` says so first, in the same words.",
    "",
]


def reference() -> str:
    """The text of docs/layouts.md."""
    units = ", ".join(_UNITS)
    lines = [
        "# Layout files: every key",
        "",
        "This reference is generated from the code that reads the layout files "
        "(`src/nødkit/layout/`): `python scripts/layout_reference.py` rewrites it, and the tests fail "
        "when it is out of date, so edit the `description=` of a field there, not this file. It covers "
        "the files in `layouts/` except the registration sheets (`layouts/sheets/`), which "
        "[docs/sheets.md](sheets.md) describes.",
        "",
        "To change a layout, copy the file into your own layouts folder and name that folder with "
        "`--layouts DIR`: each file there replaces the default of the same name, the others stay. "
        "`nødkit check --layouts DIR` names every key that is wrong or breaks a print rule, with its "
        "line.",
        "",
        "## Values",
        "",
        f"- **length**: a number and a unit, one of {units}: `12mm`, `1.5cm`, `0.5in`, `9pt`.",
        "- **size (pt)**: a plain number in points (1pt = 1/72in ≈ 0.35mm), no unit: `11`, `8.5`.",
        "- **colour**: `#RRGGBB`, e.g. `#000000` for black. Print in black and white: meaning never "
        "rests on colour.",
        "- **text per language**: `{da: Når Nexus virker igen, en: When Nexus works again}`; every "
        "language a unit asks for must be there.",
        "- **margin**: on every document, nothing is printed within the margin, and the margin is at "
        f"least {_mm(SAFE_AREA)}: printers cannot print nearer the paper's edge.",
        "- **limits**: what a value must be to be read at all. The print rules the check adds (smallest "
        "lengths, smallest type sizes) are in the key's description and in the tables under each file.",
        "- **size range (pt)**: text that shrinks to fit its place, as `{max: 84, min: 60}`:",
        "",
        *_table(SizeRange),
        "",
    ]
    lines += WHAT_FITS
    lines += _section(("theme.yaml",), Theme,
                      "The fonts of every document. A layouts folder of your own needs a `theme.yaml` only "
                      "to change them, e.g. for a language whose letters the default fonts lack "
                      "(see [docs/languages.md](languages.md)).", None)
    lines += _section(("poster-a3.yaml", "poster-a4.yaml"), PosterLayout,
                      "The wall posters. Both files have the same keys; each sets them for its paper. "
                      "Text starts at its size's `max` and shrinks towards `min` until it fits; if it "
                      "does not fit at `min`, the build fails naming the text.",
                      _poster_minimums(), "by the paper in `page.size`")
    lines += _section(("pocket-cards.yaml",), CardsLayout,
                      f"The pocket cards: ID-1 cards ({CARD_WIDTH / mm:.2f} × {CARD_HEIGHT / mm:.2f} mm, a "
                      "bank card's size; fixed in the code, not set here) imposed on a sheet, fronts on one "
                      "page and backs on the next, for a double-sided print flipped on the long edge. At the "
                      "top of the sheet a strip says how to print, with a check bar; then the cards with "
                      "their cut marks. Cards, marks and strip must all fit inside the margin, or the check "
                      "names the key that does not fit.",
                      _simple_minimums(CARD_MINIMUMS, "sizes.{name}.min"))
    lines += _section(("plan.yaml",), PlanLayout,
                      "The whole plan, typeset for the downtime binder, over as many pages as it needs.",
                      _simple_minimums(PLAN_MINIMUMS, "sizes.{name}"))
    lines += _section(("binder.yaml",), BinderLayout,
                      "The downtime binder's cover with its contents list (page 1), and the shift check "
                      "with the recovery steps (page 2).",
                      _simple_minimums(_constraint_minimums(BinderSizes), "sizes.{name}"))
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    text = reference()
    if argv[1:] == ["--check"]:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else None
        if current != text:
            print(f"{OUT.relative_to(REPO)} is out of date: run python scripts/layout_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    if argv[1:]:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: python scripts/layout_reference.py [--check]", file=sys.stderr)
        return 2
    OUT.write_text(text, encoding="utf-8")
    print(OUT.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
