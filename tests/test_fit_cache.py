"""The fitting caches (render/base.py _WRAPS and _LINES, render/poster.py _HEIGHTS and _SOLVED)
never change what a page shows: a document drawn after other units' documents in the same
process is byte for byte the document drawn in a fresh process (caches empty), also when the
unit before it had a shorter name and fewer neighbour units, and two plans that differ in one
step's text do not share a fit.

The kits are the example content's, changed here in the fields that differ between units or
plans; they are drawn by the renderers the layouts name, as a build draws them.
"""

from __future__ import annotations

import dataclasses

import pytest

from conftest import AS_OF_DATE, CONTENT, LAYOUTS

from nødkit.build import load_project
from nødkit.build.drawing import _kit, _renderer
from nødkit.render import base, poster, stamp
from nødkit.render.fonts import register_fonts
from nødkit.resolve import Neighbour

DOCUMENTS = ("poster-a3", "poster-a4", "pocket-cards", "plan", "binder")


def clear_caches() -> None:
    """As a fresh worker process starts."""
    for cache in (base._WRAPS, base._LINES, poster._HEIGHTS, poster._SOLVED, stamp._CACHE):
        cache.clear()


@pytest.fixture(scope="module")
def project():
    return load_project(CONTENT, [LAYOUTS])


@pytest.fixture(scope="module")
def kit(project):
    unit = project.content.units[0]
    return _kit(project, unit, "da", AS_OF_DATE, "0123abcd")


def draw(project, kit, document: str):
    spec = project.layouts.documents[document]
    fonts = register_fonts(*project.layouts.fonts_for(kit.lang))
    drawn = _renderer(spec.renderer)(kit, spec.layout, fonts)
    return drawn.pdf, drawn.notes


def fresh(project, kit, document: str):
    clear_caches()
    return draw(project, kit, document)


LONG_NAME = "Bofællesskabet ved Skovbrynet og Plejeboligerne ved Åen, afdeling {i} – nattevagten"


def taller_unit(kit):
    """A unit of the same plan with as many neighbour units, whose block is taller: longer names
    of the unit, its leader and its neighbours, a longer address. (The poster's search is kept
    per number of neighbour units: this one may take the first unit's search if it measured the
    same, and must not.)"""
    same_count = tuple(Neighbour(LONG_NAME.format(i=i), f"Skovbrynet {i}", f"72 36 {i:02d} 98")
                       for i in range(len(kit.neighbours)))
    return dataclasses.replace(kit, unit_id="anden-enhed", unit_name=kit.unit_name + " og Plejeboligerne ved Åen",
                               unit_short_name="Anden enhed", leader_name="Marie-Louise Kjærsgaard Østergaard-Hansen",
                               leader_phone="72 36 99 01", neighbours=same_count, kit_version="89abcdef",
                               unit_address=kit.unit_address + ", indgang fra parkeringspladsen bag køkkenet, 2. sal")


def more_neighbours(kit):
    more = tuple(Neighbour(LONG_NAME.format(i=i), f"Skovbrynet {i}", f"72 36 {i:02d} 99") for i in range(1, 6))
    return dataclasses.replace(taller_unit(kit), neighbours=kit.neighbours + more)


@pytest.mark.parametrize("other", [taller_unit, more_neighbours])
@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_unit_drawn_after_another_of_its_plan_is_the_unit_drawn_fresh(project, kit, document, other):
    other = other(kit)
    alone = fresh(project, other, document)
    fresh(project, kit, document)  # the caches now hold the first unit's fits
    after = draw(project, other, document)
    assert after == alone
    # and back: the first unit, after the taller block, is the first unit drawn fresh
    again = draw(project, kit, document)
    assert again == fresh(project, kit, document)


def with_longer_step(kit):
    longer = list(kit.steps)
    longer[0] += " Skriv klokkeslættet for nedbruddet på tavlen i vagtstuen, og giv besked til alle på vagten."
    return dataclasses.replace(kit, steps=tuple(longer))


def with_longer_section(kit):
    """The plan document prints the sections, not the poster's steps."""
    section = kit.sections[0]
    blocks = list(section.blocks)
    first = next(i for i, b in enumerate(blocks) if isinstance(b, str))
    blocks[first] += " Skriv klokkeslættet for nedbruddet på tavlen i vagtstuen, og giv besked til alle på vagten."
    return dataclasses.replace(kit, sections=(dataclasses.replace(section, blocks=tuple(blocks)), *kit.sections[1:]))


@pytest.mark.parametrize("document, change", [("poster-a3", with_longer_step), ("poster-a4", with_longer_step),
                                              ("pocket-cards", with_longer_step), ("plan", with_longer_section)])
def test_plans_that_differ_in_one_text_do_not_share_a_fit(project, kit, document, change):
    changed = change(kit)
    alone = fresh(project, changed, document)
    first = fresh(project, kit, document)
    after = draw(project, changed, document)
    assert after == alone
    assert after[0] != first[0]


def test_paragraphs_of_the_same_text_share_a_wrap_only_in_the_same_style_and_width():
    from reportlab.lib.styles import ParagraphStyle

    clear_caches()
    fonts = register_fonts(*load_project(CONTENT, [LAYOUTS]).layouts.fonts_for("da"))
    text = "Ring til vagthavende sygeplejerske hvis borgeren har brug for medicin i nat"
    style = ParagraphStyle("a", fontName=fonts.regular, fontSize=12, leading=14)
    wider = ParagraphStyle("b", fontName=fonts.regular, fontSize=12, leading=14, leftIndent=40)
    bold = ParagraphStyle("c", fontName=fonts.bold, fontSize=12, leading=14)

    def measured(style, width):
        para = base.paragraph(text, style)
        para.wrap(width, 1000)
        return para.height, base.line_count(para)

    expected = {}
    for st, width in ((style, 150), (wider, 150), (bold, 150), (style, 300)):
        clear_caches()
        expected[st.name, width] = measured(st, width)
    clear_caches()
    for st, width in ((style, 150), (wider, 150), (bold, 150), (style, 300), (style, 150)):
        assert measured(st, width) == expected[st.name, width]
    assert len({expected[k] for k in expected}) > 1  # the cases do measure differently


def test_text_measured_at_one_size_is_not_taken_for_another():
    clear_caches()
    fonts = register_fonts(*load_project(CONTENT, [LAYOUTS]).layouts.fonts_for("da"))
    text = base.Text("Ring til vagthavende sygeplejerske hvis borgeren har brug for medicin", "t", base.Size(20, 10))
    heights = []
    for scale in (1.0, 0.0, 1.0):
        para = text.flowable(fonts, scale)
        heights.append(para.wrap(120, 1000)[1])
    assert heights[0] == heights[2] != heights[1]
    clear_caches()
    assert text.flowable(fonts, 0.0).wrap(120, 1000)[1] == heights[1]


def test_a_drawn_paragraph_after_a_shared_measure_draws_its_own_width():
    """A paragraph measured at one width (breaking its lines) and then at another whose measure
    is shared must draw with the lines of the second width."""
    clear_caches()
    fonts = register_fonts(*load_project(CONTENT, [LAYOUTS]).layouts.fonts_for("da"))
    text = base.Text("Ring til vagthavende sygeplejerske hvis borgeren har brug for medicin", "t", base.Size(12, 12))
    text.flowable(fonts, 1.0).wrap(300, 1000)  # the measure at 300 is now shared
    para = text.flowable(fonts, 1.0)
    para.wrap(100, 1000)
    para.wrap(300, 1000)
    assert len(para.blPara.lines) == para.nk_lines == base.line_count(para)
    clear_caches()
    alone = text.flowable(fonts, 1.0)
    alone.wrap(300, 1000)
    assert len(alone.blPara.lines) == len(para.blPara.lines)
