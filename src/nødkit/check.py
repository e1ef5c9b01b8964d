"""Preflight: everything a build would reject, plus warnings an admin should read."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from pathlib import Path

from .build import Fitted, Project, fit_kits
from .build.jobs import unit_languages
from .content.load import CONTACTS_FILE, PLANS_DIR, UNITS_FILE
from .errors import ContentError, Location, NodkitError, Problem
from .resolve import resolve_kit


class FitError(NodkitError):
    """Documents that `build` could not make: each names its unit, document, field and why."""

    exit_code = 1


def check_project(project: Project, as_of: dt.date, *, out: Path | None = None, jobs: int = 1,
                  units=(), langs=(), progress=None, on_plan=None) -> tuple[list[Problem], Fitted]:
    """Everything `build` would refuse, found before it: the content read and resolved for every
    unit and language, every text against its fonts, then every document drawn exactly as `build`
    draws it, writing nothing (`fit_kits`, which reuses what the last build into `out` found).
    Returns (warnings, what was fitted: its notes say what posters and cards leave out); raises
    ContentError (exit 2) or FitError (exit 1) as `build` would."""
    units, langs = list(units), list(langs)
    problems = content_problems(project, as_of, units, langs)
    if problems:
        raise ContentError(problems)
    fitted = fit_kits(project, out, units=units, langs=langs, as_of=as_of, jobs=jobs, progress=progress,
                      on_plan=on_plan)
    if fitted.problems:
        raise ContentError(fitted.problems)
    if fitted.failures:
        from .report import grouped
        raise FitError(f"{len(fitted.failures)} document(s) would not build:\n  "
                       + "\n  ".join(grouped(fitted.failures)))
    return warnings(project) + as_of_warnings(project, as_of), fitted


def content_problems(project: Project, as_of: dt.date, units=(), langs=()) -> list[Problem]:
    """Every unit (or those named) resolved in every language (or those named), no PDFs; every
    text of the content against its fonts (as `build` checks them, whatever units it builds)."""
    content = project.content
    problems: list[Problem] = []
    for unit, lang in unit_languages(content, units, langs):
        try:
            resolve_kit(content, unit, lang, as_of, version="check")
        except ContentError as exc:
            problems.extend(p for p in exc.problems if str(p) not in {str(q) for q in problems})
    problems.extend(glyph_problems(project))
    return problems


def glyph_problems(project: Project) -> list[Problem]:
    """Every text of the content against the fonts that will draw it, with its place in the
    file — the same check `build` makes while drawing, before anything is drawn. A text is
    checked in the languages of the units that print it (a unit's fields: its own languages; a
    plan: its units'; a contact: the units of the plans that name it), and a text under a
    language key (`en: …`) only in that language."""
    import unicodedata

    from .content.yamlfile import format_path
    from .render.fonts import missing_glyphs, no_glyph, register_fonts

    content = project.content
    unit_langs = {u.id: set(content.languages(u)) for u in content.units}
    plan_langs: dict[str, set[str]] = {}
    for unit in content.units:
        plan_langs.setdefault(unit.plan, set()).update(unit_langs[unit.id])
    contact_langs: dict[str, set[str]] = {}
    for plan in content.plans.values():
        for contact in plan.contacts:
            contact_langs.setdefault(contact, set()).update(plan_langs.get(plan.id, set()))
    every = set().union(*unit_langs.values()) if unit_langs else set()
    fonts = {lang: register_fonts(*project.layouts.fonts_for(lang)) for lang in sorted(every)}
    problems: list[Problem] = []
    for name, doc in sorted(content.docs.items()):
        for path, text, keyed in _texts(doc.data):
            langs = _languages_of(name, doc.data, path, unit_langs, plan_langs, contact_langs, every)
            if keyed:
                langs = langs & {keyed}
            text = unicodedata.normalize("NFC", text)
            for lang in sorted(langs):
                lacking = {font: missing_glyphs(text, font)
                           for font in dict.fromkeys((fonts[lang].regular, fonts[lang].bold))}
                missing = sorted({ch for chars in lacking.values() for ch in chars})
                if missing:
                    problems.append(Problem(doc.location(path), format_path(path),
                                            no_glyph([font for font, chars in lacking.items() if chars], missing,
                                                     lang, content=True)))
    return problems


def _texts(data, path: tuple = (), lang: str | None = None):
    """(path, text, language) for every text; the language of a text in a per-language mapping
    (`{da: …, en: …}`: every key a language code), else the language above it, or None."""
    from babel import localedata
    if isinstance(data, str):
        yield path, data, lang
    elif isinstance(data, dict):
        per_language = bool(data) and all(isinstance(k, str) and localedata.exists(k) for k in data)
        for key, value in data.items():
            yield from _texts(value, (*path, key), key if per_language else lang)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts(value, (*path, i), lang)


def _languages_of(name: str, data, path: tuple, unit_langs, plan_langs, contact_langs, every) -> set[str]:
    """The languages whose kits print the text at `path` of content file `name`."""
    try:
        if path[:1] == ("units",) and isinstance(path[1], int):
            return unit_langs.get(data["units"][path[1]].get("id"), every)
        if name.startswith(PLANS_DIR + "/"):
            return plan_langs.get(data.get("id"), set())
        if name == CONTACTS_FILE and path[:1] == ("contacts",) and isinstance(path[1], int):
            return contact_langs.get(data["contacts"][path[1]].get("id"), set())
    except (IndexError, KeyError, TypeError, AttributeError):
        pass
    return every


def warnings(project: Project) -> list[Problem]:
    content = project.content
    out: list[Problem] = []
    used_contacts: set[str] = set()
    for name, doc in sorted(content.docs.items()):
        if not name.startswith(PLANS_DIR + "/"):
            continue
        plan = next((p for p in content.plans.values() if doc.data.get("id") == p.id), None)
        if plan is None:
            continue
        used_contacts.update(plan.contacts)
        urls = []
        if plan.fallback and plan.fallback.url:
            urls.append((("fallback", "url"), plan.fallback.url))
        else:
            out.append(Problem(doc.location(("fallback",) if plan.fallback else ("id",)), "fallback",
                               "this plan names no fallback address: no QR code is printed"))
        if plan.password_reset:
            urls.append((("password_reset", "url"), plan.password_reset.url))
        for path, url in urls:
            if urlsplit(url).scheme.lower() == "http":
                out.append(Problem(doc.location(path), ".".join(path),
                                   f"'{url}' is not encrypted (http://). It is printed as written; "
                                   f"ask the supplier whether an https:// address works"))
        if not any(content.contacts[c].available in ("outside-hours", "always") for c in plan.contacts
                   if c in content.contacts):
            out.append(Problem(doc.location(("contacts",)), "contacts",
                               "no contact of this plan can be called outside working hours (evenings, nights, "
                               "weekends, holidays): the poster's box for those hours shows only the plan's "
                               "outside_hours text. Add a contact with `available: outside-hours` or `always` if "
                               "there is one"))
    contacts_doc = content.docs.get(CONTACTS_FILE)
    for i, contact in enumerate(content.contacts.values()):
        if contact.id in used_contacts and not contact.phones:
            out.append(Problem(contacts_doc.location(("contacts", i, "id")), f"contacts[{i}]",
                               f"'{contact.id}' has no phone number; it prints without one. "
                               f"Add `phones:` if the plan should give the number"))
    examples = [u.id for u in content.units if u.example]
    if examples:
        out.append(Problem(content.docs[UNITS_FILE].location(("units",)), "units",
                           f"{len(examples)} example unit(s) ({', '.join(examples)}) print with an "
                           f"'example – not for use' watermark; replace them with your own units"))
    return out


AS_OF_AHEAD = dt.timedelta(days=2 * 365)


def as_of_warnings(project: Project, as_of: dt.date, today: dt.date | None = None) -> list[Problem]:
    """An --as-of date a kit should probably not be made for: before a plan was approved (its
    documents would be dated before the plan existed), or more than two years ahead (a typo)."""
    today = today or dt.date.today()
    out = []
    for name, doc in sorted(project.content.docs.items()):
        plan = project.content.plans.get(doc.data.get("id")) if name.startswith(PLANS_DIR + "/") else None
        if plan is not None and as_of < plan.revision.approved_on:
            out.append(Problem(doc.location(("revision", "approved_on")), "revision.approved_on",
                               f"the kit is made as of {as_of.isoformat()} (--as-of), before plan '{plan.id}' was "
                               f"approved on {plan.revision.approved_on.isoformat()}: its documents would be dated "
                               f"before the plan existed. Check --as-of"))
    if as_of > today + AS_OF_AHEAD:
        out.append(Problem(Location("--as-of"), "",
                           f"the kit is made as of {as_of.isoformat()}, more than two years after today "
                           f"({today.isoformat()}): it would print that date and the planned downtime from then on. "
                           f"Check --as-of"))
    return out
