"""What a build starts from: the content and layouts loaded, and every problem a unit's documents
would have found with them — checked once, before anything is drawn."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..content.load import UNITS_FILE, Content, load_content
from ..errors import ContentError, Location, Problem
from ..i18n import catalogue_path, has_catalogue, untranslated
from ..layout import Layouts, load_layouts
from ..layout.binder import check_units as check_binder_units
from ..layout.sheets import check_units as check_sheet_units, unit_gets

RESERVED_UNIT_ID = "print"  # output/print/ holds the print runs across units (print_runs.py)


def default_dir(name: str) -> Path:
    """The example content/layouts: inside the wheel, or beside src/ in a checkout."""
    package = Path(__file__).resolve().parents[1]  # nødkit/
    packaged = package / "_defaults" / name
    return packaged if packaged.is_dir() else package.parents[1] / name


@dataclass
class Project:
    content: Content
    layouts: Layouts
    # a unit's resolved kit per (unit, language, as-of, maintenance dates shown): its documents
    # are drawn one after another from the same kit
    kits: dict = field(default_factory=dict, repr=False, compare=False)


def documents(project: Project) -> list[str]:
    """Every document id a unit can get, in print order."""
    return list(project.layouts.documents)


def load_project(content_dir: Path, layout_dirs: list[Path]) -> Project:
    problems: list[Problem] = []
    content = layouts = None
    try:
        content = load_content(content_dir)
    except ContentError as exc:
        problems.extend(exc.problems)
    try:
        layouts = load_layouts(layout_dirs)
    except ContentError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    project = Project(content, layouts)
    _check_units_against_project(project)
    return project


def _check_units_against_project(project: Project) -> None:
    content = project.content
    doc = content.docs[UNITS_FILE]
    known = documents(project)
    problems = []
    for i, unit in enumerate(content.units):
        if unit.id == RESERVED_UNIT_ID:
            problems.append(Problem(doc.location(("units", i, "id")), f"units[{i}].id",
                                    f"'{unit.id}' is the name of the output folder of the print runs "
                                    f"(output/{RESERVED_UNIT_ID}/); give the unit another id"))
        for key in unit.copies:
            if key not in known:
                problems.append(Problem(doc.location(("units", i, "copies", key), key=True),
                                        f"units[{i}].copies.{key}",
                                        f"unknown document '{key}'; expected one of: {', '.join(known)}"))
        for j, lang in enumerate(content.languages(unit)):
            if not has_catalogue(lang):
                problems.append(Problem(doc.location(("units", i, "languages", j)), f"units[{i}].languages[{j}]",
                                        f"nødkit has no translation catalogue for '{lang}' (see docs/languages.md)"))
    # no silent fallback to English for interface words either
    used = sorted({lang for u in content.units for lang in content.languages(u) if has_catalogue(lang)})
    for lang in used:
        missing = untranslated(lang)
        if missing:
            problems.append(Problem(Location(catalogue_path(lang)), "msgstr",
                                    f"{len(missing)} interface words have no '{lang}' translation: "
                                    f"{', '.join(repr(m) for m in missing[:5])}"))
    problems += check_sheet_units(project.layouts.documents, content)
    problems += check_binder_units(project.layouts.documents, content)
    problems += _qr_problems(project)
    if problems:
        raise ContentError(problems)


def _qr_problems(project: Project) -> list[Problem]:
    """A fallback address too long for a QR code a phone can read at the size its documents
    print it (the qrcode library fails outright beyond version 40), named before anything is
    drawn, with the longest address that fits."""
    from reportlab.lib.units import mm

    from ..content.load import PLANS_DIR
    from ..render.base import QR_MIN_MODULE, QUIET_MODULES, qr_capacity, qr_version

    content = project.content
    problems = []
    for name, doc in content.docs.items():
        plan = content.plans.get(doc.data.get("id")) if name.startswith(PLANS_DIR + "/") else None
        url = getattr(getattr(plan, "fallback", None), "url", None)
        if url is None:
            continue
        sizes = {spec.id: spec.layout.qr_size for spec in project.layouts.documents.values()
                 if getattr(spec.layout, "qr_size", None)
                 and any(u.plan == plan.id and unit_gets(u, spec) for u in content.units)}
        if not sizes:
            continue
        smallest = min(sizes, key=sizes.get)
        version = qr_version(url)
        modules = None if version is None else 17 + 4 * version + 2 * QUIET_MODULES
        if modules is None or sizes[smallest] / modules < QR_MIN_MODULE - 1e-6:
            need = ("more than a QR code can hold at all" if modules is None else
                    f"a QR code of {modules} modules, {sizes[smallest] / modules / mm:.2f} mm each on {smallest} "
                    f"({sizes[smallest] / mm:g} mm), under the {QR_MIN_MODULE / mm:g} mm a phone camera needs")
            problems.append(Problem(doc.location(("fallback", "url")), "fallback.url",
                                    f"the address is {len(url.encode('utf-8')):,} bytes long: {need}. At the sizes "
                                    f"the layouts print it, a QR code holds at most {qr_capacity(sizes[smallest]):,} "
                                    f"bytes; use a shorter address (e.g. a short link on your own domain)"))
    return problems


def check_letters(project: Project) -> None:
    """Every text against the fonts that will draw it, as `check` does, before anything is drawn:
    a letter the font lacks is then one problem at its file, line and column, not one failed
    document per unit, language and document without a place."""
    from ..check import glyph_problems
    if "_letters" not in project.__dict__:  # once per loaded project (a benchmark builds one many times)
        project.__dict__["_letters"] = glyph_problems(project)
    if project.__dict__["_letters"]:
        raise ContentError(project.__dict__["_letters"])
