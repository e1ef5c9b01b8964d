"""Load a content folder: read every YAML file, validate it, check cross-references.

All problems of all files are collected before raising, so an admin fixes a whole
round of mistakes at once instead of one per run.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ContentError, Location, Problem
from .models import ID_PATTERN, Contact, ContactsFile, Organisation, Plan, Unit, UnitsFile
from .placeholders import find_placeholders
from .references import reference_problems
from .spreadsheet import SHEET_FILES, read_units_sheet
from .yamlfile import YamlDoc, format_path, read_yaml

ORGANISATION_FILE = "organisation.yaml"
CONTACTS_FILE = "contacts.yaml"
UNITS_FILE = "units.yaml"
UNITS_SOURCES = (UNITS_FILE, *SHEET_FILES)  # exactly one of them holds the units
PLANS_DIR = "plans"


@dataclass
class Content:
    root: Path
    organisation: Organisation
    contacts: dict[str, Contact]
    plans: dict[str, Plan]
    units: list[Unit]
    # relative file name -> parsed file. The units document is always under UNITS_FILE, also
    # when it was read from units.csv/.xlsx (its `.file` says which): other modules look it up there.
    docs: dict[str, YamlDoc] = field(default_factory=dict)

    def unit(self, unit_id: str) -> Unit:
        index = self.__dict__.get("_by_id")
        if index is None or len(index) != len(self.units):  # built on first use: hundreds of units
            index = self.__dict__["_by_id"] = {u.id: u for u in self.units}
        return index[unit_id]

    def languages(self, unit: Unit) -> list[str]:
        return list(unit.languages) or [self.organisation.default_language]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Follow a pydantic error location through the model classes (for key suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return None
            current = info.annotation
            continue
        # Unwrap list[X], X | None, dict[str, X] and Annotated[...] to the model inside.
        args = [a for a in typing.get_args(current) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(part, int) or typing.get_origin(current) in (list, tuple, dict):
            current = models[0] if models else (args[-1] if args else None)
        elif models:
            current = models[0]
            info = current.model_fields.get(str(part))
            current = info.annotation if info else None
    while current is not None and not (isinstance(current, type) and issubclass(current, BaseModel)):
        args = [a for a in typing.get_args(current) if a is not type(None)]
        current = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return current


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problems_from_validation(doc: YamlDoc, exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        # pydantic adds the name of a union member or a validator to the location
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        kind = err["type"]
        path = format_path(loc)
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            valid = sorted(parent.model_fields) if parent else []
            near = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
            hint = f"; did you mean '{near[0]}'?" if near else "."
            msg = f"unknown key '{loc[-1]}'{hint} Expected one of: {', '.join(valid)}"
            problems.append(Problem(doc.location(loc, key=True), path, msg))
            continue
        if kind == "missing":
            # at the key of the block that lacks the field ("revision:"), or a list item's first line
            problems.append(Problem(doc.location(loc[:-1], key=True), path, f"required field '{loc[-1]}' is missing"))
            continue
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        elif "input" in err and kind not in ("model_type",):
            msg = f"{msg[0].lower()}{msg[1:]}; found {_short(err['input'])}"
        if kind == "model_type":
            msg = f"expected a block of keys (a mapping), found {_short(err.get('input'))}"
        if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == ID_PATTERN:
            # not "should match pattern '^[a-z0-9]+…'": an id names files and folders (output/<unit-id>/)
            msg = (f"expected an id of lower-case letters a-z, digits and hyphens, such as 'home-care-2' "
                   f"(it is used in file names); found {_short(err.get('input'))}")
        problems.append(Problem(doc.location(loc), path, msg))
    # one message per place: unions can report the same location twice
    unique: dict[tuple[str, str], Problem] = {}
    for p in problems:
        unique.setdefault((str(p.location), p.field), p)
    return list(unique.values())


def validate_doc(doc: YamlDoc, model: type[BaseModel], context: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if doc.data is None:
        return None, [Problem(doc.location(()), "", "the file is empty")]
    if not isinstance(doc.data, dict):
        return None, [Problem(doc.location(()), "", "expected a block of keys (a mapping) at the top of the file")]
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        return None, problems_from_validation(doc, exc, model)


def load_content(root: Path) -> Content:
    root = Path(root)
    problems: list[Problem] = []
    docs: dict[str, YamlDoc] = {}

    if not root.is_dir():
        raise ContentError([Problem(Location(root), "", "content folder not found")])

    unfilled_plans: set[str] = set()
    misnamed = misnamed_files(root)
    problems.extend(p for p, _meant in misnamed)
    meant = {m for _p, m in misnamed}
    if meant & set(UNITS_SOURCES):
        meant.add(UNITS_FILE)  # the units are there, under a name to correct

    def read(rel: str, reader=read_yaml) -> YamlDoc | None:
        path = root / rel
        if not path.is_file():
            if rel not in meant:
                problems.append(Problem(Location(path), "", "required file is missing" + _near(path)))
            return None
        try:
            doc = reader(path)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None
        docs[rel] = doc
        # A file still holding `nødkit init` placeholders is not validated: the admin should
        # read "placeholder left in", not "'<<FILL IN: …>>' is not a phone number".
        left = find_placeholders(doc)
        if left:
            problems.extend(left)
            if rel.startswith(PLANS_DIR + "/") and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
                unfilled_plans.add(doc.data["id"])
            return None
        return doc

    def read_units() -> YamlDoc | None:
        present = [name for name in UNITS_SOURCES if (root / name).exists()]
        if len(present) > 1:
            problems.append(Problem(Location(root / present[1]), "",
                                    f"the units are in both {' and '.join(present)}; keep exactly one of them "
                                    f"(e.g. delete {UNITS_FILE} after `nødkit units export`)"))
            return None
        rel = present[0] if present else UNITS_FILE
        doc = read(rel, read_yaml if rel == UNITS_FILE else read_units_sheet)
        if rel in docs:
            docs[UNITS_FILE] = docs.pop(rel)
        return doc

    org_doc = read(ORGANISATION_FILE)
    organisation = None
    if org_doc:
        organisation, found = validate_doc(org_doc, Organisation, {})
        problems.extend(found)
    if organisation is None:
        if org_doc is None and ORGANISATION_FILE in docs:  # read, but holds placeholders
            # the other files cannot be validated without the organisation, but a new folder's
            # placeholders (and syntax errors) can all be named in this same round
            read(CONTACTS_FILE)
            for path in sorted((root / PLANS_DIR).glob("*.yaml")) if (root / PLANS_DIR).is_dir() else []:
                read(f"{PLANS_DIR}/{path.name}")
            read_units()
        raise ContentError(problems)
    context = {"region": organisation.region, "default_language": organisation.default_language}

    contacts: dict[str, Contact] = {}
    contacts_doc = read(CONTACTS_FILE)
    if contacts_doc:
        parsed, found = validate_doc(contacts_doc, ContactsFile, context)
        problems.extend(found)
        if parsed:
            for i, contact in enumerate(parsed.contacts):
                if contact.id in contacts:
                    problems.append(Problem(contacts_doc.location(("contacts", i, "id")), f"contacts[{i}].id",
                                            f"duplicate contact id '{contact.id}'"))
                contacts[contact.id] = contact

    plans: dict[str, Plan] = {}
    plan_files = sorted((root / PLANS_DIR).glob("*.yaml")) if (root / PLANS_DIR).is_dir() else []
    if not plan_files and not misnamed:
        problems.append(Problem(Location(root / PLANS_DIR), "", "expected at least one plan file (plans/<id>.yaml)"
                                + _near(root / PLANS_DIR)))
    for path in plan_files:
        rel = f"{PLANS_DIR}/{path.name}"
        doc = read(rel)
        if not doc:
            continue
        plan, found = validate_doc(doc, Plan, context)
        problems.extend(found)
        if plan is None:
            continue
        if plan.id in plans:
            problems.append(Problem(doc.location(("id",)), "id", f"duplicate plan id '{plan.id}'"))
        plans[plan.id] = plan
        for i, ref in enumerate(plan.contacts):
            if contacts and ref not in contacts:
                problems.append(_unknown(doc, ("contacts", i), "contact", ref, contacts))

    units: list[Unit] = []
    units_doc = read_units()
    if units_doc:
        parsed, found = validate_doc(units_doc, UnitsFile, context)
        problems.extend(found)
        if parsed:
            units = list(parsed.units)
            known_plans = {**plans, **dict.fromkeys(unfilled_plans - set(plans))}
            problems.extend(_check_units(units_doc, units, known_plans, organisation.default_language))

    if contacts:  # (without them every reference to a contact would look wrong)
        problems.extend(reference_problems(docs, contacts, plans, plans_dir=PLANS_DIR, contacts_file=CONTACTS_FILE))

    if problems:
        raise ContentError(problems)
    return Content(root=root, organisation=organisation, contacts=contacts, plans=plans, units=units, docs=docs)


def misnamed_files(root: Path) -> list[tuple[Problem, str]]:
    """Files nødkit would not read because of their name's case or ending (`Units.csv`,
    `plans/nexus.yml`): on Windows and macOS `Units.csv` is units.csv, on Linux it was not read
    at all and the folder seemed to lack its units."""
    known = {name.casefold(): name for name in (ORGANISATION_FILE, CONTACTS_FILE, *UNITS_SOURCES, PLANS_DIR)}
    known.update({name.casefold().removesuffix(".yaml") + ".yml": name for name in known.values()
                  if name.endswith(".yaml")})
    problems = []
    for folder, names in ((root, known), (root / PLANS_DIR, None)):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if names is not None:
                meant = names.get(entry.name.casefold())
            elif entry.suffix.casefold() in (".yaml", ".yml") and entry.suffix != ".yaml":
                meant = entry.stem + ".yaml"
            else:
                meant = None
            if meant is not None and meant != entry.name:
                what = "folder" if entry.is_dir() else "file"
                problems.append((Problem(Location(entry), "", f"rename this {what} to '{meant}': nødkit reads it only "
                                                              f"under that name (lower case; YAML files end in .yaml)"),
                                 meant if names is not None else f"{PLANS_DIR}/{meant}"))
    return problems


def _near(path: Path) -> str:
    """A file beside a missing one that was probably meant as it (`organization.yaml`, or the
    units in a format nødkit does not read: `units.xls`, `units.ods`)."""
    try:
        names = [p.name for p in path.parent.iterdir()]
    except OSError:
        return ""
    if path.name == UNITS_FILE:
        other = [n for n in names if Path(n).stem.casefold() == "units" and n.casefold() not in UNITS_SOURCES]
        if other:
            return (f"; found {', '.join(repr(n) for n in other)}, which nødkit does not read: keep the units in "
                    f"{', '.join(UNITS_SOURCES)} (a spreadsheet: save it as .xlsx, or as CSV UTF-8)")
    near = difflib.get_close_matches(path.name.casefold(), [n.casefold() for n in names], n=2, cutoff=0.75)
    shown = [n for n in names if n.casefold() in near]
    return f"; found {', '.join(repr(n) for n in shown)}: rename it to '{path.name}' if it is meant" if shown else ""


def _unknown(doc: YamlDoc, path: tuple, what: str, ref: str, known) -> Problem:
    near = difflib.get_close_matches(ref, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{near[0]}'?" if near else f"; known: {', '.join(sorted(known)) or 'none'}"
    return Problem(doc.location(path), format_path(path), f"unknown {what} '{ref}'{hint}")


def _check_units(doc: YamlDoc, units: list[Unit], plans: dict[str, Plan], default_lang: str) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    ids = {u.id for u in units}
    for i, unit in enumerate(units):
        if unit.id in seen:
            problems.append(Problem(doc.location(("units", i, "id")), f"units[{i}].id",
                                    f"duplicate unit id '{unit.id}' (first used by units[{seen[unit.id]}])"))
        seen.setdefault(unit.id, i)
        if plans and unit.plan not in plans:
            problems.append(_unknown(doc, ("units", i, "plan"), "plan", unit.plan, plans))
        for j, ref in enumerate(unit.neighbours):
            if ref == unit.id:
                problems.append(Problem(doc.location(("units", i, "neighbours", j)), f"units[{i}].neighbours[{j}]",
                                        "a unit cannot be its own neighbour"))
            elif ref not in ids:
                problems.append(_unknown(doc, ("units", i, "neighbours", j), "neighbour unit", ref, ids))
        if len(set(unit.languages)) != len(unit.languages):
            problems.append(Problem(doc.location(("units", i, "languages")), f"units[{i}].languages",
                                    "a language is named twice"))
    return problems


@dataclass
class UnitsOnly:
    """What `nødkit units export` needs: the organisation's language and country, and the units
    — each a validated Unit, or, while it still holds `nødkit init` placeholders, its block as
    written (a template row to fill in)."""

    root: Path
    organisation: Organisation
    units: list  # Unit | dict
    docs: dict[str, YamlDoc] = field(default_factory=dict)


class _Within:
    """A unit's validation errors, placed inside the units file (units[i]...)."""

    def __init__(self, exc: ValidationError, prefix: tuple):
        self.exc, self.prefix = exc, prefix

    def errors(self, include_url: bool = False):
        return [{**e, "loc": (*self.prefix, *e["loc"])} for e in self.exc.errors(include_url=include_url)]


def load_units_only(root: Path) -> UnitsOnly:
    """The units alone, checked as units only: a fresh `nødkit init` folder, whose plan and
    contacts are still placeholders, exports its units as a template to fill in."""
    root = Path(root)
    if not (root / ORGANISATION_FILE).is_file():
        raise ContentError([Problem(Location(root / ORGANISATION_FILE), "", "required file is missing")])
    org_doc = read_yaml(root / ORGANISATION_FILE)
    data = org_doc.data if isinstance(org_doc.data, dict) else {}
    # only the two facts a spreadsheet needs are checked: its language, the phone numbers' country
    facts = {"name": "-", **{k: data[k] for k in ("region", "default_language") if k in data}}
    organisation, problems = validate_doc(_Sub(org_doc, facts, ()), Organisation, {})
    present = [name for name in UNITS_SOURCES if (root / name).exists()]
    if len(present) > 1:
        problems.append(Problem(Location(root / present[1]), "",
                                f"the units are in both {' and '.join(present)}; keep exactly one of them"))
    if problems:
        raise ContentError(problems)
    rel = present[0] if present else UNITS_FILE
    if not (root / rel).is_file():
        raise ContentError([Problem(Location(root / rel), "", "required file is missing")])
    doc = (read_yaml if rel == UNITS_FILE else read_units_sheet)(root / rel)
    raw_units = doc.data.get("units") if isinstance(doc.data, dict) else None
    if not isinstance(raw_units, list):
        raise ContentError([Problem(doc.location(("units",)), "units", "expected a list of units")])
    context = {"region": organisation.region, "default_language": organisation.default_language}
    units: list = []
    for i, raw in enumerate(raw_units):
        if isinstance(raw, dict) and find_placeholders(_Sub(doc, raw, ("units", i))):
            units.append(raw)  # exported as written, placeholders and all
            continue
        try:
            units.append(Unit.model_validate(raw, context=context))
        except ValidationError as exc:
            problems.extend(problems_from_validation(doc, _Within(exc, ("units", i)), UnitsFile))
    problems.extend(_check_units(doc, [u for u in units if isinstance(u, Unit)], {}, organisation.default_language))
    if problems:
        raise ContentError(problems)
    return UnitsOnly(root, organisation, units, {UNITS_FILE: doc})


class _Sub:
    """One block of a document, for find_placeholders: its paths located in the whole document."""

    def __init__(self, doc, data, prefix: tuple):
        self.doc, self.data, self.prefix = doc, data, prefix

    def location(self, path: tuple, **kw):
        return self.doc.location((*self.prefix, *path), **kw)
