"""Blank registration sheets: one layout file per sheet kind, in layouts/sheets/<kind>.yaml.

A sheet kind is data, not code: a municipality adds a kind (or replaces a default one) by
putting a file of the same name in its own layouts folder. This module reads those files,
checks them against what a pen and a printer need, and computes the page geometry that
both the renderer and the checks use, so a layout that passes `check` always draws.

What is checked here, with file:line, before anything is drawn:
- unknown keys (the models forbid extras);
- a row height under 8 mm, labels under 8 pt, a QR code under 18 mm, a margin inside 10 mm;
- column and field widths that cannot hold what they are for (a drug name, a time, a check
  box) or their own label at 8 pt;
- column labels too long for the column heading;
- every label's characters against the font that draws it (the language's font when the
  theme names one for it); widths are measured with that font too;
- at least one row on the page.
Labels in the languages the units ask for are checked in `check_units`, the first place
where both the layouts and the units are known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..content.load import UNITS_FILE
from ..content.models import Base, Id, _check_lang, nfc
from ..content.yamlfile import format_path, read_yaml
from ..errors import ContentError, Location, Problem
from . import SAFE_AREA, DocumentSpec, LayoutReader, Length, Page, Theme, find_file, resolve_font

KIND_PREFIX = "sheet-"
FOLDER = "sheets"

# Print rules for paper filled in by pen (DESIGN.md §1, §4).
MIN_ROW = 8 * mm
MIN_LABEL_PT = 8.0
MIN_QR = 18 * mm
MIN_QR_MODULE = 0.4 * mm
MIN_FIELD_HEIGHT = 9 * mm  # an 8 pt caption plus a line to write on

# Fixed parts of every sheet; the layout files set the rest.
PAD = 1.5 * mm  # inside every cell and box
LEADING = 1.15
NUMBER_WIDTH = 9 * mm  # the row-number column: "Nr." or "No." at 8 pt bold
CAPTION_WIDTH = 46 * mm  # the words beside the QR code: a typical address on one line
SMALL_PRINT_LINES = 2  # the back-entry instruction at the bottom
SMALL_PT = 8.0

# The narrowest cell a handwritten value of each kind needs, before its label is considered.
KIND_MIN = {
    "text": 20 * mm,  # a word or two: a drug name, a reason
    "time": 13 * mm,  # "14.35"
    "number": 12 * mm,  # a reading or a count: "120/80", "12"
    "initials": 11 * mm,
    "checkbox": 8 * mm,
    "entered": 24 * mm,  # a date and initials
}
CHECKBOX = 4 * mm  # the side of a drawn check box
CHOICE_GAP = 3.5 * mm  # so it is clear which word a box belongs to
FORM_BACK_ENTRY = 50 * mm  # a form's back-entry box: its caption on one line at 8 pt

# The line every sheet starts with: the unit's name (printed), date, sheet no., "page __ of __",
# as shares of the line. A kind's header fields with `line: 0` join this line, with their own
# `width` in the same shares; the narrowest each box may get keeps it writable.
STANDARD = (("unit", 3.8, 40 * mm), ("date", 1.3, 22 * mm), ("sheet", 0.9, 15 * mm), ("page", 1.7, 38 * mm))


def _label(value: Any) -> dict[str, str]:
    """A label is always per language, so a missing language is found, never guessed."""
    if isinstance(value, dict) and value:
        out = {}
        for lang, text in value.items():
            _check_lang(lang)
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"expected text for language {lang!r}, found {text!r}")
            out[lang] = nfc(" ".join(text.split()))
        return out
    raise ValueError(f"expected a label per language such as {{da: Tidspunkt, en: Time}}, found {value!r}")


Label = Annotated[dict[str, str], BeforeValidator(_label),
                  WithJsonSchema({"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                                  "minProperties": 1, "description": "Language code -> text"})]

ColumnKind = Literal["text", "time", "number", "initials", "checkbox", "entered"]


class SheetField(Base):
    """A box to write in, above the table (header) or below it (footer)."""

    id: Id
    label: Label
    width: float = Field(default=1, gt=0, description="Share of its line, relative to the other fields on it")
    line: int = Field(default=1, ge=0, le=4, description="Which line of fields it sits on: 1 = the first under "
                                                        "the unit/date line; 0 = on that line (header only)")
    kind: Literal["text", "time", "checkbox"] = "text"
    choices: list[Label] = Field(default=[], description="For kind checkbox: one drawn box per choice")


class SheetColumn(Base):
    id: Id
    label: Label
    width: float = Field(gt=0, description="Share of the table's width, relative to the other columns")
    kind: ColumnKind = "text"
    choices: list[Label] = Field(default=[], description="For kind checkbox: one drawn box per choice")


class SheetBox(Base):
    """A large ruled area on a form sheet (a message, a reply)."""

    id: Id
    label: Label
    height: float = Field(default=1, gt=0, description="Share of the form's height, relative to the other boxes")


class SheetLayout(Base):
    id: Id = Field(description="The sheet kind; must equal the file name. The document id is sheet-<id>.")
    title: Label
    note: Label | None = Field(default=None, description="One or two lines of instructions in the top band")
    type: Literal["rows", "form"] = "rows"
    order: int = Field(default=50, ge=0, le=99, description="Position among the sheets in a print pack")
    page: Page = Page(size="A4")
    margin: Length = 12 * mm
    gap: Length = 3 * mm
    band_height: Length = 13 * mm
    field_height: Length = 11 * mm
    column_header_height: Length = 13 * mm
    row_height: Length = 9 * mm
    footer_height: Length = 20 * mm
    qr_size: Length = 20 * mm
    back_entry_width: Length = Field(default=30 * mm, description="Width of the back-entry column nødkit adds")
    numbered: bool = Field(default=True, description="A narrow first column with the row number")
    label_size: float = Field(default=9, gt=0, description="Column labels (pt); shrinks towards 8 pt to fit")
    title_size: float = Field(default=16, gt=0)
    header: list[SheetField] = []
    columns: list[SheetColumn] = []
    boxes: list[SheetBox] = []
    footer: list[SheetField] = []


# --- geometry: the one place that decides where things go -------------------------------

@dataclass(frozen=True)
class Column:
    kind: str  # a column kind, or "row-number"
    width: float  # points
    source: int | None  # index in layout.columns; None for the columns nødkit adds
    role: str = ""  # "row-number" | "back-entry" for the columns nødkit adds


@dataclass(frozen=True)
class Geometry:
    page: tuple[float, float]
    left: float
    right: float
    band_top: float
    band_bottom: float
    field_lines: list[tuple[float, float]]  # (top, bottom) of the unit/date line, then the header lines
    table_top: float  # top of the column heading (or of the form's boxes)
    rows_top: float  # under the column heading
    rows_floor: float  # the lowest a row may reach
    rows: int
    footer_top: float

    @property
    def width(self) -> float:
        return self.right - self.left


def line_groups(fields: list[SheetField]) -> list[list[tuple[int, SheetField]]]:
    """Fields grouped by line, lines in order (gaps in the numbering close up); line 0 excluded."""
    lines = sorted({f.line for f in fields} - {0})
    return [[(i, f) for i, f in enumerate(fields) if f.line == n] for n in lines]


def geometry(layout: SheetLayout) -> Geometry:
    W, H = layout.page.points
    m = layout.margin
    band_top = H - m
    band_bottom = band_top - layout.band_height
    top = band_bottom - layout.gap
    lines = []
    for _ in range(1 + len(header_lines(layout))):
        lines.append((top, top - layout.field_height))
        top -= layout.field_height
    table_top = top - layout.gap
    rows_top = table_top - layout.column_header_height
    footer_top = m + layout.footer_height
    rows_floor = footer_top + layout.gap
    rows = max(0, math.floor((rows_top - rows_floor) / layout.row_height + 1e-6))
    return Geometry(page=(W, H), left=m, right=W - m, band_top=band_top, band_bottom=band_bottom,
                    field_lines=lines, table_top=table_top, rows_top=rows_top, rows_floor=rows_floor,
                    rows=rows if layout.type == "rows" else 0, footer_top=footer_top)


def declares_back_entry(layout: SheetLayout) -> bool:
    return any(c.kind == "entered" for c in layout.columns)


def table_columns(layout: SheetLayout) -> list[Column]:
    """The columns as drawn: row numbers, the layout's columns, and the back-entry column."""
    usable = layout.page.points[0] - 2 * layout.margin
    fixed = NUMBER_WIDTH if layout.numbered else 0.0
    add_back_entry = not declares_back_entry(layout)
    if add_back_entry:
        fixed += layout.back_entry_width
    total = sum(c.width for c in layout.columns) or 1.0
    share = max(usable - fixed, 0.0)
    out = [Column("row-number", NUMBER_WIDTH, None, "row-number")] if layout.numbered else []
    out += [Column(c.kind, share * c.width / total, i) for i, c in enumerate(layout.columns)]
    if add_back_entry:
        out.append(Column("entered", layout.back_entry_width, None, "back-entry"))
    return out


def _share(fields: list[tuple[int, SheetField]], width: float) -> list[tuple[int, float]]:
    total = sum(f.width for _, f in fields) or 1.0
    return [(i, width * f.width / total) for i, f in fields]


def header_lines(layout: SheetLayout) -> list[list[tuple[int, float]]]:
    """The header's field lines under the unit/date line: (index in layout.header, width) each."""
    usable = layout.page.points[0] - 2 * layout.margin
    return [_share(group, usable) for group in line_groups(layout.header)]


def standard_line(layout: SheetLayout) -> list[tuple[str | int, float]]:
    """The unit/date line: ("unit" | "date" | "sheet" | "page" | index in layout.header, width)."""
    usable = layout.page.points[0] - 2 * layout.margin
    items: list[tuple[str | int, float]] = [(name, share) for name, share, _min in STANDARD]
    items += [(i, f.width) for i, f in enumerate(layout.header) if f.line == 0]
    total = sum(share for _item, share in items)
    return [(item, usable * share / total) for item, share in items]


def footer_fields_width(layout: SheetLayout) -> float:
    """The footer's fields share the width the QR code and its caption leave."""
    return layout.page.points[0] - 2 * layout.margin - layout.qr_size - CAPTION_WIDTH - 2 * layout.gap


def footer_lines(layout: SheetLayout) -> list[list[tuple[int | None, float]]]:
    """The footer's field lines: (index in layout.footer, width); None is the back-entry box of a form.

    A form has no rows to give a back-entry column, so it gets a back-entry box at the end of
    its last footer line instead: a form can forget it no more than a rows sheet can.
    """
    width = footer_fields_width(layout)
    groups = line_groups(layout.footer)
    if layout.type != "form":
        return [_share(group, width) for group in groups]
    box = max(layout.back_entry_width, FORM_BACK_ENTRY)
    if not groups:
        return [[(None, box)]]
    lines = [_share(group, width) for group in groups[:-1]]
    return lines + [_share(groups[-1], width - box) + [(None, box)]]


# --- measuring -------------------------------------------------------------------------

def longest_word(text: str, font: str, size: float) -> float:
    return max((stringWidth(w, font, size) for w in text.split()), default=0.0)


def label_lines(text: str, font: str, size: float, width: float) -> list[str]:
    return simpleSplit(text, font, size, width)


def label_fits(text: str, font: str, size: float, width: float, height: float) -> bool:
    inner = width - 2 * PAD
    if longest_word(text, font, size) > inner + 1e-6:
        return False
    return len(label_lines(text, font, size, inner)) * size * LEADING <= height - 2 * PAD + 1e-6


def choices_width(texts: list[str], font: str, size: float) -> float:
    return sum(CHECKBOX + 1 * mm + stringWidth(t, font, size) for t in texts) + CHOICE_GAP * max(len(texts) - 1, 0)


def column_minimum(kind: str, labels: list[str], choice_sets: list[list[str]], bold: str, regular: str) -> float:
    """The narrowest a column may be: room for its value by pen, its label's longest word at 8 pt."""
    need = KIND_MIN[kind]
    for label in labels:
        need = max(need, longest_word(label, bold, MIN_LABEL_PT) + 2 * PAD)
    for texts in choice_sets:
        need = max(need, choices_width(texts, regular, MIN_LABEL_PT) + 2 * PAD)
    return need


FIELD_MIN = {"text": 25 * mm, "time": 15 * mm, "checkbox": 8 * mm}


def field_minimum(field: SheetField, fonts: "FontsFor") -> float:
    need = FIELD_MIN[field.kind]
    for lang, label in field.label.items():
        regular = fonts(lang)[0]
        need = max(need, stringWidth(label, regular, MIN_LABEL_PT) + 2 * PAD)
        texts = [c.get(lang, "") for c in field.choices]
        if texts:
            need = max(need, choices_width(texts, regular, MIN_LABEL_PT + 1) + 2 * PAD)
    return need


# --- validation ------------------------------------------------------------------------

def _mm(points: float) -> str:
    return f"{points / mm:.1f}mm"


# language -> (regular, bold) registered font names that draw it
FontsFor = Callable[[str], "tuple[str, str]"]


def check_sheet(layout: SheetLayout, doc, path: Path, fonts: FontsFor) -> list[Problem]:
    """Every rule a sheet layout must meet before it can print."""
    problems: list[Problem] = []

    def add(where: tuple, message: str) -> None:
        problems.append(Problem(doc.location(where), format_path(where), message))

    if layout.id != path.stem:
        add(("id",), f"'{layout.id}' differs from the file name '{path.name}'; a sheet kind's id is its file "
                     f"name (that is how a layouts folder replaces a default kind), so write id: {path.stem}")
    if layout.margin < SAFE_AREA - 1e-6:
        add(("margin",), f"{_mm(layout.margin)} is inside the 10mm edge printers cannot print; expected at least 10mm")
    if layout.row_height < MIN_ROW - 1e-6:
        add(("row_height",), f"{_mm(layout.row_height)} is under 8mm; rows must be at least 8mm high to write in by pen")
    if layout.field_height < MIN_FIELD_HEIGHT - 1e-6:
        add(("field_height",), f"{_mm(layout.field_height)} leaves no room to write under an 8pt label; "
                               f"expected at least {_mm(MIN_FIELD_HEIGHT)}")
    if layout.qr_size < MIN_QR - 1e-6:
        add(("qr_size",), f"{_mm(layout.qr_size)}; a sheet's QR code must be at least 18mm including its quiet zone")
    if layout.label_size < MIN_LABEL_PT:
        add(("label_size",), f"{layout.label_size:g}pt is under the 8pt minimum for labels")
    if layout.title_size < 12:
        add(("title_size",), f"{layout.title_size:g}pt; the sheet's title must be at least 12pt")
    if layout.band_height < layout.title_size * 1.3 + 2 * PAD:
        add(("band_height",), f"{_mm(layout.band_height)} is too low for a {layout.title_size:g}pt title; "
                              f"expected at least {_mm(layout.title_size * 1.3 + 2 * PAD)}")

    if layout.type == "rows":
        if not layout.columns:
            add(("columns",), "a rows sheet needs at least one column")
        if layout.boxes:
            add(("boxes",), "boxes belong to form sheets (type: form); a rows sheet has columns")
    else:
        if not layout.boxes:
            add(("boxes",), "a form sheet needs at least one box")
        if layout.columns:
            add(("columns",), "columns belong to rows sheets (type: rows); a form sheet has boxes")

    _check_ids(layout, add)
    if not _check_glyphs(layout, add, fonts):
        return problems  # widths measured with missing glyphs would only mislead
    _check_columns(layout, add, fonts)
    _check_fields(layout, "header", header_lines(layout), add, fonts)
    _check_standard_line(layout, add, fonts)
    _check_fields(layout, "footer", footer_lines(layout), add, fonts)
    _check_vertical(layout, add)
    return problems


def _bold_label(path: tuple) -> bool:
    """Whether render/sheets.py draws this label in bold: the title, column and box labels."""
    return path == ("title",) or (path[0] in ("columns", "boxes") and path[-1] == "label")


def _check_glyphs(layout: SheetLayout, add, fonts: FontsFor) -> bool:
    from ..render.fonts import missing_glyphs, no_glyph
    ok = True
    for path, label in labels_of(layout):
        for lang, text in label.items():
            font = fonts(lang)[1 if _bold_label(path) else 0]
            missing = missing_glyphs(text, font)
            if missing:
                add((*path, lang), no_glyph([font], missing, lang))
                ok = False
    return ok


def _check_ids(layout: SheetLayout, add) -> None:
    for name in ("header", "columns", "boxes", "footer"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(layout, name)):
            if item.id in seen:
                add((name, i, "id"), f"id '{item.id}' is used twice in {name}")
            seen.add(item.id)
    entered = [i for i, c in enumerate(layout.columns) if c.kind == "entered"]
    for i in entered[1:]:
        add(("columns", i, "kind"), "only one column can be the back-entry column (kind: entered)")
    for name in ("header", "columns", "footer"):
        for i, item in enumerate(getattr(layout, name)):
            if item.choices and item.kind != "checkbox":
                add((name, i, "choices"), f"choices are drawn as check boxes; they need kind: checkbox (found {item.kind})")


def _check_columns(layout: SheetLayout, add, fonts: FontsFor) -> None:
    if layout.type != "rows" or not layout.columns:
        return
    columns = table_columns(layout)
    usable = layout.page.points[0] - 2 * layout.margin
    fixed = sum(c.width for c in columns if c.source is None)
    needs = {}
    for col in columns:
        if col.source is None:
            continue
        spec = layout.columns[col.source]
        # each language's label and choices measured in the font that draws that language
        needs[col.source] = max(
            column_minimum(spec.kind, [text], [[ch.get(lang, "") for ch in spec.choices]] if spec.choices else [],
                           fonts(lang)[1], fonts(lang)[0])
            for lang, text in sorted(spec.label.items()))
    if sum(needs.values()) > usable - fixed + 1e-6:
        add(("columns",), f"the columns need at least {_mm(sum(needs.values()))} but the page leaves "
                          f"{_mm(usable - fixed)} (after the row numbers and the back-entry column); use "
                          + ("a landscape page or " if layout.page.orientation == "portrait" else "")
                          + "fewer columns")
    for col in columns:
        if col.source is None:
            continue
        spec = layout.columns[col.source]
        need = needs[col.source]
        if col.width < need - 1e-6:
            add(("columns", col.source, "width"),
                f"column '{spec.id}' gets {_mm(col.width)} of the page but needs at least {_mm(need)} "
                f"(a {spec.kind} column with its label at 8pt); give it a larger width or the others smaller"
                + (", or use a landscape page" if layout.page.orientation == "portrait" else ""))
            continue
        for lang, text in spec.label.items():
            if not label_fits(text, fonts(lang)[1], MIN_LABEL_PT, col.width, layout.column_header_height):
                add(("columns", col.source, "label", lang),
                    f"'{text}' does not fit a {_mm(col.width)} wide, {_mm(layout.column_header_height)} high "
                    f"column heading even at 8pt; shorten it or raise column_header_height")
    if layout.back_entry_width < KIND_MIN["entered"] - 1e-6 and not declares_back_entry(layout):
        add(("back_entry_width",), f"{_mm(layout.back_entry_width)}; the back-entry column needs at least "
                                   f"{_mm(KIND_MIN['entered'])} for a date and initials")


def _check_fields(layout: SheetLayout, name: str, lines, add, fonts: FontsFor) -> None:
    for line in lines:
        for i, w in line:
            if i is None:
                continue
            field = getattr(layout, name)[i]
            need = field_minimum(field, fonts)
            if w < need - 1e-6:
                add((name, i, "width"),
                    f"field '{field.id}' gets {_mm(w)} but needs at least {_mm(need)} for its label and "
                    f"something written; give it a larger width or move a field to another line")


def _check_standard_line(layout: SheetLayout, add, fonts: FontsFor) -> None:
    minimum = {name: need for name, _share, need in STANDARD}
    line = standard_line(layout)
    _check_fields(layout, "header", [[(i, w) for i, w in line if isinstance(i, int)]], add, fonts)
    for item, w in line:
        if isinstance(item, str) and w < minimum[item] - 1e-6:
            first = next(i for i, f in enumerate(layout.header) if f.line == 0)
            add(("header", first, "line"), f"the fields with line: 0 leave the '{item}' box {_mm(w)}; it needs "
                                           f"{_mm(minimum[item])}; move a field to line 1 or make it narrower")
    for i, f in enumerate(layout.footer):
        if f.line == 0:
            add(("footer", i, "line"), "line 0 is the unit/date line at the top; footer lines start at 1")


def _check_vertical(layout: SheetLayout, add) -> None:
    g = geometry(layout)
    footer_count = len(footer_lines(layout))
    needed = footer_count * layout.field_height + SMALL_PRINT_LINES * SMALL_PT * LEADING + PAD
    if layout.footer_height < max(layout.qr_size, needed) - 1e-6:
        add(("footer_height",), f"{_mm(layout.footer_height)} cannot hold the QR code ({_mm(layout.qr_size)}) and "
                                f"{footer_count} line(s) of footer fields with the instruction under them; "
                                f"expected at least {_mm(max(layout.qr_size, needed))}")
        return
    if layout.type == "rows" and g.rows < 1:
        add(("row_height",), "not a single row fits between the header and the footer; use fewer header "
                             "lines, a lower row height or a larger page")
    if layout.type == "form":
        room = g.table_top - g.rows_floor - layout.gap * (len(layout.boxes) - 1)
        total = sum(b.height for b in layout.boxes) or 1.0
        for i, box in enumerate(layout.boxes):
            h = room * box.height / total
            if h < layout.column_header_height + 2 * layout.row_height:
                add(("boxes", i, "height"), f"box '{box.id}' gets {_mm(h)}, too little for its label and two "
                                            f"lines to write on; give it a larger height or the others smaller")


# --- reading --------------------------------------------------------------------------

def _measuring_fonts(reader: LayoutReader) -> FontsFor:
    """The fonts that will draw each language (the theme's `fonts:`, or its `languages:` entry),
    registered for measuring. Problems with the theme are reported by load_layouts; here a font
    that cannot be used falls back to Vera so the sheets can still be checked."""
    from ..render.fonts import register_fonts

    def register(regular: str, bold: str) -> tuple[str, str] | None:
        try:
            files = [resolve_font(regular, reader.roots), resolve_font(bold, reader.roots)]
            if None in files:
                return None
            fonts = register_fonts(files[0], files[1])
            return fonts.regular, fonts.bold
        except Exception:  # noqa: BLE001 - not a usable TrueType file; reported with the theme
            return None

    theme = None
    path = find_file(reader.roots, "theme.yaml")
    if path is not None:
        try:
            theme = Theme.model_validate(read_yaml(path).data)
        except Exception:  # noqa: BLE001 - the theme's own check reports it
            pass
    # Vera is registered only when the theme's fonts cannot be: registering a font the build does
    # not use could hide a layout's own font of the same PostScript name (see render.base._register)
    default = (theme and register(theme.fonts.regular, theme.fonts.bold)) or register("Vera.ttf", "VeraBd.ttf")
    by_lang: dict[str, tuple[str, str]] = {}
    for lang, f in (theme.languages.items() if theme else ()):
        by_lang[lang] = register(f.regular, f.bold) or default

    def fonts(lang: str) -> tuple[str, str]:  # as Layouts.fonts_for: "pt_BR" uses "pt"'s fonts
        return by_lang.get(lang) or by_lang.get(lang.split("_")[0]) or default

    return fonts


def documents(reader: LayoutReader) -> list[DocumentSpec]:
    specs = []
    fonts = None
    for path in reader.glob(f"{FOLDER}/*.yaml"):
        result = reader.read_path(path, SheetLayout)
        if not result:
            continue
        layout, doc, path = result
        fonts = fonts or _measuring_fonts(reader)
        found = check_sheet(layout, doc, path, fonts)
        reader.problems.extend(found)
        if found:
            continue
        # sheets print after the posters and cards; `order` sorts them among themselves
        specs.append(DocumentSpec(id=KIND_PREFIX + layout.id, kind="sheet", layout=layout, file=path,
                                  renderer=".render.sheets:render_sheet", order=30 + layout.order / 100))
    return specs


# --- units × sheets -------------------------------------------------------------------

def sheet_kind(spec: DocumentSpec) -> str | None:
    return spec.id[len(KIND_PREFIX):] if spec.kind == "sheet" else None


def unit_gets(unit, spec: DocumentSpec) -> bool:
    """Every document but sheets, and the sheet kinds the unit names (all when it names none)."""
    kind = sheet_kind(spec)
    return kind is None or unit.sheets is None or kind in unit.sheets


def labels_of(layout: SheetLayout):
    """(path in the file, label) for every text a sheet prints from its layout."""
    yield ("title",), layout.title
    if layout.note:
        yield ("note",), layout.note
    for name in ("header", "columns", "boxes", "footer"):
        for i, item in enumerate(getattr(layout, name)):
            yield (name, i, "label"), item.label
            for j, choice in enumerate(getattr(item, "choices", [])):
                yield (name, i, "choices", j), choice


def check_units(documents: dict[str, DocumentSpec], content) -> list[Problem]:
    """Sheet kinds a unit names must exist; every label must be there in every language a unit asks for."""
    problems: list[Problem] = []
    doc = content.docs[UNITS_FILE]
    kinds = {k: s for s in documents.values() if (k := sheet_kind(s))}
    missing: dict[tuple[str, tuple, str], list[str]] = {}
    for i, unit in enumerate(content.units):
        for j, kind in enumerate(unit.sheets or []):
            if kind not in kinds:
                problems.append(Problem(doc.location(("units", i, "sheets", j)), f"units[{i}].sheets[{j}]",
                                        f"unknown sheet kind '{kind}'; known: {', '.join(sorted(kinds)) or 'none'}"))
        for kind, spec in kinds.items():
            if unit.sheets is not None and kind not in unit.sheets:
                continue
            for lang in content.languages(unit):
                for path, label in labels_of(spec.layout):
                    if lang not in label:
                        missing.setdefault((kind, path, lang), []).append(unit.id)
    files: dict[str, Any] = {}
    for (kind, path, lang), units in missing.items():
        spec = kinds[kind]
        if kind not in files:  # line marks only for files with a problem: read again, rarely
            try:
                files[kind] = read_yaml(spec.file)
            except ContentError:
                files[kind] = None
        where = files[kind].location(path) if files[kind] else Location(spec.file)
        has = ", ".join(sorted(dict(labels_of(spec.layout))[path]))
        shown = ", ".join(units[:3]) + (f" and {len(units) - 3} more" if len(units) > 3 else "")
        problems.append(Problem(where, format_path(path),
                                f"no label in language '{lang}' (has: {has}); unit(s) {shown} ask for '{lang}'"))
    return problems
