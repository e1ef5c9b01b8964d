"""Preflight: everything a build would reject, plus warnings an admin should read."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from .build import Project
from .content.load import CONTACTS_FILE, PLANS_DIR, UNITS_FILE
from .errors import ContentError, Problem
from .resolve import resolve_kit


def check_project(project: Project, as_of: dt.date) -> list[Problem]:
    """Resolve every unit in every language (no PDFs) and return warnings; raises ContentError."""
    content = project.content
    problems: list[Problem] = []
    for unit in content.units:
        for lang in content.languages(unit):
            try:
                resolve_kit(content, unit, lang, as_of, version="check")
            except ContentError as exc:
                problems.extend(p for p in exc.problems if str(p) not in {str(q) for q in problems})
    if problems:
        raise ContentError(problems)
    return warnings(project)


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
        for path, url in [(("fallback", "url"), plan.fallback.url)] + (
                [(("password_reset", "url"), plan.password_reset.url)] if plan.password_reset else []):
            if urlsplit(url).scheme.lower() == "http":
                out.append(Problem(doc.location(path), ".".join(path),
                                   f"'{url}' is not encrypted (http://). It is printed as written; "
                                   f"ask the supplier whether an https:// address works"))
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
