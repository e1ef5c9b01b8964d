"""Typed models of the content files.

Validation that needs the organisation (phone region, default language) reads it from
pydantic's validation context, so the files can be checked one by one with their own
line marks. Cross-file references (a unit's plan, its neighbours, a plan's contacts)
are checked in `load.py`, where all files are known.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from babel import Locale, UnknownLocaleError
from dateutil.rrule import rrulestr
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
)

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ID = re.compile(ID_PATTERN)
_LANG = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
# What a person may type in a phone number: digits and the usual separators. Letters are
# refused outright: phonenumbers reads "33 12 XX XX" as a vanity number and accepts it.
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_HHMM = re.compile(r"^([01]?\d|2[0-4])[:.]([0-5]\d)$")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _ctx(info: ValidationInfo, key: str, default: Any = None) -> Any:
    return (info.context or {}).get(key, default)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- language-tagged text ---------------------------------------------------------

def _check_lang(code: str) -> str:
    if not isinstance(code, str) or not _LANG.match(code):
        raise ValueError(f"expected a language code such as 'da' or 'en', found {code!r}")
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown language code {code!r}") from None
    return code


def _to_text(value: Any, info: ValidationInfo) -> dict[str, str]:
    """A text is either plain (in the organisation's default language) or per language."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("expected text, found an empty string")
        return {_ctx(info, "default_language", "da"): nfc(value.strip())}
    if isinstance(value, dict):
        if not value:
            raise ValueError("expected text or a mapping of language to text, found an empty mapping")
        out = {}
        for lang, text in value.items():
            _check_lang(lang)
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"expected text for language {lang!r}, found {text!r}")
            out[lang] = nfc(text.strip())
        return out
    raise ValueError(f"expected text or a mapping of language to text, found {type(value).__name__}")


_TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}, "minProperties": 1},
    ],
    "description": "Text in the organisation's default language, or a mapping language -> text.",
}
Text = Annotated[dict[str, str], BeforeValidator(_to_text), WithJsonSchema(_TEXT_SCHEMA)]


def _plain(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__}")
    if not value.strip():
        raise ValueError("expected text, found an empty string")
    return nfc(value.strip())


Plain = Annotated[str, BeforeValidator(_plain)]

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=64,
                          description="Lower-case letters, digits and hyphens; used in file names.")]
Lang = Annotated[str, AfterValidator(_check_lang)]


# --- phone numbers, e-mail, URLs --------------------------------------------------------

def _phone(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a phone number as text, found {type(value).__name__}")
    region = _ctx(info, "region", "DK")
    raw = " ".join(value.split())  # a number copied from a web page or Word has no-break spaces
    example = phonenumbers.format_number(
        phonenumbers.example_number(region), phonenumbers.PhoneNumberFormat.NATIONAL)
    expected = f"expected a phone number valid in {region}, such as '{example}'"
    if not _PHONE_CHARS.match(raw):
        raise ValueError(f"{raw!r} is not a phone number (only digits, spaces and + ( ) - allowed); {expected}")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{raw!r} is not a phone number; {expected}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw!r} is not a valid phone number; {expected}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Phone = Annotated[str, BeforeValidator(_phone),
                  WithJsonSchema({"type": "string", "description": "Phone number, national or +country format."})]


def _email(value: Any) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise ValueError(f"expected an e-mail address such as name@example.org, found {value!r}")
    return value.strip()


Email = Annotated[str, BeforeValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]


def _url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a web address, found {type(value).__name__}")
    raw = value.strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https"):
        # "records.example.org/login" is an address without its scheme (urlsplit reads no host in it)
        bare = "://" not in raw and "." in raw.split("/")[0] and not any(ch.isspace() for ch in raw)
        hint = f"; did you mean 'https://{raw}'?" if bare else ""
        raise ValueError(f"expected an http:// or https:// address, found {raw!r}{hint}")
    if not parts.hostname or any(ch.isspace() for ch in raw):
        raise ValueError(f"expected a web address with a host name and no spaces, found {raw!r}")
    # printed on a wall and put in a QR code: a password never goes there (nor a lookalike host,
    # https://municipality.example@elsewhere.example/)
    if "@" in parts.netloc:
        shown = raw.replace(parts.netloc, "***@" + parts.netloc.rpartition("@")[2], 1)
        raise ValueError(f"a web address with a user name or password before '@' ({shown}) is refused: it would be "
                         f"printed on every poster and card and put in the QR code. Write the address without it")
    secret = _SECRET_PARAMETER.search(f"{parts.query}&{parts.fragment}")
    if secret:
        raise ValueError(f"a web address with '{secret[1]}=' in it is refused: a password or key would be printed on "
                         f"every poster and card and put in the QR code. Write the address without it")
    return raw  # kept exactly as written: we never rewrite an admin's URL


_SECRET_PARAMETER = re.compile(r"(?:^|[&;])((?:password|passwd|pwd|pass|passcode|secret|token|access_token|"
                               r"api_?key|auth))=", re.IGNORECASE)


Url = Annotated[str, BeforeValidator(_url),
                WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]


def _hhmm(value: Any) -> dt.time:
    if isinstance(value, str):
        match = _HHMM.match(value.strip())
        if match:
            hour, minute = int(match[1]), int(match[2])
            if hour == 24 and minute == 0:
                return dt.time(23, 59)
            if hour < 24:
                return dt.time(hour, minute)
    raise ValueError(f"expected a time of day as HH:MM (e.g. '07:00'), found {value!r}")


ClockTime = Annotated[dt.time, BeforeValidator(_hhmm),
                      WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}[:.]\d{2}$"})]


def parse_days(value: Any) -> tuple[int, ...]:
    """'mon-fri', 'sat', 'mon,wed,fri' -> weekday numbers (Monday = 0)."""
    if not isinstance(value, str):
        raise ValueError(f"expected days such as 'mon-fri' or 'sat,sun', found {value!r}")
    days: list[int] = []
    for part in value.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or not all(e in WEEKDAYS for e in ends):
            raise ValueError(f"expected days such as 'mon-fri' or 'sat,sun' (mon tue wed thu fri sat sun), found {value!r}")
        first, last = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        if last < first:
            raise ValueError(f"day range {part!r} runs backwards; write e.g. 'mon-fri'")
        days.extend(range(first, last + 1))
    if len(set(days)) != len(days):
        raise ValueError(f"a day is named twice in {value!r}")
    return tuple(sorted(days))


Days = Annotated[tuple[int, ...], BeforeValidator(parse_days),
                 WithJsonSchema({"type": "string", "description": "e.g. 'mon-fri', 'mon-thu', 'fri', 'sat,sun'"})]


# --- organisation -------------------------------------------------------------------

def _region(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"expected a two-letter country code for phone numbers such as 'DK', found {value!r}")
    return value.upper()


def _zone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"expected a time zone such as 'Europe/Copenhagen', found {value!r}") from None
    return str(value)


class Organisation(Base):
    name: Text
    region: Annotated[str, BeforeValidator(_region)] = Field(description="Country for phone numbers, e.g. DK")
    default_language: Lang
    timezone: Annotated[str, BeforeValidator(_zone)] = "Europe/Copenhagen"


# --- contacts -----------------------------------------------------------------------

class Hours(Base):
    days: Days
    open: ClockTime
    close: ClockTime


Availability = Literal["working-hours", "outside-hours", "always", "as-needed"]


class Contact(Base):
    id: Id
    name: Text
    phones: list[Phone] = []
    email: Email | None = None
    available: Availability = Field(
        description="working-hours: call in working hours; outside-hours: evenings, nights, weekends and "
                    "holidays; always; as-needed: only in the situation call_when describes")
    hours: list[Hours] = []
    call_when: Text | None = None
    not_when: Text | None = None
    does_not: Text | None = None


class ContactsFile(Base):
    contacts: list[Contact] = Field(min_length=1)


# --- plans --------------------------------------------------------------------------

class Fallback(Base):
    url: Url | None = Field(default=None, description="The web address staff can open the system at when the "
                                                       "usual way in is down; printed with a QR code. Left out: no "
                                                       "QR code is printed anywhere")
    how: Text | None = Field(default=None, description="One or two sentences: how to use that way in")
    mobile: Text | None = Field(default=None, description="What to do when the organisation's network is down "
                                                          "(e.g. a phone with a SIM card)")


class PasswordReset(Base):
    url: Url
    how: Text


_RRULE_FREQ = re.compile(r"(?:^|[;:])\s*FREQ\s*=\s*([A-Za-z]+)", re.I)


def _rrule(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an RRULE text such as 'FREQ=MONTHLY;BYDAY=+4TU', found {value!r}")
    try:
        rrulestr(value, dtstart=dt.datetime(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"expected an RRULE text such as 'FREQ=MONTHLY;BYDAY=+4TU', found {value!r} ({exc})") from None
    freq = _RRULE_FREQ.search(value)
    if freq is None or freq[1].upper() not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        raise ValueError(f"expected FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (planned downtime is named by the day), "
                         f"found {value!r}")
    # a rule that names no day at all (the 30th of February) would make every document of every
    # build search the calendar up to the year 9999 (seconds each) and print no date
    months = _rrule_numbers(value, "BYMONTH") or list(range(1, 13))
    days = _rrule_numbers(value, "BYMONTHDAY")
    if days and not any(abs(d) <= _MONTH_DAYS[m - 1] for m in months if 1 <= m <= 12 for d in days):
        raise ValueError(f"the rule {value!r} names no day at all (no such day in those months); "
                         f"check BYMONTH and BYMONTHDAY")
    return value


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _rrule_numbers(rule: str, key: str) -> list[int]:
    match = re.search(rf"(?:^|[;:])\s*{key}\s*=\s*([-+0-9, ]+)", rule, re.I)
    return [int(n) for n in match[1].replace(" ", "").split(",") if n.strip("+-")] if match else []


class Maintenance(Base):
    rrule: Annotated[str, BeforeValidator(_rrule)] = Field(
        description="iCalendar RRULE (RFC 5545), e.g. FREQ=MONTHLY;BYDAY=+4TU for the 4th Tuesday")
    part_of_day: Literal["morning", "daytime", "evening", "night"] | None = None
    start: ClockTime | None = None
    duration_hours: tuple[float, float] | None = Field(
        default=None, description="[shortest, longest] expected downtime in hours")
    note: Text


class Revision(Base):
    prepared_by: Text
    approved_by: Text
    approved_on: dt.date
    last_updated: dt.date
    editor: Plain


class Bullets(Base):
    bullets: list[Text] = Field(min_length=1)


class Section(Base):
    id: Id
    heading: Text
    body: list[Text | Bullets] = Field(min_length=1)


class Plan(Base):
    id: Id
    title: Text
    short_title: Text | None = Field(default=None, description="A shorter title for the pocket card, where room "
                                                               "is short; left out: the title")
    system: Plain
    summary: Text = Field(description="One line: what the situation is (top of the poster).")
    steps: list[Text] = Field(min_length=1, max_length=9)
    contacts: list[Id] = Field(min_length=1, description="Contact ids from contacts.yaml, in the order to show.")
    fallback: Fallback | None = Field(default=None, description="The way in when the usual one is down; left out "
                                                                "when the plan names none (then no QR code)")
    password_reset: PasswordReset | None = None
    outside_hours: Text = Field(description="What to do when nobody is to be called.")
    maintenance: Maintenance | None = None
    revision: Revision
    sections: list[Section] = Field(min_length=1)


# --- units --------------------------------------------------------------------------

class Leader(Base):
    name: Plain
    phone: Phone


class Unit(Base):
    id: Id
    name: Plain
    short_name: Plain | None = Field(default=None, description="A shorter name where room is short: the pocket "
                                                               "card's foot, the registration sheets' header box, "
                                                               "neighbour lists on posters; left out: the name")
    plan: Id
    address: Plain
    phone: Phone
    leader: Leader
    neighbours: list[Id] = []
    languages: list[Lang] = []
    copies: dict[Id, Annotated[int, Field(ge=0, le=100)]] = Field(
        default={}, description="Copies per document id (e.g. poster-a3: 2); documents not named get 1.")
    sheets: list[Id] | None = Field(
        default=None, description="Registration sheet kinds this unit gets (e.g. [haendelseslog, medicingivning]); "
                                  "left out: every kind in layouts/sheets/.")
    example: bool = False


class UnitsFile(Base):
    units: list[Unit] = Field(min_length=1)
