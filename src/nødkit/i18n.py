"""Words and formats per language.

Every word that code or layouts put on a page is an English msgid looked up in the
gettext catalogue `locale/<lang>/LC_MESSAGES/nodkit.po` (kept with babel: see
docs/languages.md). The .po is compiled in memory on first use, so there is one source
of truth and no compiled file to forget. Dates, times, weekday names and ranges come
from babel for the document's locale; phone numbers stay in their national format.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton, format_time, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "nodkit"
SOURCE_LANGUAGE = "en"  # the msgids are English


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def has_catalogue(lang: str) -> bool:
    return lang == SOURCE_LANGUAGE or catalogue_path(lang).is_file()


def available_languages() -> list[str]:
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(found | {SOURCE_LANGUAGE})


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> Translations:
    if lang == SOURCE_LANGUAGE and not catalogue_path(lang).is_file():
        return Translations()
    with catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def untranslated(lang: str) -> list[str]:
    """msgids that the catalogue of `lang` leaves empty (a build would print English)."""
    if lang == SOURCE_LANGUAGE:
        return []
    with catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return [m.id for m in catalog if m.id and not m.string and not m.fuzzy]


def regional_locale(lang: str, region: str) -> Locale:
    """The language as written in the organisation's country, where CLDR knows it.

    English in Denmark (en_DK) writes "8 September 2022" and "15:30", as staff there
    expect; plain "en" would give the US "September 8, 2022".
    """
    try:
        return Locale.parse(f"{lang}_{region}")
    except (ValueError, LookupError, UnknownLocaleError):  # uk_DK, pl_DK: no such locale in CLDR
        return Locale.parse(lang)


@functools.lru_cache(maxsize=4096)
def _formatted(formatter, value, pattern: str, locale: str) -> str:
    return formatter(value, pattern, locale=locale)


def _skeleton(day: dt.date, skeleton: str, locale: str) -> str:
    return format_skeleton(skeleton, day, locale=locale)


def _interval(span: tuple[dt.time, dt.time], skeleton: str, locale: str) -> str:
    return format_interval(span[0], span[1], skeleton, locale=locale)


class Words:
    """gettext for one language, plus babel formatting for its locale."""

    def __init__(self, lang: str, region: str):
        self.lang = lang
        self.region = region
        self.locale = regional_locale(lang, region)
        self._t = translations(lang)

    def gettext(self, msgid: str) -> str:
        return self._t.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    # -- formats --------------------------------------------------------------------
    # Formatting is cached: fitting a poster's text tries several sizes, and each trial formats
    # the same dates and hours again (babel parses its patterns on every call).
    def date_long(self, day: dt.date) -> str:
        return _formatted(format_date, day, "long", str(self.locale))  # da: 8. september 2022

    def date_short(self, day: dt.date) -> str:
        return _formatted(format_date, day, "short", str(self.locale))

    def date_weekday(self, day: dt.date) -> str:
        return _formatted(format_date, day, "full", str(self.locale))

    def date_short_weekday(self, day: dt.date) -> str:
        return _formatted(_skeleton, day, "yMMMEd", str(self.locale))  # da: tirs. 22. dec. 2026

    def time(self, t: dt.time) -> str:
        return _formatted(format_time, t, "short", str(self.locale))

    def time_range(self, start: dt.time, end: dt.time) -> str:
        return _formatted(_interval, (start, end), "Hm", str(self.locale))  # da: 07.00–15.30

    def weekday(self, index: int, width: str = "wide") -> str:
        return get_day_names(width, locale=self.locale)[index]

    def day_ranges(self, days: tuple[int, ...], width: str = "wide") -> str:
        """(0,1,2,3,4) -> 'mandag–fredag'; (0,2) -> 'mandag, onsdag'."""
        runs: list[list[int]] = []
        for d in sorted(days):
            if runs and d == runs[-1][-1] + 1:
                runs[-1].append(d)
            else:
                runs.append([d])
        parts = []
        for run in runs:
            if len(run) >= 3:
                parts.append(f"{self.weekday(run[0], width)}–{self.weekday(run[-1], width)}")
            else:
                parts.extend(self.weekday(d, width) for d in run)
        return ", ".join(parts)

    def phone(self, e164: str) -> str:
        number = phonenumbers.parse(e164, self.region)
        fmt = (phonenumbers.PhoneNumberFormat.NATIONAL
               if phonenumbers.region_code_for_number(number) == self.region
               else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return phonenumbers.format_number(number, fmt)

    def tel_uri(self, e164: str) -> str:
        return "tel:" + e164
