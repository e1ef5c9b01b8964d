"""An input file's bytes as text, and the characters in text that would print wrong.

Every content, layout and units file goes through `decode`: UTF-8 (with or without a
byte-order mark), UTF-16 and UTF-32 recognised by their byte-order mark (Excel's "Unicode
text"), and, for a spreadsheet saved as CSV, Windows-1252 (Excel's plain "CSV" on a Danish
Windows). Anything else is refused with the line, the column and the byte, the encodings
tried and what to do — a guessed encoding prints "Strandg†rden" on a poster.

`suspicious` finds, in decoded text, what looks right on screen but is not: invisible
characters (a zero-width space pasted from a web page is found by no reader and drawn by no
font), and text that went through the wrong encoding once already ("StrandgÃ¥rden").
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from ..errors import ContentError, Location, Problem

UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
# longest first: the UTF-32 LE mark begins with the UTF-16 LE one
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8", UTF8), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))

# Letters an old DOS program (code page 850) or an old Mac (Mac Roman) writes, read as
# Windows-1252: å is † or Œ there, ø is › or ¿, æ is ‘ or ¾, é is ‚ or Ž. Between two letters
# none of them is a real text's punctuation.
_DOS_IN_1252 = "†‡ˆ‰Š‹ŒŽ‘“”•˜™šœžŸƒ‚„›¼½¾¿¹²³¤¦¨¯´¸"
_DOS_WORD = re.compile(rf"(?<=[^\W\d_])[{_DOS_IN_1252}](?=[^\W\d_])")

# UTF-8 read as Windows-1252 (or Latin-1) and saved again: å becomes Ã¥, ø Ã¸, a no-break
# space Â followed by one, – â€“. Only the leading bytes of the letters and marks a Latin
# alphabet uses, so that "Ç®" in a random text is not taken for a mistake.
_CONTINUATION = "\u0080-\u00bf" + "".join(bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xc0))
_MOJIBAKE = re.compile(rf"[ÂÃÅ][{_CONTINUATION}]|â[{_CONTINUATION}]{{2}}")

# No reader sees these, no font draws them, and a unit name holding one is not the name that
# was meant: zero-width and direction marks, the soft hyphen, a byte-order mark in mid-text.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def decode(raw: bytes, file: Path | str, *, spreadsheet: bool = False) -> str:
    """The file's text, or ContentError naming the line, column and byte."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise _undecodable(raw, exc.start + len(bom), file, f"{name} (its byte-order mark says so)",
                                   spreadsheet) from None
    if raw.count(b"\0") > len(raw) // 8:
        # every other byte zero: UTF-16 without its byte-order mark, or not a text file at all
        raise ContentError([Problem(Location(file, 1, 1), "",
                                    "not a text file nødkit can read: it holds zero bytes (UTF-16 text without a "
                                    "byte-order mark, or a file that is not text at all). " + _advice(spreadsheet))])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if not spreadsheet:
        raise _undecodable(raw, first_bad, file, UTF8, spreadsheet) from None
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _undecodable(raw, exc.start, file, f"{UTF8}, {WINDOWS_1252}", spreadsheet) from None
    dos = _DOS_WORD.search(text)
    if dos:
        line, column = _position(text, dos.start())
        word = _word_at(text, dos.start())
        raise ContentError([Problem(Location(file, line, column), "",
                                    f"{word!r} looks like text from an old DOS or Mac program (code page 850 or "
                                    f"Mac Roman, where å, ø and æ are other bytes), read as {WINDOWS_1252}; tried "
                                    f"{UTF8} and {WINDOWS_1252}. " + _advice(spreadsheet))])
    return text


def _undecodable(raw: bytes, index: int, file, tried: str, spreadsheet: bool) -> ContentError:
    before = raw[:index]
    line, column = before.count(b"\n") + 1, index - (before.rfind(b"\n") + 1) + 1
    byte = raw[index]
    readings = []
    for codec, name in (("cp1252", WINDOWS_1252), ("cp850", "an old DOS program's code page 850")):
        letter = bytes([byte]).decode(codec, "replace")
        if byte >= 0x80 and letter.isprintable() and letter != "\ufffd" and name not in tried:
            readings.append(f"'{letter}' in {name}")
    guess = f" ({', or '.join(readings)})" if readings else ""
    return ContentError([Problem(Location(file, line, column), "",
                                 f"byte 0x{byte:02X}{guess} is not {UTF8} text; tried: {tried}. "
                                 + _advice(spreadsheet))])


def _advice(spreadsheet: bool) -> str:
    if spreadsheet:
        return ("Save it from the spreadsheet program as \"CSV UTF-8\" (Excel: File → Save As → CSV UTF-8), "
                "or as .xlsx")
    return "Save the file as UTF-8 (Notepad: File → Save As → Encoding: UTF-8; VS Code: the encoding in the status bar)"


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _word_at(text: str, index: int) -> str:
    start = index
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in ",;\"'":
        start -= 1
    end = index
    while end < len(text) and not text[end].isspace() and text[end] not in ",;\"'":
        end += 1
    return text[start:end][:40]


def name_of(ch: str) -> str:
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed').lower()})"


def suspicious(text: str) -> Iterator[tuple[int, str]]:
    """(index, message) for each thing in `text` that would print wrong or not at all."""
    for match in _INVISIBLE.finditer(text):
        yield match.start(), (f"an invisible character {name_of(match[0])}, often pasted from a web page or a word "
                              f"processor: it prints as nothing or as a box. Delete it (retype the text around it)")
    for match in _CONTROL.finditer(text):
        yield match.start(), (f"the control character {name_of(match[0])} cannot be printed (often pasted from a word "
                              f"processor); delete it or type a space")
    for match in _MOJIBAKE.finditer(text):
        meant = _utf8(match[0])
        if meant is None:
            continue
        yield match.start(), (f"'{match[0]}' looks like '{meant}' gone through the wrong encoding once already "
                              f"(UTF-8 text read as {WINDOWS_1252} and saved again): write '{meant}'")


def _utf8(text: str) -> str | None:
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            pass
    return None


def suspicious_problems(text: str, file: Path | str) -> list[Problem]:
    """`suspicious` for a whole file, each with its line and column."""
    return [Problem(Location(file, *_position(text, index)), "", message) for index, message in suspicious(text)]
