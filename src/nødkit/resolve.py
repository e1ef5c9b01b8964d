"""Resolve: one unit × one language -> every string a document prints, already formatted.

Renderers never see the content models; they get a `Kit` whose fields are final text
(locale-formatted dates, national phone numbers, translated UI words through `words`).
A text missing in the asked language is an error with its location: no silent fallback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from . import __version__
from .content.load import CONTACTS_FILE, PLANS_DIR, Content
from .content.models import Bullets, Contact, Plan, Unit
from .content.references import expand as expand_references
from .content.yamlfile import format_path
from .errors import ContentError, Location, Problem, unique_problems
from .i18n import Words
from .schedule import group_hours, maintenance_dates

PART_OF_DAY = {"morning": "morning", "daytime": "daytime", "evening": "evening", "night": "night"}


@dataclass(frozen=True)
class ContactView:
    id: str
    name: str
    phones: tuple[str, ...]  # national format
    phone_uris: tuple[str, ...]
    email: str | None
    hours: str | None  # "mandag–fredag 07.00–15.30"
    available: str
    call_when: str | None
    not_when: str | None
    does_not: str | None


@dataclass(frozen=True)
class Neighbour:
    name: str
    short_name: str  # where room is short (poster lists); the name when the unit has no short_name
    phone: str


@dataclass(frozen=True)
class SectionView:
    id: str
    heading: str
    blocks: tuple[str | tuple[str, ...], ...]  # a paragraph, or a tuple of bullet items


@dataclass(frozen=True)
class DocumentEntry:
    """One document of the unit's kit, as the binder's contents list and the print pack name it."""

    id: str
    kind: str  # poster, pocket-cards, sheet, plan, binder
    title: str  # in the kit's language
    copies: int
    paper: str  # "A4", "A3", "A4 landscape"


@dataclass(frozen=True)
class Kit:
    """Everything one unit's documents print, in one language."""

    lang: str
    words: Words
    organisation: str
    unit_id: str
    unit_name: str
    unit_short_name: str  # where room is short (card foot, sheet header); the name when none is given
    unit_address: str
    unit_phone: str
    leader_name: str
    leader_phone: str
    neighbours: tuple[Neighbour, ...]
    example: bool
    plan_id: str
    title: str
    short_title: str  # for the pocket card; the title when the plan has no short_title
    system: str
    summary: str
    steps: tuple[str, ...]
    fallback_url: str | None  # None: the plan names no fallback address, so no QR code anywhere
    fallback_how: str | None
    mobile: str | None
    reset_url: str | None
    reset_how: str | None
    outside_hours: str
    contacts: tuple[ContactView, ...]  # every contact of the plan, in its order (of importance)
    working: tuple[ContactView, ...]
    outside: tuple[ContactView, ...]
    always: tuple[ContactView, ...]
    as_needed: tuple[ContactView, ...]
    working_hours: str | None  # the hours the working-hours contacts share, if any
    maintenance_note: str | None
    maintenance_dates: tuple[str, ...]
    maintenance_days: tuple[dt.date, ...]
    sections: tuple[SectionView, ...]
    prepared_by: str
    approved_by: str
    approved_on: str
    last_updated: str
    editor: str
    as_of: dt.date
    as_of_text: str
    kit_version: str
    copies: dict[str, int] = field(default_factory=dict)  # document id -> copies the unit asked for (default 1)
    documents: tuple[DocumentEntry, ...] = ()  # the unit's whole kit, in print order (filled by the build)

    def copies_of(self, document: str) -> int:
        return self.copies.get(document, 1)

    def _(self, msgid: str) -> str:
        return self.words.gettext(msgid)


class TrackedKit:
    """A Kit that remembers which fields a renderer read (for the reprint list)."""

    # printed on every document but not a reason to reprint one
    _NOT_INPUTS = frozenset({"kit_version", "as_of", "as_of_text", "words", "_", "extra"})

    def __init__(self, kit: Kit):
        object.__setattr__(self, "_kit", kit)
        object.__setattr__(self, "_used", {"lang"})

    def __getattr__(self, name: str):
        value = getattr(self._kit, name)
        if name == "copies_of":  # the copies of one document: the cards depend on theirs alone
            def copies_of(document: str) -> int:
                self._used.add(f"copies_of:{document}")
                return value(document)
            return copies_of
        if name not in self._NOT_INPUTS:
            self._used.add(name)
        return value

    def used(self) -> dict[str, str]:
        out = {}
        for name in sorted(self._used):
            if name.startswith("copies_of:"):
                out[name] = repr(self._kit.copies_of(name.partition(":")[2]))
            else:
                out[name] = repr(getattr(self._kit, name))
        return out


class _Texts:
    """Picks a language from language-tagged texts, collecting what is missing."""

    def __init__(self, lang: str, content: Content):
        self.lang = lang
        self.content = content
        self.problems: list[Problem] = []

    def pick(self, text: dict[str, str] | None, file: str, path: tuple) -> str | None:
        if text is None:
            return None
        if self.lang in text:
            return text[self.lang]
        doc = self.content.docs.get(file)
        location = doc.location(path) if doc else self.content.root / file
        have = ", ".join(sorted(text))
        self.problems.append(Problem(location, format_path(path),
                                     f"no text in language '{self.lang}' (has: {have}); a unit asks for '{self.lang}'"))
        return f"[{self.lang}?]"


def _plan_digest(content: Content, plan_id: str) -> str:
    # the same for every unit of a plan: computed once per content, not once per unit
    cache = content.__dict__.setdefault("_plan_digests", {})
    if plan_id not in cache:
        plan = content.plans[plan_id]
        blob = json.dumps({"organisation": content.organisation.model_dump(mode="json"),
                           "plan": plan.model_dump(mode="json"),
                           "contacts": [content.contacts[c].model_dump(mode="json") for c in plan.contacts]},
                          sort_keys=True, ensure_ascii=False)
        cache[plan_id] = hashlib.sha256(blob.encode("utf-8")).hexdigest()
    return cache[plan_id]


def kit_version(content: Content, unit: Unit, layout_files: dict[str, Any]) -> str:
    """Short hash of everything a unit's kit is made from (not the as-of date)."""
    payload = {
        "nodkit": __version__,
        "plan": _plan_digest(content, unit.plan),  # organisation, plan and its contacts
        "unit": unit.model_dump(mode="json"),
        "neighbours": [content.unit(n).model_dump(mode="json", include={"name", "short_name", "phone"}) for n in unit.neighbours],
        "layouts": layout_files,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:8]


def resolve_kit(content: Content, unit: Unit, lang: str, as_of: dt.date, *, version: str,
                maintenance_count: int = 6) -> Kit:
    org = content.organisation
    words = Words(lang, org.region)
    texts = _Texts(lang, content)
    plan: Plan = content.plans[unit.plan]
    plan_file = f"{PLANS_DIR}/{plan.id}.yaml"
    plan_doc = content.docs.get(plan_file)
    if plan_doc is None:  # the plan's file name differs from its id
        plan_file = next((k for k, d in content.docs.items()
                          if k.startswith(PLANS_DIR + "/") and isinstance(d.data, dict) and d.data.get("id") == plan.id),
                         plan_file)

    def P(value, *path):
        return texts.pick(value, plan_file, path)

    refs = _references(content, plan, words)

    def expand(text: str | None, path: tuple, file: str = plan_file) -> str | None:
        """References ({phone:it}) replaced by their values; load has checked every one, so one
        left unknown here is a bug, reported at its place all the same."""
        if text is None:
            return None
        expanded, unknown = expand_references(text, refs)
        doc = content.docs.get(file)
        for token in unknown:
            where = (doc.locate(path, token.text) if hasattr(doc, "locate") else doc.location(path) if doc
                     else Location(content.root / file))
            texts.problems.append(Problem(where, format_path(path), f"unknown reference {token.text}"))
        return expanded

    contact_index = {c.id: i for i, c in enumerate(_contact_list(content))}

    def view(contact: Contact) -> ContactView:
        i = contact_index[contact.id]

        def C(value, key):
            return expand(texts.pick(value, CONTACTS_FILE, ("contacts", i, key)), ("contacts", i, key), CONTACTS_FILE)
        return ContactView(
            id=contact.id,
            name=C(contact.name, "name"),
            phones=tuple(words.phone(p) for p in contact.phones),
            phone_uris=tuple(words.tel_uri(p) for p in contact.phones),
            email=contact.email,
            hours=_hours_text(contact, words),
            available=contact.available,
            call_when=C(contact.call_when, "call_when"),
            not_when=C(contact.not_when, "not_when"),
            does_not=C(contact.does_not, "does_not"),
        )

    contacts = [content.contacts[c] for c in plan.contacts]
    views = [view(c) for c in contacts]
    by_kind = {kind: tuple(v for v in views if v.available == kind)
               for kind in ("working-hours", "outside-hours", "always", "as-needed")}
    shared_hours = {v.hours for v in by_kind["working-hours"] if v.hours}

    sections = []
    for si, section in enumerate(plan.sections):
        blocks: list[str | tuple[str, ...]] = []
        for bi, block in enumerate(section.body):
            base = ("sections", si, "body", bi)
            if isinstance(block, Bullets):
                blocks.append(tuple(expand(P(item, *base, "bullets", k), (*base, "bullets", k))
                                    for k, item in enumerate(block.bullets)))
            else:
                blocks.append(expand(P(block, *base), base))
        heading = ("sections", si, "heading")
        sections.append(SectionView(section.id, expand(P(section.heading, *heading), heading), tuple(blocks)))

    m = plan.maintenance
    days = tuple(maintenance_dates(m, as_of, maintenance_count)) if m else ()
    neighbours = tuple(Neighbour(content.unit(n).name, content.unit(n).short_name or content.unit(n).name,
                                 words.phone(content.unit(n).phone)) for n in unit.neighbours)
    fallback = plan.fallback

    kit = Kit(
        lang=lang, words=words,
        organisation=texts.pick(org.name, "organisation.yaml", ("name",)),
        unit_id=unit.id, unit_name=unit.name, unit_short_name=unit.short_name or unit.name,
        unit_address=unit.address,
        unit_phone=words.phone(unit.phone),
        leader_name=unit.leader.name, leader_phone=words.phone(unit.leader.phone),
        neighbours=neighbours, example=unit.example,
        plan_id=plan.id,
        title=expand(P(plan.title, "title"), ("title",)),
        short_title=(expand(P(plan.short_title, "short_title"), ("short_title",)) if plan.short_title
                     else expand(P(plan.title, "title"), ("title",))),
        system=expand(plan.system, ("system",)),
        summary=expand(P(plan.summary, "summary"), ("summary",)),
        steps=tuple(expand(P(s, "steps", i), ("steps", i)) for i, s in enumerate(plan.steps)),
        fallback_url=fallback.url if fallback else None,
        fallback_how=expand(P(fallback.how, "fallback", "how"), ("fallback", "how")) if fallback else None,
        mobile=expand(P(fallback.mobile, "fallback", "mobile"), ("fallback", "mobile")) if fallback else None,
        reset_url=plan.password_reset.url if plan.password_reset else None,
        reset_how=(expand(P(plan.password_reset.how, "password_reset", "how"), ("password_reset", "how"))
                   if plan.password_reset else None),
        outside_hours=expand(P(plan.outside_hours, "outside_hours"), ("outside_hours",)),
        contacts=tuple(views),
        working=by_kind["working-hours"], outside=by_kind["outside-hours"],
        always=by_kind["always"], as_needed=by_kind["as-needed"],
        working_hours=shared_hours.pop() if len(shared_hours) == 1 else None,
        maintenance_note=expand(P(m.note, "maintenance", "note"), ("maintenance", "note")) if m else None,
        maintenance_dates=tuple(words.date_weekday(d) for d in days),
        maintenance_days=days,
        sections=tuple(sections),
        prepared_by=expand(P(plan.revision.prepared_by, "revision", "prepared_by"), ("revision", "prepared_by")),
        approved_by=expand(P(plan.revision.approved_by, "revision", "approved_by"), ("revision", "approved_by")),
        approved_on=words.date_long(plan.revision.approved_on),
        last_updated=words.date_long(plan.revision.last_updated),
        editor=expand(plan.revision.editor, ("revision", "editor")),
        as_of=as_of, as_of_text=words.date_long(as_of),
        kit_version=version,
        copies=dict(unit.copies),
    )
    if texts.problems:
        raise ContentError(unique_problems(texts.problems))
    return kit


def _contact_list(content: Content) -> list[Contact]:
    return list(content.contacts.values())


def _hours_text(contact: Contact, words: Words) -> str | None:
    if not contact.hours:
        return None
    return ", ".join(f"{words.day_ranges(days)} {words.time_range(o, c)}"
                     for days, o, c in group_hours(contact.hours))


def _references(content: Content, plan: Plan, words: Words) -> dict[tuple[str, str], str]:
    refs: dict[tuple[str, str], str] = {}
    if plan.fallback and plan.fallback.url:
        refs[("url", "fallback")] = plan.fallback.url
    if plan.password_reset:
        refs[("url", "password-reset")] = plan.password_reset.url
    for contact in content.contacts.values():
        if contact.phones:
            refs[("phone", contact.id)] = " / ".join(words.phone(p) for p in contact.phones)
        if contact.email:
            refs[("email", contact.id)] = contact.email
        hours = _hours_text(contact, words)
        if hours:
            refs[("hours", contact.id)] = hours
    return refs


def iter_texts(model: BaseModel, path: tuple = ()):
    """Yield (path, text) for every language-tagged text in a model (for language checks)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        yield from _walk(value, (*path, name))


def _walk(value, path):
    if isinstance(value, BaseModel):
        yield from iter_texts(value, path)
    elif isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        yield path, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))

