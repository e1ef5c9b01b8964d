"""References in texts: `{phone:ID}`, `{email:ID}`, `{hours:ID}`, `{url:fallback}`, `{url:password-reset}`.

Write each fact once: a plan's or a contact's text names a contact's number, e-mail or hours,
or one of the plan's addresses, and the kit prints the value. `{{` prints a `{`.

The syntax is read here only: `load` checks every text of the plans and contacts with it (so
`check` and `build` refuse the same mistakes, each at its file:line:column with a did-you-mean),
and `resolve` expands with it. A `{` that does not begin a valid reference is an error, never
printed as written: `{phone:IT}` (an id in capitals), `{phone:it` (no closing brace) or
`{phone:itt}` (no such contact) on a poster send nobody anywhere, nor does `{{phone:it}}`, as
other template languages write a reference. In a unit's or the
organisation's text, where nothing is expanded, a reference is an error too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterator

from ..errors import Problem
from .yamlfile import format_path

KINDS = ("phone", "email", "hours", "url")
URLS = {"fallback": "fallback", "password-reset": "password_reset"}  # reference id -> the plan's key
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_VALID = re.compile(rf"\{{({'|'.join(KINDS)}):({_ID})\}}")
_CLOSED = re.compile(r"\{([^{}\n]{0,80})\}")  # a brace pair on one line: meant as a reference
_DOUBLED = re.compile(r"\{\{\s*[A-Za-z]+\s*:[^{}\n]{0,60}\}\}?")
_OPEN = re.compile(r"\{([\w:. -]{0,40}?)(?=[\s,.;)!?]|$)")  # no closing brace: up to the word's end
# what an admin may call a kind of reference in Danish or in English
_SAID = {"telefon": "phone", "tlf": "phone", "tel": "phone", "nummer": "phone", "mail": "email", "e-mail": "email",
         "epost": "email", "timer": "hours", "tider": "hours", "åbningstid": "hours", "link": "url", "web": "url",
         "adresse": "url", "address": "url"}
SYNTAX = "{phone:ID}, {email:ID}, {hours:ID}, {url:fallback} or {url:password-reset}"


@dataclass(frozen=True)
class Reference:
    start: int  # index of its `{` in the text
    text: str  # as written, `{phone:it}`
    kind: str
    id: str


@dataclass(frozen=True)
class Mistake:
    start: int
    text: str  # the part of the text that is not a reference
    message: str


def scan(text: str) -> Iterator[str | Reference | Mistake]:
    """The text as literal pieces, references and mistakes, in order."""
    i = 0
    literal = []
    while i < len(text):
        if not text.startswith("{", i):
            j = text.find("{", i)
            j = len(text) if j < 0 else j
            literal.append(text[i:j])
            i = j
            continue
        doubled = _DOUBLED.match(text, i)
        if doubled:  # {{phone:it}} as other template languages write it: a reference meant, not braces
            if literal:
                yield "".join(literal)
                literal = []
            meant = _meant(doubled[0].strip("{}"))
            hint = f"write {meant}" if meant else f"a reference is written {SYNTAX}"
            yield Mistake(i, doubled[0], f"'{doubled[0]}': a reference has single braces; {hint}")
            i = doubled.end()
            continue
        if text.startswith("{{", i):
            literal.append("{")
            i += 2
            continue
        if literal:
            yield "".join(literal)
            literal = []
        valid = _VALID.match(text, i)
        if valid and text.startswith("}", valid.end()):  # {phone:it}}: a brace too many, not a "}" to print
            yield Mistake(i, valid[0] + "}", f"'{valid[0]}}}' has a closing brace too many; did you mean {valid[0]}?")
            i = valid.end() + 1
            continue
        if valid:
            yield Reference(i, valid[0], valid[1], valid[2])
            i = valid.end()
            continue
        closed = _CLOSED.match(text, i)
        found = closed or _OPEN.match(text, i)
        written = found[0] if found else "{"
        yield Mistake(i, written, _mistake(written, closed is not None))
        i += len(written)
    if literal:
        yield "".join(literal)


def _mistake(written: str, closed: bool) -> str:
    inner = written[1:-1] if closed else written[1:]
    meant = _meant(inner)
    hint = f"did you mean {meant}?" if meant else f"a reference is written {SYNTAX}."
    what = "has no closing brace }" if not closed else "is not a reference"
    return f"'{written}' {what}; {hint} References are lower case, without spaces; to print a {{ itself, write {{{{"


def _meant(inner: str) -> str | None:
    """The reference a mistyped one most likely meant: `{Phone: IT}` -> `{phone:it}`."""
    kind, sep, ident = inner.partition(":")
    if not sep:
        return None
    kind = kind.strip().lower()
    kind = _SAID.get(kind, kind)
    near = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.6)
    ident = re.sub(r"[\s_.]+", "-", ident.strip().lower()).strip("-")
    if not near or not re.fullmatch(_ID, ident):
        return None
    return f"{{{near[0]}:{ident}}}"


def expand(text: str, values: dict[tuple[str, str], str]) -> tuple[str, list[Reference | Mistake]]:
    """The text with every reference replaced by its value, and what could not be replaced."""
    out, unknown = [], []
    for token in scan(text):
        if isinstance(token, str):
            out.append(token)
        elif isinstance(token, Reference) and (token.kind, token.id) in values:
            out.append(values[(token.kind, token.id)])
        else:
            unknown.append(token)
            out.append(token.text)
    return "".join(out), unknown


# --- checking the content ------------------------------------------------------------------------

# keys whose values are not printed texts (ids, addresses, numbers, rules, dates)
_NOT_TEXT = {"id", "url", "phones", "email", "available", "hours", "rrule", "part_of_day", "start",
             "duration_hours", "approved_on", "last_updated"}


def texts(data: Any, path: tuple = (), skip_top: tuple[str, ...] = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every printed text in a content file's data."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key in _NOT_TEXT or (not path and key in skip_top):
                continue
            yield from texts(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texts(value, (*path, i), skip_top if not path else ())


def reference_problems(docs: dict, contacts: dict, plans: dict, *, plans_dir: str, contacts_file: str) -> list[Problem]:
    """Every mistake in a reference in the content: its syntax, and whether the contact or address
    it names exists and has the value to print."""
    problems: list[Problem] = []
    for name, doc in docs.items():
        data = doc.data if isinstance(doc.data, dict) else {}
        if name.startswith(plans_dir + "/"):
            plan = plans.get(data.get("id"))
            if plan is None:
                continue
            for path, text in texts(data, skip_top=("contacts",)):
                problems += _check(doc, path, text, contacts, [plan])
        elif name == contacts_file:
            for path, text in texts(data):
                index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
                raw = data.get("contacts") or []
                ident = raw[index].get("id") if index is not None and index < len(raw) and isinstance(
                    raw[index], dict) else None
                users = [p for p in plans.values() if ident in p.contacts]
                problems += _check(doc, path, text, contacts, users)
        else:  # units and organisation: nothing is expanded there
            for path, text in texts(data):
                for token in scan(text):
                    if isinstance(token, Reference) or (isinstance(token, Mistake) and ":" in token.text):
                        problems.append(_problem(doc, path, text, token,
                                                 f"'{token.text}': references are expanded in the texts of plans "
                                                 f"and contacts only; write the value itself here"))
    return problems


def _check(doc, path: tuple, text: str, contacts: dict, plans: list) -> list[Problem]:
    problems = []
    for token in scan(text):
        if isinstance(token, Mistake):
            message = token.message
        elif isinstance(token, Reference):
            message = _missing(token, contacts, plans)
        else:
            continue
        if message:
            problems.append(_problem(doc, path, text, token, message))
    return problems


def _missing(ref: Reference, contacts: dict, plans: list) -> str | None:
    if ref.kind == "url":
        if ref.id not in URLS:
            near = difflib.get_close_matches(ref.id, list(URLS), n=1, cutoff=0.4)
            hint = f"did you mean {{url:{near[0]}}}?" if near else "expected {url:fallback} or {url:password-reset}"
            return f"'{ref.text}' names no address of the plan; {hint}"
        lacking = [p.id for p in plans if getattr(getattr(p, URLS[ref.id], None), "url", None) is None]
        if lacking:
            return (f"'{ref.text}': plan {', '.join(lacking)} has no {URLS[ref.id]} address, so nothing would be "
                    f"printed here; add it to the plan, or take the reference out")
        return None
    contact = contacts.get(ref.id)
    if contact is None:
        near = difflib.get_close_matches(ref.id, list(contacts), n=1, cutoff=0.5)
        hint = f"did you mean {{{ref.kind}:{near[0]}}}?" if near else f"known: {', '.join(sorted(contacts))}"
        return f"'{ref.text}' names no contact in contacts.yaml; {hint}"
    value = {"phone": contact.phones, "email": contact.email, "hours": contact.hours}[ref.kind]
    if not value:
        what = {"phone": "phone number (phones:)", "email": "e-mail address (email:)", "hours": "hours (hours:)"}
        return (f"'{ref.text}': contact '{ref.id}' has no {what[ref.kind]}, so nothing would be printed here; add "
                f"it to the contact, or take the reference out")
    return None


def _problem(doc, path: tuple, text: str, token: Reference | Mistake, message: str) -> Problem:
    locate = getattr(doc, "locate", None)  # a YAML file: the reference's own line and column
    nth = text[:token.start].count(token.text)
    location = locate(path, token.text, nth) if locate else doc.location(path)
    return Problem(location, format_path(path), message)
