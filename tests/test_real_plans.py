"""Plans in the shapes real ones have build as written (tests/fixtures/long-plans).

A made-up municipality with a 43-character title that names no fallback address and lists 16
area leaders with their numbers, a 24-character title with a fallback address, unit names of
48 and 58 characters (one with a short_name), a contact with two numbers, opening hours that
differ by weekday. `check` and `build` both succeed; every text is on the page that shows it;
what a poster or card leaves out is named by `check` and is in the plan, which lists everything.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from conftest import AS_OF, FIXTURES, build, decode_qr, pdf_text, render_page, run

LONG = FIXTURES / "long-plans"


def _yaml(path):
    return yaml.safe_load(path.read_text("utf-8"))


UNITS = {u["id"]: u for u in _yaml(LONG / "units.yaml")["units"]}
PLANS = {p.stem: _yaml(p) for p in (LONG / "plans").glob("*.yaml")}
CONTACTS = {c["id"]: c for c in _yaml(LONG / "contacts.yaml")["contacts"]}


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(kit, unit: str, document: str, lang: str = "da") -> str:
    return squeezed(pdf_text(kit / unit / f"{document}.{lang}.pdf"))


def lang_text(value, lang: str) -> str:
    return value[lang] if isinstance(value, dict) else value


@pytest.fixture(scope="module")
def long_kit(tmp_path_factory):
    out = tmp_path_factory.mktemp("long") / "output"
    result = build(out, "--jobs", "2", content=LONG)
    assert result.exit_code == 0, result.output
    return out


def test_the_shapes_are_those_of_the_issue():
    # guards the fixture: the lengths the tests below are about
    assert len(PLANS["cura"]["title"]["da"]) == 43 and len(PLANS["bosted"]["title"]["da"]) == 24
    assert sorted(len(u["name"]) for u in UNITS.values() if u["plan"] == "cura") == [48, 58]
    assert "fallback" not in PLANS["cura"] or "url" not in PLANS["cura"]["fallback"]
    leaders = [c for c in PLANS["cura"]["contacts"] if c.startswith("omraadeleder-")]
    assert len(leaders) == 16 and all(CONTACTS[c]["phones"] for c in leaders)
    assert len(CONTACTS["eoj-support"]["phones"]) == 2


def test_check_says_ok_and_warns_once_that_a_plan_names_no_fallback_address():
    result = run("check", "--content", str(LONG), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    warned = [ln for ln in result.output.splitlines() if "no fallback address" in ln]
    assert len(warned) == 1 and "cura.yaml" in warned[0], result.output


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_the_posters_show_the_title_and_the_units_own_block(long_kit, unit):
    me = UNITS[unit]
    plan = PLANS[me["plan"]]
    for lang in me.get("languages", ["da"]):
        for document in ("poster-a3", "poster-a4"):
            have = text_of(long_kit, unit, document, lang)
            expected = [lang_text(plan["title"], lang), me["name"], me["address"], me["leader"]["name"],
                        me["leader"]["phone"], me["phone"]]
            for n in me.get("neighbours", []):
                expected += [UNITS[n].get("short_name", UNITS[n]["name"]), UNITS[n]["phone"]]
            missing = [t for t in expected if squeezed(t) not in have]
            assert not missing, f"{unit}/{document}.{lang}: {missing}"


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_posters_show_the_first_contacts_and_point_to_the_plan_for_the_rest(long_kit, unit):
    """The plan's contacts are in order of importance: a poster shows the first ones, with every
    number of each (both of the health-IT desk), and one line pointing to the plan."""
    me = UNITS[unit]
    plan = PLANS[me["plan"]]
    for lang in me.get("languages", ["da"]):
        for document in ("poster-a3", "poster-a4"):
            have = text_of(long_kit, unit, document, lang)
            shown = [c for c in plan["contacts"] if squeezed(lang_text(CONTACTS[c]["name"], lang)) in have]
            assert shown == plan["contacts"][:len(shown)] and len(shown) >= min(3, len(plan["contacts"])), shown
            for c in shown:
                assert all(squeezed(p) in have for p in CONTACTS[c]["phones"]), (document, c)
            if len(shown) < len(plan["contacts"]):
                pointer = "Mereiplaneninedbrudsmappen" if lang == "da" else "Moreintheplaninthebinder"
                assert pointer in have, f"{unit}/{document}.{lang} leaves out contacts without saying so"


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_the_plan_lists_every_contact_with_every_number(long_kit, unit):
    me = UNITS[unit]
    for lang in me.get("languages", ["da"]):
        have = text_of(long_kit, unit, "plan", lang)
        for c in PLANS[me["plan"]]["contacts"]:
            assert squeezed(lang_text(CONTACTS[c]["name"], lang)) in have, c
            assert all(squeezed(p) in have for p in CONTACTS[c]["phones"]), c


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_a_qr_code_only_where_the_plan_names_a_fallback_address(long_kit, unit):
    url = PLANS[UNITS[unit]["plan"]].get("fallback", {}).get("url")
    for document in ("poster-a4", "pocket-cards", "sheet-haendelseslog"):
        found = decode_qr(render_page(long_kit / unit / f"{document}.da.pdf"))
        assert (set(found) == {url}) if url else not found, (document, found)


def test_cards_use_the_short_title_and_the_short_name(long_kit):
    plan = PLANS["cura"]
    for lang in ("da", "en"):
        have = text_of(long_kit, "lyngtoften", "pocket-cards", lang)
        assert squeezed(plan["short_title"][lang]) in have
        assert squeezed(UNITS["lyngtoften"]["short_name"]) in have
    # without a short_name, the card's foot takes the whole name on up to three lines
    assert squeezed(UNITS["hjemmepleje-syd-vestby"]["name"]) in text_of(long_kit, "hjemmepleje-syd-vestby",
                                                                          "pocket-cards")


@pytest.mark.parametrize("unit", ["hjemmepleje-syd-vestby", "lyngtoften"])
def test_every_sheet_names_the_unit(long_kit, unit):
    me = UNITS[unit]
    name = squeezed(me.get("short_name", me["name"]))
    manifest = json.loads((long_kit / "manifest.json").read_text("utf-8"))
    sheets = [e["path"] for e in manifest["files"] if e["unit"] == unit and e["document"].startswith("sheet-")]
    assert len(sheets) == 9 * len(me.get("languages", ["da"]))
    for path in sheets:
        assert name in squeezed(pdf_text(long_kit / path)), path
