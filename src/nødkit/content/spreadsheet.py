"""Units kept in a spreadsheet (`units.csv` or `units.xlsx`) instead of `units.yaml`.

Most admins already have their units (names, leaders, phone numbers) in a spreadsheet.
Reading it gives exactly the data `units.yaml` would, so the same model and the same
cross-reference checks validate both; only the locations differ: a spreadsheet user
looks for "sheet Enheder, row 14, column Leder tlf.", not for line:column.

The header row may use fixed keys (`leader_phone`, `copies:poster-a3`) or the column
names in a language nødkit has a catalogue for (`Leder tlf.`, `Kopier poster-a3`).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..errors import ContentError, Location, NodkitError, Problem
from ..i18n import Words, available_languages, has_catalogue, translations
from .models import Unit
from .textfile import decode, suspicious

SHEET_FILES = ("units.csv", "units.xlsx")
MAX_CSV_BYTES = 1_000_000
MAX_XLSX_BYTES = 20_000_000  # zipped; a units sheet is a few kB, but workbooks carry styles and logos
MAX_XLSX_UNZIPPED = 200_000_000  # what the zip says its parts hold: a "zip bomb" is refused unopened
MAX_ROWS = 10_000

# Column keys in export order. Leader name and phone are two columns: nested blocks do
# not fit in a cell.
KEYS = ("id", "name", "plan", "address", "phone", "leader_name", "leader_phone",
        "neighbours", "languages", "sheets", "example")
REQUIRED = ("id", "name", "plan", "address", "phone", "leader_name", "leader_phone")
LISTS = ("neighbours", "languages", "sheets")
COPIES = "copies:"
NO_SHEETS = "-"  # `sheets: []` (no registration sheets) — a blank cell means "every kind"

# what people type in a yes/no column; SAND and FALSK are TRUE and FALSE as Danish Excel writes them
# (in a CSV, and in a cell formatted as text)
_TRUE = {"ja", "j", "yes", "y", "true", "sand", "x", "1", "✓", "✔"}
_FALSE = {"nej", "n", "no", "false", "falsk", "0", ""}
PHONES = ("phone", "leader_phone")


def _keys() -> tuple[str, ...]:
    # `sheets` is only offered while the model has it
    return tuple(k for k in KEYS if k in Unit.model_fields or k.startswith("leader_"))


# --- column names per language ----------------------------------------------------------

def _t(lang: str):
    return translations(lang if has_catalogue(lang) else "en")


def column_labels(lang: str) -> dict[str, str]:
    t = _t(lang)
    labels = {
        "id": t.pgettext("units spreadsheet", "Id"),
        "name": t.pgettext("units spreadsheet", "Name"),
        "plan": t.pgettext("units spreadsheet", "Plan"),
        "address": t.pgettext("units spreadsheet", "Address"),
        "phone": t.pgettext("units spreadsheet", "Phone"),
        "leader_name": t.pgettext("units spreadsheet", "Leader"),
        "leader_phone": t.pgettext("units spreadsheet", "Leader phone"),
        "neighbours": t.pgettext("units spreadsheet", "Neighbours"),
        "languages": t.pgettext("units spreadsheet", "Languages"),
        "sheets": t.pgettext("units spreadsheet", "Registration sheets"),
        "example": t.pgettext("units spreadsheet", "Example"),
    }
    return {k: labels[k] for k in _keys()}


def copies_label(lang: str, document: str = "{document}") -> str:
    return _t(lang).pgettext("units spreadsheet", "Copies {document}").replace("{document}", document)


def sheet_title(lang: str) -> str:
    return _t(lang).pgettext("units spreadsheet", "Units")


def yes_no(lang: str) -> tuple[str, str]:
    t = _t(lang)
    return t.pgettext("units spreadsheet", "yes"), t.pgettext("units spreadsheet", "no")


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _header_table() -> tuple[dict[str, str], list[tuple[str, str]], dict[str, list[str]]]:
    """normalised heading -> key; (prefix, suffix) of copies headings; display names per style."""
    table: dict[str, str] = {}
    copies: list[tuple[str, str]] = [(COPIES, "")]
    styles: dict[str, list[str]] = {"keys": list(_keys()) + [COPIES + "<document-id>"]}
    for lang in available_languages():
        labels = column_labels(lang)
        for key, label in labels.items():
            table.setdefault(_norm(label), key)
        prefix, _, suffix = _norm(copies_label(lang)).partition("{document}")
        copies.append((prefix, suffix))
        styles[lang] = list(labels.values()) + [copies_label(lang, "<document-id>")]
    for key in _keys():
        table[_norm(key)] = key
    return table, copies, styles


# --- locations a spreadsheet user understands ----------------------------------------------

@dataclass(frozen=True)
class SheetLocation(Location):
    """A cell, a row or a whole sheet. `line` is the row, `column` the column number."""

    sheet: str | None = None
    heading: str | None = None

    def __str__(self) -> str:
        parts = [str(self.file)]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.line is not None:
            parts.append(f"row {self.line}")
        if self.heading is not None:
            parts.append(f"column {self.heading}")
        elif self.column is not None:
            parts.append(f"column {_letters(self.column)}")
        return ", ".join(parts)


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


@dataclass
class SheetDoc:
    """A units spreadsheet read into the shape of units.yaml; same interface as YamlDoc."""

    file: Path
    data: Any
    sheet: str | None
    header_row: int
    rows: list[int]  # spreadsheet row of units[i]
    columns: dict[str, tuple[int, str]]  # key ("leader_phone", "copies:poster-a3") -> (column, heading)

    def location(self, path: tuple, *, key: bool = False) -> SheetLocation:
        path = tuple(path)
        if len(path) < 2 or path[0] != "units" or not isinstance(path[1], int) or path[1] >= len(self.rows):
            return SheetLocation(self.file, self.header_row if path[:1] == ("units",) else None, sheet=self.sheet)
        row = self.rows[path[1]]
        rest = path[2:]
        column = None
        if rest[:1] == ("leader",):
            column = f"leader_{rest[1]}" if len(rest) > 1 else None
        elif rest[:1] == ("copies",):
            column = f"{COPIES}{rest[1]}" if len(rest) > 1 else None
        elif rest:
            column = str(rest[0])
        if column in self.columns:
            index, heading = self.columns[column]
            return SheetLocation(self.file, row, index, sheet=self.sheet, heading=heading)
        return SheetLocation(self.file, row, sheet=self.sheet)


# --- reading -------------------------------------------------------------------------------

def read_units_sheet(file: Path) -> SheetDoc:
    """Read units.csv / units.xlsx into a SheetDoc, or raise ContentError."""
    suffix = file.suffix.lower()
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise _error(Location(file), f"cannot read file: {exc.strerror}") from None
    limit = MAX_XLSX_BYTES if suffix == ".xlsx" else MAX_CSV_BYTES
    if size > limit:
        raise _error(Location(file), f"file is {size:,} bytes; expected at most {limit:,} bytes for a units sheet")
    if suffix == ".xlsx":
        sheet, rows = _xlsx_rows(file)
    elif suffix == ".csv":
        sheet, rows = None, _csv_rows(file)
    else:
        raise _error(Location(file), "expected a .csv or .xlsx file")
    return _to_doc(file, sheet, rows)


def _error(location: Location, message: str, field: str = "") -> ContentError:
    return ContentError([Problem(location, field, message)])


_SEP_LINE = re.compile(r"sep=(.)[ \t]*(?:\r\n|\r|\n|$)")  # Excel's hint: the separator this file uses


def _csv_rows(file: Path) -> list[tuple[int, list[Any]]]:
    # Excel's plain "CSV" on a Danish Windows is Windows-1252; "CSV UTF-8" and "Unicode text"
    # (UTF-16, tab-separated) carry a byte-order mark. See textfile.decode.
    text = decode(file.read_bytes(), file, spreadsheet=True)
    sep = _SEP_LINE.match(text)
    if sep:  # a `sep=;` first line is not a row: Excel hides it too
        delimiter, text = sep[1], text[sep.end():]
    else:
        first = next((line for line in text.splitlines() if line.strip()), "")
        # Excel separates with ";" where the decimal mark is a comma (Danish, German, ...)
        delimiter = max(",;\t", key=first.count)
    rows = []
    # strict: a stray quote is an error at its row, not a cell that silently swallows the next rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number, line = 0, 1
    try:
        for cells in reader:
            number += 1
            rows.append((number, [_unguard(cell) for cell in cells]))
            line = reader.line_num + 1
    except csv.Error as exc:
        row = number + 1
        if "end of data" in str(exc):
            message = ('a quote (") opens a cell in this row and is never closed: the rest of the file ran into '
                       "that one cell. Close the quote, or delete it")
        elif reader.line_num > line:
            message = (f'a quote (") opens a cell in this row that is not closed before line {reader.line_num}: '
                       f"the rows between ran into that one cell. Close the quote, or delete it")
        else:
            message = (f'a quote (") in this row is followed by more text in the same cell ({exc}); put the whole '
                       f"cell in quotes, or leave the quotes out")
        raise _error(SheetLocation(file, row), message) from None
    return rows


def _xlsx_rows(file: Path) -> tuple[str, list[tuple[int, list[Any]]]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(file) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _error(Location(file), f"cannot read it as an Excel workbook (.xlsx): {exc}; "
                                     f"save it from the spreadsheet program as .xlsx or .csv") from None
    if unzipped > MAX_XLSX_UNZIPPED:  # zipfile never inflates a part beyond the size it declares
        raise _error(Location(file), f"the workbook unpacks to {unzipped:,} bytes; expected at most "
                                     f"{MAX_XLSX_UNZIPPED:,} bytes for a units sheet")
    try:
        # openpyxl warns about workbook features it does not read (data validation,
        # conditional formatting); they do not matter for the cell values
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        # SyntaxError: the XML parsers' errors (ElementTree's ParseError, lxml's XMLSyntaxError),
        # e.g. broken XML or an entity expansion ("billion laughs") that expat refuses
        raise _error(Location(file), f"cannot read it as an Excel workbook (.xlsx): {exc}; "
                                     f"save it from the spreadsheet program as .xlsx or .csv") from None
    try:
        wanted = {_norm(sheet_title(lang)) for lang in available_languages()}
        sheet = next((ws for ws in book.worksheets if _norm(ws.title) in wanted), book.worksheets[0])
        rows = []
        for number, cells in _sheet_rows(file, sheet):
            rows.append((number, [_Error(c.value) if c.data_type == "e" else c.value for c in cells]))
            if len(rows) > MAX_ROWS:
                raise _error(SheetLocation(file, sheet=sheet.title), f"more than {MAX_ROWS:,} rows")
        return sheet.title, _formulas_without_values(file, sheet.title, rows)
    except (zipfile.BadZipFile, OSError, SyntaxError) as exc:  # read_only: the sheet is parsed while read
        raise _error(Location(file), f"cannot read it as an Excel workbook (.xlsx): {exc}; "
                                     f"save it from the spreadsheet program as .xlsx or .csv") from None
    finally:
        book.close()


def _sheet_rows(file: Path, sheet):
    """(row number, cells) of every row that holds something."""
    # the stored sheet size is often wrong in files from other programs; read what is there
    sheet.reset_dimensions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cells in sheet.iter_rows():
            real = [c for c in cells if getattr(c, "row", None)]
            if real and not all(_blank(c.value) for c in real):
                yield real[0].row, cells


@dataclass(frozen=True)
class _Formula:
    """A cell with a formula and no value saved with it (a file written by a program that does
    not calculate): nødkit reads saved values, it does not calculate."""

    text: str


@dataclass(frozen=True)
class _Error:
    """A cell whose saved value is one of Excel's errors (#REF!, #N/A, ...)."""

    code: str


def _formulas_without_values(file: Path, title: str, rows: list) -> list:
    """An empty cell may hold a formula whose value was never saved (a row of nothing else is not
    even among `rows`): read the formulas too, and mark those cells."""
    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(file, read_only=True, data_only=False)
    try:
        formulas = {number: [c.value for c in cells] for number, cells in _sheet_rows(file, book[title])}
    finally:
        book.close()
    values = dict(rows)
    merged = []
    for number in sorted(set(values) | set(formulas)):
        cells = list(values.get(number, []))
        written = formulas.get(number, [])
        cells += [None] * (len(written) - len(cells))
        for i, formula in enumerate(written):
            if cells[i] is None and isinstance(formula, str) and formula.startswith("="):
                cells[i] = _Formula(formula)
        if any(not _blank(c) for c in cells):
            merged.append((number, cells))
    return merged


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _field(key: str) -> str:
    if key.startswith(COPIES):
        return f"copies.{key.removeprefix(COPIES)}"
    return key.replace("leader_", "leader.", 1)


def _wrong_cell(key: str, value: Any) -> str | None:
    """Why a cell cannot be read as what its column holds (None: it can). A spreadsheet keeps
    numbers, dates and TRUE/FALSE as such: a date in the name column would print as
    "2026-04-03T00:00:00", a formula whose value was never saved as nothing at all."""
    if isinstance(value, _Formula):
        return (f"a formula ({value.text}) without a saved value: nødkit reads the values a spreadsheet program "
                f"saved with the workbook and does not calculate. Open the file in Excel or LibreOffice and save "
                f"it again, or type the value itself")
    if isinstance(value, _Error):
        return f"the cell shows an error ({value.code}) instead of a value; correct its formula, or type the value"
    numeric = key in PHONES or key.startswith(COPIES) or key == "example"
    expected = ("a phone number" if key in PHONES else "a number of copies" if key.startswith(COPIES)
                else "yes or no" if key == "example" else "text")
    if isinstance(value, bool):
        if key == "example":
            return None
        return (f"a TRUE/FALSE value ({'SAND' if value else 'FALSK'} in Danish Excel) where {expected} is expected; "
                f"type the value itself")
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):  # datetime is a date
        midnight = isinstance(value, dt.datetime) and value.time() == dt.time()
        shown = value.date().isoformat() if midnight else cell_text(value)
        return (f"a date or time ({shown}) where {expected} is expected: the spreadsheet turned what was "
                f"typed into a date. Format the column as Text (Excel: Format Cells → Text) and type it again")
    if isinstance(value, (int, float)):
        if not numeric:
            return (f"a number ({cell_text(value)}) where text is expected: format the column as Text (Excel: "
                    f"Format Cells → Text) and type it again, so it reads exactly as typed")
        if isinstance(value, float) and not value.is_integer():
            return f"a number with decimals ({value:g}) where {expected} is expected"
        return None
    if isinstance(value, str):
        found = next(suspicious(value), None)
        if found:
            return found[1]
        if "\t" in value:
            return "a tab character in the cell: a printed text takes no tabs; replace it with a space"
    return None


def cell_text(value: Any) -> str:
    """A cell as the text the admin sees: 33123456.0 (a phone typed as a number) is '33123456'."""
    if value is None:
        return ""
    if isinstance(value, _Formula):
        return value.text
    if isinstance(value, _Error):
        return value.code
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


@functools.lru_cache(maxsize=1)
def _yes_no_words() -> tuple[set[str], set[str]]:
    yes = _TRUE | {_norm(yes_no(lang)[0]) for lang in available_languages()}
    no = _FALSE | {_norm(yes_no(lang)[1]) for lang in available_languages()}
    return yes, no


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = _norm(cell_text(value))
    yes, no = _yes_no_words()
    if text in yes:
        return True
    if text in no:
        return False
    return cell_text(value)  # the model reports it at its cell


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else cell_text(value)


def _columns(file: Path, sheet: str | None, row: int, cells: list[Any]) -> dict[str, tuple[int, str]]:
    table, copies, styles = _header_table()
    columns: dict[str, tuple[int, str]] = {}
    problems: list[Problem] = []
    unknown: list[tuple[int, str]] = []
    votes: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        heading = cell_text(cell)
        if not heading:
            continue
        norm = _norm(heading)
        key = table.get(norm)
        if key is None:
            for prefix, suffix in copies:
                if norm.startswith(prefix) and norm.endswith(suffix) and len(norm) > len(prefix) + len(suffix):
                    document = heading.strip()[len(prefix):len(heading.strip()) - len(suffix)].strip()
                    key = COPIES + document
                    break
        if key is None:
            unknown.append((index, heading))
            continue
        for style, names in styles.items():
            votes[style] = votes.get(style, 0) + (norm in {_norm(n) for n in names})
        where = SheetLocation(file, row, index, sheet=sheet, heading=heading)
        if key in columns:
            problems.append(Problem(where, "", f"column '{heading}' says the same as column "
                                               f"'{columns[key][1]}'; keep one of them"))
            continue
        columns[key] = (index, heading)
    # suggest and list names in the style the sheet already uses (Danish, English or keys)
    style = max(votes, key=votes.get) if votes else "keys"
    names = styles[style]
    candidates = {_norm(n): n for names_ in styles.values() for n in names_}
    for index, heading in unknown:
        near = difflib.get_close_matches(_norm(heading), list(candidates), n=1, cutoff=0.6)
        hint = f"; did you mean '{candidates[near[0]]}'?" if near else ""
        problems.append(Problem(SheetLocation(file, row, index, sheet=sheet, heading=heading), "",
                                f"unknown column '{heading}'{hint} Expected columns: {', '.join(names)}"))
    label_of = dict(zip(list(_keys()), names))
    for key in REQUIRED:
        if key not in columns:
            problems.append(Problem(SheetLocation(file, row, sheet=sheet), "",
                                    f"the header row has no column '{label_of.get(key, key)}' ({key}); "
                                    f"every unit needs it"))
    if problems:
        raise ContentError(problems)
    return columns


def _to_doc(file: Path, sheet: str | None, rows: list[tuple[int, list[Any]]]) -> SheetDoc:
    rows = [(n, cells) for n, cells in rows if not all(_blank(c) for c in cells)]
    if not rows:
        raise _error(SheetLocation(file, sheet=sheet), "the sheet is empty; expected a header row and one row per unit")
    header_row, header = rows[0]
    columns = _columns(file, sheet, header_row, header)
    used = {index for index, _heading in columns.values()}
    units: list[dict[str, Any]] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    for number, cells in rows[1:]:
        stray = next((i for i, c in enumerate(cells, start=1) if not _blank(c) and i not in used), None)
        if stray is not None:
            problems.append(Problem(SheetLocation(file, number, stray, sheet=sheet), "",
                                    f"a value in a column without a heading: {cell_text(cells[stray - 1])!r}; "
                                    f"give the column a heading or clear it"))
        unit: dict[str, Any] = {}
        for key, (index, heading) in columns.items():
            raw = cells[index - 1] if index - 1 < len(cells) else None
            wrong = _wrong_cell(key, raw)
            if wrong:
                problems.append(Problem(SheetLocation(file, number, index, sheet=sheet, heading=heading),
                                        f"units[{len(units)}].{_field(key)}", wrong))
                continue
            text = cell_text(raw)
            if key in ("leader_name", "leader_phone"):
                unit.setdefault("leader", {})[key.removeprefix("leader_")] = text
            elif key in REQUIRED:
                # kept even when blank, so the model names the empty cell, not a missing key
                unit[key] = text
            elif key == "sheets" and text == NO_SHEETS:
                unit[key] = []
            elif key in LISTS:
                if text:
                    unit[key] = _split(text)
            elif key == "example":
                if not _blank(raw):
                    unit[key] = _yes_no(raw)
            elif key.startswith(COPIES):
                if text:
                    unit.setdefault("copies", {})[key.removeprefix(COPIES)] = _number(raw)
        units.append(unit)
        numbers.append(number)
    if problems:
        raise ContentError(problems)
    return SheetDoc(file=file, data={"units": units}, sheet=sheet, header_row=header_row,
                    rows=numbers, columns=columns)


# --- writing -------------------------------------------------------------------------------

def units_table(content) -> tuple[list[str], list[list[Any]]]:
    """The units as a header row (in the organisation's language) and one row per unit."""
    org = content.organisation
    lang = org.default_language
    words = Words(lang if has_catalogue(lang) else "en", org.region)
    labels = column_labels(lang)
    yes, no = yes_no(lang)
    units = content.units
    _refuse_unexported([u for u in units if isinstance(u, Unit)])
    keys = [k for k in _keys() if k != "sheets" or any(_unit_value(u, "sheets") is not None for u in units)]
    documents: list[str] = []
    for unit in units:
        documents += [d for d in (_unit_value(unit, "copies") or {}) if d not in documents]
    header = [labels[k] for k in keys] + [copies_label(lang, d) for d in documents]
    rows = []
    for unit in units:
        if isinstance(unit, dict):  # still holding `nødkit init` placeholders: a row to fill in
            rows.append(_as_written(unit, keys, documents, yes, no))
            continue
        row: list[Any] = []
        for key in keys:
            if key == "leader_name":
                row.append(unit.leader.name)
            elif key == "leader_phone":
                row.append(words.phone(unit.leader.phone))
            elif key == "phone":
                row.append(words.phone(unit.phone))
            elif key == "sheets":
                row.append("" if unit.sheets is None else (", ".join(unit.sheets) or NO_SHEETS))
            elif key in LISTS:
                row.append(", ".join(getattr(unit, key)))
            elif key == "example":
                row.append(yes if unit.example else no)
            else:
                row.append(getattr(unit, key))
        row += [unit.copies.get(d, "") for d in documents]
        rows.append(row)
    return header, rows


def _unit_value(unit, name: str):
    return unit.get(name) if isinstance(unit, dict) else getattr(unit, name)


def _as_written(raw: dict, keys: list[str], documents: list[str], yes: str, no: str) -> list[Any]:
    """A unit's block from units.yaml as a row, each value as written (placeholders stay, to be
    filled in the spreadsheet; reading it back names each one left at its cell)."""
    leader = raw.get("leader") if isinstance(raw.get("leader"), dict) else {}
    row: list[Any] = []
    for key in keys:
        value = leader.get(key[len("leader_"):]) if key.startswith("leader_") else raw.get(key)
        if key == "example":
            value = yes if value is True else no
        elif key == "sheets" and value == []:
            value = NO_SHEETS
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        row.append("" if value is None else value if isinstance(value, (str, int, float)) else str(value))
    copies = raw.get("copies") if isinstance(raw.get("copies"), dict) else {}
    return row + [copies.get(d, "") for d in documents]


def _refuse_unexported(units: Iterable[Unit]) -> None:
    # "export loses nothing": a unit field added to the model but not to the sheet columns
    # must stop the export rather than vanish on the way back in
    covered = {"leader", "copies"} | set(KEYS)
    extra = [name for name in Unit.model_fields if name not in covered]
    for unit in units:
        for name in extra:
            if getattr(unit, name) != Unit.model_fields[name].default:
                raise NodkitError(f"unit '{unit.id}' sets '{name}', which a units spreadsheet cannot hold yet; "
                                  f"keep the units in units.yaml")


def to_xlsx(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit for sheet names
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    # phone numbers and ids stay text when edited: typed into a General cell, "33 12 34 56"
    # would survive but "33123456" would become a number
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, str):
                cell.number_format = "@"
                # openpyxl stores a text starting with "=" as a formula: a unit named
                # '=HYPERLINK("http://…")' would become a live link in Excel (and read back empty)
                cell.data_type = "s"
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[index - 1])) for r in rows if index - 1 < len(r)])
        sheet.column_dimensions[_letters(index)].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# A spreadsheet program evaluates a CSV cell that starts with one of these as a formula
# ("CSV injection"). Export writes such a cell with an apostrophe in front, and import takes
# exactly that apostrophe away again, so the round trip keeps '+45 …' and '-' as they were.
# (A value that already starts with apostrophes before such a character gets one more.)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _guard(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START) else value


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_START) else cell


def to_csv(header: list[str], rows: list[list[Any]], lang: str) -> bytes:
    from babel import Locale

    try:
        decimal = Locale.parse(lang).number_symbols["latn"]["decimal"]
    except (ValueError, LookupError):
        decimal = "."
    # what Excel in the organisation's language opens with a double-click
    delimiter = ";" if decimal == "," else ","
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else _guard(v) for v in row] for row in rows])
    # the byte-order mark makes Excel read UTF-8 (æ, ø, å) instead of guessing Windows-1252
    return buffer.getvalue().encode("utf-8-sig")


def export_units(content, target: Path) -> bytes:
    header, rows = units_table(content)
    lang = content.organisation.default_language
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return to_xlsx(header, rows, sheet_title(lang))
    if suffix == ".csv":
        return to_csv(header, rows, lang)
    raise NodkitError(f"{target}: expected a file name ending in .xlsx or .csv")
