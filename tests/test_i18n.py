"""The interface words: every msgid the code uses is translated, and formats follow the locale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from nødkit.i18n import Words, available_languages, catalogue_path, untranslated

SRC = Path(__file__).resolve().parents[1] / "src"


def _msgids_in_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(SRC), method_map=[("**.py", "python")]):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_code_uses_interface_words():
    # guards the extraction itself: if it found nothing, the next test would pass vacuously
    assert {"Call now", "Do this now", "EXAMPLE – not for use"} <= _msgids_in_code()


def test_every_msgid_in_code_is_translated_in_every_catalogue():
    used = _msgids_in_code()
    for lang in available_languages():
        path = catalogue_path(lang)
        if not path.is_file():
            continue  # the source language (English msgids) needs no catalogue
        with path.open("rb") as fh:
            catalogue = read_po(fh, locale=lang)
        translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
        missing = sorted(used - translated)
        assert not missing, f"{path}: no translation for {missing}"
        assert not untranslated(lang)


def test_danish_formats():
    w = Words("da", "DK")
    assert w.date_long(dt.date(2022, 9, 8)) == "8. september 2022"
    assert w.time_range(dt.time(7, 0), dt.time(15, 30)) == "07.00–15.30"
    assert w.day_ranges((0, 1, 2, 3, 4)) == "mandag–fredag"
    assert w.day_ranges((0, 1, 2, 3)) + ", " + w.day_ranges((4,)) == "mandag–torsdag, fredag"
    assert w.phone("+4572361448") == "72 36 14 48"
    assert w.gettext("Call now") == "Ring nu"


def test_english_formats():
    w = Words("en", "DK")
    assert w.date_long(dt.date(2022, 9, 8)) == "8 September 2022"  # English as written in Denmark
    assert w.time_range(dt.time(7, 0), dt.time(15, 30)) == "07:00–15:30"
    assert w.day_ranges((5, 6)) == "Saturday, Sunday"
    assert w.phone("+4572361448") == "72 36 14 48"  # national format in every language
    assert w.gettext("Call now") == "Call now"
