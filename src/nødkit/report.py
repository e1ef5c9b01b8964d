"""What an admin reads after `check` or `build`: problems that repeat across units, said once.

Forty units built from one plan fail or warn forty times for one cause (a step too long for
the card, a font without a letter of the plan's title). Printed per unit, the cause scrolls
away under 120 lines; printed once, with the units it concerns named, it is one line to act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

NAMED = 10  # units named in a grouped line before "and N more" (all of them with verbose)


@dataclass(frozen=True)
class Finding:
    """A problem or a note about one unit (or about none): `text` does not repeat the unit, so
    the same cause in several units reads the same."""

    text: str
    unit: str | None = None
    glue: str = ": "  # between the unit and the text when only one unit has it: "/" gives "lindely/plan/da: …"


def grouped(findings: Iterable[Finding], *, verbose: bool = False) -> list[str]:
    """One line per distinct text, in the order first found: "bakkehuset: …" for one unit,
    "15 units (a, b, …): …" for several, the text alone for none."""
    units: dict[str, list[str]] = {}
    glue: dict[str, str] = {}
    for finding in findings:
        named = units.setdefault(finding.text, [])
        glue.setdefault(finding.text, finding.glue)
        if finding.unit is not None and finding.unit not in named:
            named.append(finding.unit)
    lines = []
    for text, named in units.items():
        if len(named) == 1:
            lines.append(f"{named[0]}{glue[text]}{text}")
        else:
            lines.append(f"{who(named, verbose=verbose)}: {text}" if named else text)
    return lines


def who(units: list[str], *, verbose: bool = False) -> str:
    """'lindely', or '15 units (a, b, … and 5 more)'."""
    if len(units) == 1:
        return units[0]
    shown = units if verbose or len(units) <= NAMED else units[:NAMED]
    rest = f" and {len(units) - len(shown)} more" if len(shown) < len(units) else ""
    return f"{len(units)} units ({', '.join(shown)}{rest})"


def count(n: int, word: str, plural: str | None = None) -> str:
    """'1 unit', '3 units'."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def note_lines(notes, *, verbose: bool = False) -> list[str]:
    """What documents left out to fit, (unit, document, language, note) each, grouped: forty
    units of one plan leave out the same contacts of its posters, which is one line to read."""
    return grouped((Finding(f"{document}/{lang}: {note}", unit, "/") for unit, document, lang, note in notes),
                   verbose=verbose)


REPRINT_LINES = 10  # units in the reprint summary; the whole list is in reprint.txt (and with -v)


# (plain characters in these lines: a Windows console or log file may not have "→")
def build_summary(project, result, out, seconds: float, *, verbose: bool = False) -> list[tuple[str, bool]]:
    """What `nødkit build` prints when it has ended: (line, for stderr). A few lines whatever the
    number of units; `verbose` gives the full lists."""
    from .outfolder import INDEX, REPRINT

    lines: list[tuple[str, bool]] = []
    units = {e["unit"] for e in (*result.written, *result.unchanged)}
    lines.append((f"wrote {len(result.written)}, skipped {len(result.unchanged)}"
                  + (f", removed {len(result.removed)}" if result.removed else "")
                  + f" documents of {count(len(units), 'unit')} in {seconds:.1f} s, into {out}/", False))
    runs = result.runs
    if runs:
        from .print_runs import PRINT_DIR, README as PRINT_README
        sheets = sum(r["sheets"] for r in runs)
        papers: dict[str, int] = {}
        for r in runs:
            papers[r["paper"]] = papers.get(r["paper"], 0) + r["sheets"]
        lines.append((f"print runs: {count(len(runs), 'job')} for all units, {count(sheets, 'sheet')} "
                      f"({', '.join(f'{n} {paper}' for paper, n in papers.items())}) in {out}/{PRINT_DIR}/ "
                      f"(how to print them: {PRINT_DIR}/{PRINT_README})", False))
    lines.append((f"preview: {out}/{INDEX}", False))

    if verbose:
        lines += [(line, False) for line in (out / REPRINT).read_text("utf-8").rstrip().splitlines()]
    elif not result.reprint:
        lines.append(("reprint: nothing; no document shows anything new since the previous build", False))
    else:
        per_unit: dict[str, int] = {}
        for entry in result.reprint:
            per_unit[entry["unit"]] = per_unit.get(entry["unit"], 0) + 1
        names = {u.id: u.name for u in project.content.units}
        lines.append((f"reprint: {count(len(result.reprint), 'document')} of {count(len(per_unit), 'unit')} "
                      f"(new, or showing something that changed):", False))
        shown = list(per_unit.items())
        if len(shown) > REPRINT_LINES:
            shown = shown[:REPRINT_LINES - 1]
        width = max(len(u) for u, _ in shown)
        lines += [(f"  {unit:<{width}}  {count(n, 'document')}  {names.get(unit, '')}".rstrip(), False)
                  for unit, n in shown]
        if len(shown) < len(per_unit):
            rest = list(per_unit.items())[len(shown):]
            lines.append((f"  … and {count(len(rest), 'more unit')} ({sum(n for _, n in rest)} documents)", False))
        lines.append((f"  see {out}/{REPRINT}", False))

    notes = [(e["unit"], e["document"], e["lang"], note) for e in result.written for note in e.get("notes", ())]
    lines += [(f"warning: {line}", True) for line in note_lines(notes, verbose=verbose)]
    if result.failed_units:
        failed = result.failed_units
        lines.append((f"error: {count(len(failed), 'unit')} not written, a document of "
                      f"{'its' if len(failed) == 1 else 'theirs'} could not be made "
                      f"({'it keeps' if len(failed) == 1 else 'they keep'} what the previous build wrote): "
                      f"{who(failed, verbose=True)}", True))
        lines += [(f"  {p}", True) for p in result.problems]
        lines += [(f"  {line}", True) for line in grouped(result.failures, verbose=verbose)]
    return lines
