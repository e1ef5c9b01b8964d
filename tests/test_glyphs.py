"""Fonts and the glyph check (DESIGN.md §4, docs/languages.md).

reportlab draws a character its font lacks as an empty box, silently. nødkit checks every
character against the font before drawing; a missing one fails the build naming the
character, its code point, the field and the font, and nothing is written. A layout may
name other fonts for a language (`languages:` in theme.yaml); these tests build real kits
with such layouts and look at the fonts embedded in the PDFs.
"""

from __future__ import annotations

import re
import shutil
import struct
import unicodedata
from pathlib import Path

import pytest
import reportlab
from pypdf import PdfReader

from conftest import LAYOUTS, build, copy_content, run

from nødkit.errors import ContentError
from nødkit.layout import load_layouts

REPORTLAB_FONTS = Path(reportlab.__file__).parent / "fonts"
# A 3 kB subset of Noto Sans Khmer that reportlab ships for its tests: a real TrueType font
# with a handful of Khmer glyphs and no Latin letters at all.
HB_TEST = REPORTLAB_FONTS / "hb-test.ttf"

# "'X' (U+0058)" as the messages print a missing character: the character, then its code point
MISSING = re.compile(r"'(.)' \(U\+([0-9A-F]{4,6})\)")


def font_without(tmp_path: Path, char: str, source: Path = REPORTLAB_FONTS / "Vera.ttf", *,
                 rename: bool = True) -> Path:
    """A copy of a Vera font whose character map sends `char` to glyph 0 (.notdef, the empty
    box), the way a font says it lacks a character: a test font that has every letter the
    layouts and interface words need, except one. (fontTools is not a dependency, so the
    format 4 cmap of the Windows Unicode subtable is patched in place.)

    reportlab keeps one font per PostScript name, so the copy gets its own name (same length,
    in the name table's Mac and Windows records) unless `rename` is false."""
    from reportlab.pdfbase.ttfonts import TTFontFile
    data = bytearray(source.read_bytes())
    if rename:
        ps = TTFontFile(str(source)).name
        new = (b"NodkitTest-U%04X-" % ord(char) + ps)[:len(ps)]
        for old, replacement in ((ps, new), (ps.decode().encode("utf-16-be"), new.decode().encode("utf-16-be"))):
            assert old in data
            data = bytearray(bytes(data).replace(old, replacement))
    tables = {}
    for i in range(struct.unpack(">H", data[4:6])[0]):
        tag, _sum, offset, _length = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag] = offset
    cmap = tables[b"cmap"]
    for i in range(struct.unpack(">H", data[cmap + 2:cmap + 4])[0]):
        platform, encoding, offset = struct.unpack(">HHI", data[cmap + 4 + 8 * i:cmap + 12 + 8 * i])
        sub = cmap + offset
        if (platform, encoding) != (3, 1) or struct.unpack(">H", data[sub:sub + 2])[0] != 4:
            continue
        seg_x2 = struct.unpack(">H", data[sub + 6:sub + 8])[0]
        ends = struct.unpack(f">{seg_x2 // 2}H", data[sub + 14:sub + 14 + seg_x2])
        starts = struct.unpack(f">{seg_x2 // 2}H", data[sub + 16 + seg_x2:sub + 16 + 2 * seg_x2])
        range_offsets = sub + 16 + 3 * seg_x2
        for n, (start, end) in enumerate(zip(starts, ends)):
            if start <= ord(char) <= end:
                at = range_offsets + 2 * n
                offset = struct.unpack(">H", data[at:at + 2])[0]
                assert offset, f"{char!r} is mapped by a delta, not through the glyph array"
                slot = at + offset + 2 * (ord(char) - start)
                data[slot:slot + 2] = b"\0\0"
                target = tmp_path / f"{source.stem}-without-U{ord(char):04X}{'' if rename else '-same-name'}.ttf"
                target.write_bytes(bytes(data))
                return target
    raise AssertionError(f"{char!r} not in {source.name}'s character map")


def nothing_written(out: Path) -> bool:
    return not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def layouts_folder(tmp_path: Path, theme: str, fonts: dict[str, Path] | None = None) -> Path:
    """A user's layouts folder holding only theme.yaml (and fonts/); the rest comes from the defaults."""
    folder = tmp_path / "layouts"
    (folder / "fonts").mkdir(parents=True)
    (folder / "theme.yaml").write_text(theme, "utf-8")
    for name, source in (fonts or {}).items():
        shutil.copyfile(source, folder / "fonts" / name)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} not found exactly once in {path}"
    path.write_text(text.replace(old, new), "utf-8")


def embedded_fonts(pdf: Path) -> set[str]:
    """BaseFont names of every font the PDF's pages reference, e.g. 'ABCDEF+BitstreamVeraSans-Oblique'
    (the six-letter tag marks an embedded subset; a standard font such as Helvetica has none)."""
    found = set()
    seen = set()

    def walk(obj):
        obj = obj.get_object() if hasattr(obj, "get_object") else obj
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, dict):
            if obj.get("/Type") == "/Font" and "/BaseFont" in obj:
                found.add(str(obj["/BaseFont"]).lstrip("/"))
            for key, value in obj.items():
                if key not in ("/Parent", "/P"):
                    walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)

    for page in PdfReader(str(pdf)).pages:
        walk(page)
    return found


def assert_names_missing_glyph(output: str, char: str, field: str, font: str) -> None:
    """Some line of the output names the field, the font, the character and its code point."""
    lines = [ln for ln in output.splitlines()
             if f"field {field}: the font {font} has no glyph for " in ln and f"'{char}' (U+{ord(char):04X})" in ln]
    assert lines, output
    assert all("theme.yaml" in ln and "docs/languages.md" in ln for ln in lines), lines  # what to do


def assert_refused_at(output: str, file: str, field: str, char: str, font: str) -> None:
    """`build` checks every text against its fonts first, as `check` does (issue 14): one problem
    at the text's file:line:column, naming the field, the font, the character and its code point."""
    lines = [ln for ln in output.splitlines() if re.search(rf"{re.escape(file)}:\d+:\d+: {re.escape(field)}: ", ln)
             and font in ln and f"no glyph for '{char}' (U+{ord(char):04X})" in ln]
    assert lines, output
    assert all("theme.yaml" in ln and "docs/languages.md" in ln for ln in lines), lines  # what to do


# --- what the PDFs embed ----------------------------------------------------------------------

def test_every_document_embeds_only_subset_fonts_from_the_theme(default_kit):
    # no standard font (Helvetica) referenced anywhere: a reportlab Table names it for every cell
    # unless its style sets FONTNAME; and only the theme's Vera, subset ("ABCDEF+")
    pdfs = sorted(default_kit.rglob("*.pdf"))
    assert len(pdfs) > 20
    for pdf in pdfs:
        fonts = embedded_fonts(pdf)
        assert fonts, pdf
        for font in fonts:
            assert re.fullmatch(r"[A-Z]{6}\+BitstreamVeraSans-(Roman|Bold)", font), (pdf.relative_to(default_kit), font)


# --- the default font (Vera) meets a letter it does not have ------------------------------

def test_cyrillic_step_in_the_default_font_fails_naming_character_field_and_font(tmp_path, monkeypatch):
    content = copy_content(tmp_path)
    edit(content / "plans" / "nexus.yaml", "  - da: Ring til andre botilbud", "  - da: Жring til andre botilbud")
    out = tmp_path / "output"
    result = build(out, "--unit", "bakkehuset", content=content)
    assert result.exit_code == 2, result.output
    assert_refused_at(result.output, "nexus.yaml", "steps[0].da", "Ж", "Bitstream Vera Sans (Vera.ttf)")
    assert nothing_written(out), sorted(out.rglob("*"))
    # and should that check ever miss a text, each document still refuses to draw the letter
    import nødkit.build.run
    monkeypatch.setattr(nødkit.build.run, "check_letters", lambda project: None)
    result = build(out, "--unit", "bakkehuset", content=content, check_agrees=False)  # check still checks letters
    assert result.exit_code == 1, result.output
    assert_names_missing_glyph(result.output, "Ж", "plan.steps[0]", "Bitstream Vera Sans (Vera.ttf)")
    assert "bakkehuset/poster-a3/da" in result.output
    assert "Traceback" not in result.output
    assert nothing_written(out), sorted(out.rglob("*"))


def test_a_letter_the_font_maps_to_its_empty_box_counts_as_missing(tmp_path):
    # Vera's character map lists U+010E 'Ď' but sends it to glyph 0, the .notdef box: reportlab
    # would print a box, so the check must treat it as missing, not as present
    content = copy_content(tmp_path)
    edit(content / "units.yaml", "leader: {name: Anne Eksempel", "leader: {name: Anne Ďurová")
    out = tmp_path / "output"
    result = build(out, "--unit", "bakkehuset", content=content)
    assert result.exit_code == 2, result.output
    assert "'Ď' (U+010E)" in result.output and "units[0].leader.name" in result.output, result.output
    assert nothing_written(out)


def test_greek_unit_name_fails_in_the_bold_font_too_and_keeps_earlier_output(tmp_path, default_kit):
    content = copy_content(tmp_path)
    edit(content / "units.yaml", "name: Botilbud Bakkehuset", "name: Botilbud Bakkehuset λ")
    out = tmp_path / "output"
    shutil.copytree(default_kit, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = build(out, "--unit", "bakkehuset", content=content)
    assert result.exit_code == 2, result.output
    # the poster prints the unit's name in bold, the plan in regular: both fonts are named
    assert_refused_at(result.output, "units.yaml", "units[0].name", "λ",
                      "Bitstream Vera Sans (Vera.ttf) and Bitstream Vera Sans Bold (VeraBd.ttf)")
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before, "a failed build changed the output folder"


# --- `check` finds them before anything is drawn ------------------------------------------

def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_check_names_file_line_and_both_fonts_for_a_letter_the_fonts_lack(tmp_path):
    """A zero-width space pasted from Word, and a Greek letter: `check` reports each at its place
    in the file, with the character's code point (and the name of one that cannot be seen)."""
    content = copy_content(tmp_path)
    units = content / "units.yaml"
    edit(units, "name: Botilbud Bakkehuset", "name: Botilbud Bakke\u200bhuset λ")
    result = run("check", "--content", str(content))
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    # the invisible one is refused as the file is read, at its very column (issue 14)
    column = units.read_text("utf-8").splitlines()[_line_of(units, "Bakke") - 1].index("\u200b") + 1
    assert f"units.yaml:{_line_of(units, 'Bakke')}:{column}: an invisible character U+200B (zero width space)" \
        in result.output, result.output
    edit(units, "Bakke\u200bhuset", "Bakkehuset")
    result = run("check", "--content", str(content))
    lines = [ln for ln in result.output.splitlines() if "units[0].name" in ln]
    assert len(lines) == 1, result.output
    line = lines[0]
    assert f"units.yaml:{_line_of(units, 'Bakke')}:" in line, line
    assert "'λ' (U+03BB)" in line, line
    assert "Bitstream Vera Sans (Vera.ttf)" in line and "Bitstream Vera Sans Bold (VeraBd.ttf)" in line, line
    assert "(da)" in line and "theme.yaml" in line


def test_check_looks_at_a_text_only_in_the_languages_that_print_it(tmp_path):
    """The English plan title is printed only for units that ask for English: with Cyrillic in it,
    `check` fails while one unit does, and passes once none does."""
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    text = plan.read_text("utf-8")
    start = text.index("title:")
    english = text.index("en: ", start) + len("en: ")
    plan.write_text(text[:english] + "Ж " + text[english:], "utf-8")
    result = run("check", "--content", str(content))
    assert result.exit_code == 2, result.output
    assert any("title.en" in ln and "'Ж' (U+0416)" in ln and "(en)" in ln for ln in result.output.splitlines()), \
        result.output
    edit(content / "units.yaml", "languages: [da, en]", "languages: [da]")
    result = run("check", "--content", str(content))
    assert result.exit_code == 0, result.output


def test_decomposed_letters_are_normalised_before_the_check(tmp_path):
    # "å" typed as a + combining ring (as some Mac and web forms send it) is one letter Vera
    # has once composed: no false alarm about U+030A
    content = copy_content(tmp_path)
    name = unicodedata.normalize("NFD", "Botilbud Båkkehuset")
    assert "\u030a" in name
    edit(content / "units.yaml", "name: Botilbud Bakkehuset", f"name: {name}")
    result = build(tmp_path / "output", "--unit", "bakkehuset", "--lang", "da", content=content)
    assert result.exit_code == 0, result.output


# --- a font named in a layout that lacks letters ----------------------------------------

def test_the_patched_test_font_lacks_exactly_one_character(tmp_path):
    from reportlab.pdfbase.ttfonts import TTFont
    patched = TTFont("nk-test-patched", str(font_without(tmp_path, "§"))).face.charToGlyph
    vera = TTFont("nk-test-vera", str(REPORTLAB_FONTS / "Vera.ttf")).face.charToGlyph
    assert patched.get(ord("§")) == 0 and vera[ord("§")] != 0
    assert TTFont("nk-test-patched2", str(font_without(tmp_path, "§"))).face.name == b"NodkitTest-U00A7-Bitstr"
    assert {c: g for c, g in patched.items() if c != ord("§")} == {c: g for c, g in vera.items() if c != ord("§")}


def test_layout_font_lacking_a_glyph_fails_the_build_naming_character_field_and_that_font(tmp_path):
    font = font_without(tmp_path, "§")
    layouts = layouts_folder(tmp_path, "fonts:\n  regular: fonts/Vera-without-U00A7.ttf\n  bold: VeraBd.ttf\n",
                             {font.name: font})
    content = copy_content(tmp_path)
    edit(content / "plans" / "nexus.yaml", "  - da: Ring til andre botilbud", "  - da: Efter § 3 ring til andre botilbud")
    checked = run("check", "--content", str(content), "--layouts", str(layouts))
    assert checked.exit_code == 2, checked.output  # `check` finds it first, at its line in the plan
    assert any("nexus.yaml:" in ln and "steps[0].da" in ln and "Vera-without-U00A7.ttf" in ln
               and "'§' (U+00A7)" in ln for ln in checked.output.splitlines()), checked.output
    out = tmp_path / "output"
    result = build(out, "--unit", "bakkehuset", content=content, layouts=layouts)
    assert result.exit_code == 2, result.output
    assert_refused_at(result.output, "nexus.yaml", "steps[0].da", "§", "Bitstream Vera Sans (Vera-without-U00A7.ttf)")
    assert nothing_written(out)
    # the same content in the default fonts builds: it is the font that lacks the letter
    assert build(out, "--unit", "bakkehuset", content=content).exit_code == 0


def test_reportlabs_tiny_test_font_loads_and_lacks_latin():
    from reportlab.pdfbase.ttfonts import TTFont
    face = TTFont("nk-test-hb", str(HB_TEST)).face
    assert face.familyName == b"Noto Sans Khmer"
    assert not any(face.charToGlyph.get(ord(c)) for c in "ABCabc0123")


def test_a_font_without_the_layouts_letters_is_refused_by_check_naming_label_line_and_font(tmp_path):
    # the sheets' printed labels are layout text: checked against the font at load, with file:line
    layouts = layouts_folder(tmp_path, "fonts:\n  regular: fonts/hb-test.ttf\n  bold: fonts/hb-test.ttf\n",
                             {"hb-test.ttf": HB_TEST})
    for result in (run("check", "--layouts", str(layouts)),
                   build(tmp_path / "output", "--unit", "bakkehuset", layouts=layouts)):
        assert result.exit_code == 2, result.output
        problems = [ln for ln in result.output.splitlines() if "has no glyph for" in ln]
        assert problems, result.output
        for line in problems:
            assert re.search(r"layouts/sheets/[\w-]+\.yaml:\d+:\d+: [\w.\[\]]+\.(da|en): the font "
                             r"Noto Sans Khmer Regular \(hb-test\.ttf\) has no glyph for '.' \(U\+", line), line
            for char, code in MISSING.findall(line):
                assert int(code, 16) == ord(char)
        # no misleading width complaints measured with missing glyphs
        assert not any("needs at least" in ln for ln in result.output.splitlines()), result.output
    assert nothing_written(tmp_path / "output")


# --- fonts per language -------------------------------------------------------------------

THEME_WITH_LANGUAGES = """\
fonts:
  regular: Vera.ttf
  bold: VeraBd.ttf
languages:
  da: {regular: fonts/VeraIt.ttf, bold: fonts/VeraBI.ttf}
"""


def test_fonts_for_maps_a_language_and_falls_back_to_the_theme_fonts(tmp_path):
    layouts = layouts_folder(tmp_path, THEME_WITH_LANGUAGES + "  pt: {regular: VeraBd.ttf, bold: VeraBd.ttf}\n",
                             {"VeraIt.ttf": REPORTLAB_FONTS / "VeraIt.ttf", "VeraBI.ttf": REPORTLAB_FONTS / "VeraBI.ttf"})
    loaded = load_layouts([layouts, LAYOUTS])
    assert loaded.fonts_for("da") == (layouts / "fonts" / "VeraIt.ttf", layouts / "fonts" / "VeraBI.ttf")
    assert loaded.fonts_for("en") == (REPORTLAB_FONTS / "Vera.ttf", REPORTLAB_FONTS / "VeraBd.ttf")
    assert loaded.fonts_for("pt_BR") == (REPORTLAB_FONTS / "VeraBd.ttf",) * 2  # a regional variant uses its language's
    # the language's font files are part of the layout fingerprint: a changed file flags a reprint
    assert loaded.files["font:da:regular"] == layouts / "fonts" / "VeraIt.ttf"
    assert loaded.files["font:da:bold"] == layouts / "fonts" / "VeraBI.ttf"


def test_the_default_layouts_map_no_language_and_use_vera():
    loaded = load_layouts([LAYOUTS])
    assert loaded.language_fonts == {}
    assert loaded.fonts_for("da") == (REPORTLAB_FONTS / "Vera.ttf", REPORTLAB_FONTS / "VeraBd.ttf")
    assert loaded.fonts_for("uk") == loaded.fonts_for("da")


def test_two_different_font_files_with_one_internal_name_are_refused(tmp_path):
    # reportlab would silently draw (and check) the second as the first
    copy = font_without(tmp_path, "§", rename=False)
    layouts = layouts_folder(tmp_path, "fonts:\n  regular: Vera.ttf\n  bold: VeraBd.ttf\nlanguages:\n"
                                       f"  uk: {{regular: fonts/{copy.name}, bold: VeraBd.ttf}}\n", {copy.name: copy})
    result = run("check", "--layouts", str(layouts))
    assert result.exit_code == 2, result.output
    assert f"{layouts / 'theme.yaml'}:5:" in result.output, result.output
    assert "languages.uk.regular" in result.output and "'BitstreamVeraSans-Roman'" in result.output, result.output


@pytest.mark.parametrize("entry, field, message", [
    ("  uk: {regular: fonts/DejaVuSans.ttf, bold: VeraBd.ttf}\n", "languages.uk.regular", "'fonts/DejaVuSans.ttf' not found"),
    ("  uk: {regular: ../outside.ttf, bold: VeraBd.ttf}\n", "languages.uk.regular", "must stay inside the layouts folder"),
    ("  uk: {regular: Vera.ttf, bold: fonts/not-a-font.ttf}\n", "languages.uk.bold", "cannot be used"),
    ("  uk: {regular: Vera.ttf}\n", "languages.uk.bold", "required field 'bold' is missing"),
    ("  uk: {regular: Vera.ttf, bold: VeraBd.ttf, italic: VeraIt.ttf}\n", "languages.uk.italic", "unknown key 'italic'"),
    ("  xx-Cyrl: {regular: Vera.ttf, bold: VeraBd.ttf}\n", "languages", "language code"),
])
def test_a_bad_language_font_is_refused_at_load_with_file_and_line(tmp_path, entry, field, message):
    (tmp_path / "outside.ttf").write_bytes(HB_TEST.read_bytes())  # a real font, but outside the folder
    layouts = layouts_folder(tmp_path, "fonts:\n  regular: Vera.ttf\n  bold: VeraBd.ttf\nlanguages:\n" + entry)
    (layouts / "fonts" / "not-a-font.ttf").write_text("this is not a font", "utf-8")
    result = run("check", "--layouts", str(layouts))
    assert result.exit_code == 2, result.output
    problem = next((ln for ln in result.output.splitlines() if message in ln), None)
    assert problem is not None, result.output
    assert f"{layouts / 'theme.yaml'}:5:" in problem, problem  # the line of the `uk:` entry
    assert f": {field}" in problem, problem
    with pytest.raises(ContentError):
        load_layouts([layouts, LAYOUTS])


def test_a_language_mapped_to_other_fonts_is_drawn_in_them(tmp_path):
    layouts = layouts_folder(tmp_path, THEME_WITH_LANGUAGES,
                             {"VeraIt.ttf": REPORTLAB_FONTS / "VeraIt.ttf", "VeraBI.ttf": REPORTLAB_FONTS / "VeraBI.ttf"})
    out = tmp_path / "output"
    result = build(out, "--unit", "solsikken", layouts=layouts)  # solsikken asks for [da, en]
    assert result.exit_code == 0, result.output
    for document in ("poster-a3", "plan", "pocket-cards", "binder", "print-pack"):
        danish = embedded_fonts(out / "solsikken" / f"{document}.da.pdf")
        english = embedded_fonts(out / "solsikken" / f"{document}.en.pdf")
        assert danish and all(re.fullmatch(r"[A-Z]{6}\+BitstreamVeraSans-(Oblique|BoldOblique)", f) for f in danish), \
            (document, danish)
        assert english and not any("Oblique" in f for f in english), (document, english)


def test_layout_labels_are_checked_against_their_languages_font(tmp_path):
    # English mapped to a font without Latin letters: the English labels are refused, the
    # Danish ones (drawn in the theme's Vera) are not
    layouts = layouts_folder(tmp_path, "fonts:\n  regular: Vera.ttf\n  bold: VeraBd.ttf\nlanguages:\n"
                                       "  en: {regular: fonts/hb-test.ttf, bold: fonts/hb-test.ttf}\n",
                             {"hb-test.ttf": HB_TEST})
    result = run("check", "--layouts", str(layouts))
    assert result.exit_code == 2, result.output
    problems = [ln for ln in result.output.splitlines() if "has no glyph for" in ln]
    assert problems and all(re.search(r"\.en: the font Noto Sans Khmer Regular \(hb-test\.ttf\)", ln)
                            for ln in problems), result.output


def test_the_glyph_check_uses_the_languages_font(tmp_path):
    # English drawn in a font lacking '§': an English text with it fails, naming that font;
    # the Danish documents, in the theme's Vera, have it
    font = font_without(tmp_path, "§")
    layouts = layouts_folder(tmp_path, "fonts:\n  regular: Vera.ttf\n  bold: VeraBd.ttf\nlanguages:\n"
                                       f"  en: {{regular: fonts/{font.name}, bold: VeraBd.ttf}}\n", {font.name: font})
    content = copy_content(tmp_path)
    plan = content / "plans" / "nexus.yaml"
    edit(plan, "  - da: Ring til andre botilbud", "  - da: Efter § 3 ring til andre botilbud")
    edit(plan, "    en: Call other residential homes", "    en: Under § 3, call other residential homes")
    out = tmp_path / "output"
    result = build(out, "--unit", "solsikken", content=content, layouts=layouts)
    assert result.exit_code == 2, result.output
    failures = [ln for ln in result.output.splitlines() if "has no glyph for" in ln]
    assert failures and all("steps[0].en: " in ln and "(en)" in ln for ln in failures), result.output
    assert_refused_at(result.output, "nexus.yaml", "steps[0].en", "§", f"Bitstream Vera Sans ({font.name})")
    assert nothing_written(out)


def test_a_new_language_without_a_danish_regional_locale_still_gets_its_formats():
    # en_DK and da_DK exist in CLDR, uk_DK and pl_DK do not: those fall back to the language
    import datetime as dt

    from babel.dates import format_date

    from nødkit.i18n import regional_locale
    assert str(regional_locale("en", "DK")) == "en_DK"
    assert format_date(dt.date(2022, 9, 8), "long", locale=regional_locale("uk", "DK")) == "8 вересня 2022\u202fр."
    assert format_date(dt.date(2022, 9, 8), "long", locale=regional_locale("pl", "DK")) == "8 września 2022"
