"""`nødkit check` exits 0 if and only if `nødkit build` with the same content, layouts and
--as-of succeeds: it draws every document as the build does, writing nothing.

1. For content that builds and content that does not (a word too wide for any box, a step no
   card can hold even alone, a title no poster can hold, a content error), check and build end
   with the same exit code, and every document the build names as failing, check names too.
2. check writes nothing, not even into --out.
3. check reuses what the last build into --out knows: with nothing changed it draws nothing
   and still names what the posters leave out (from the manifest); after one unit changes, it
   draws that unit's documents only.
"""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import AS_OF, CONTENT, FIXTURES, build, copy_content, run
from envelope import BOUNDS, Content, both


def check(content, *extra):
    return run("check", "--content", str(content), "--as-of", AS_OF, *extra)


def _word_too_wide(c: Content) -> None:
    c.plan["steps"][0] = {"da": "Ring til Omsorgsjournalsystemsleverandørsupportafdelingsvagttelefonen nu",
                          "en": "Call now"}


def _step_no_card_holds(c: Content) -> None:
    c.plan["steps"][0] = both(2000, 11)


def _title_no_poster_holds(c: Content) -> None:
    c.plan["title"] = both(200, 12)


def _unknown_contact(c: Content) -> None:
    c.plan["contacts"].append("nobody")


def _leader_long(c: Content) -> None:
    c.unit("solsikken")["leader"]["name"] = "Anne-Marie Østergaard Kristiansen-Bøgely"


CASES = {
    "example": lambda c: None,
    "leader-40": _leader_long,
    **{f"bound-{b.name}": (lambda c, b=b: b.at_limit(c, "solsikken")) for b in BOUNDS[:6]},
    "word-too-wide": _word_too_wide,
    "step-no-card-holds": _step_no_card_holds,
    "title-no-poster-holds": _title_no_poster_holds,
    "unknown-contact": _unknown_contact,
}
FAILING = {"word-too-wide", "step-no-card-holds", "title-no-poster-holds", "unknown-contact"}


def _failing_documents(output: str) -> set[str]:
    """'solsikken/poster-a3/da' for every document a message names (grouped lines name units)."""
    found = set(re.findall(r"\b([a-z0-9-]+/[a-z0-9-]+/[a-z]{2}):", output))
    for units, document in re.findall(r"\d+ units \(([^)]*)\): ([a-z0-9-]+/[a-z]{2}):", output):
        found |= {f"{u.strip()}/{document}" for u in units.split(",") if "more" not in u}
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_and_build_agree(tmp_path, case):
    content = copy_content(tmp_path)
    edit = Content(content)
    CASES[case](edit)
    edit.save()
    checked = check(content)
    out = tmp_path / "out"
    built = build(out, "--jobs", "2", content=content)
    assert (checked.exit_code, built.exit_code != 0) == (built.exit_code, case in FAILING), \
        f"check {checked.exit_code}, build {built.exit_code}:\ncheck: {checked.output}\nbuild: {built.output}"
    if built.exit_code == 1:
        missed = _failing_documents(built.output) - _failing_documents(checked.output)
        assert not missed, f"build fails {missed}, check did not say so:\n{checked.output}"
        assert "would not build" in checked.output


def test_check_writes_nothing(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    assert check(content, "--out", str(out)).exit_code == 0
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_check_after_a_build_reuses_what_the_build_found(tmp_path):
    content = shutil.copytree(FIXTURES / "long-plans", tmp_path / "content")
    out = tmp_path / "out"
    assert build(out, "--jobs", "2", content=content).exit_code == 0
    unchanged = check(content, "--out", str(out))
    assert unchanged.exit_code == 0, unchanged.output
    assert " 0 documents drawn" in unchanged.output, unchanged.output
    # what the posters leave out is still said: read from the build's manifest
    assert re.search(r"poster-a3/da: shows \d+ of the plan's 19 contacts", unchanged.output), unchanged.output

    units = content / "units.yaml"
    units.write_text(units.read_text("utf-8").replace("76 54 30 31", "76 54 30 39"), "utf-8")  # aadalen's leader
    one = check(content, "--out", str(out))
    assert one.exit_code == 0, one.output
    drawn = int(re.search(r"(\d+) documents drawn", one.output)[1])
    assert 0 < drawn <= 2 * 15, one.output  # aadalen's kit in Danish and English, nothing else


def test_check_says_what_the_posters_leave_out_once_for_the_units_that_share_it(tmp_path):
    result = check(FIXTURES / "long-plans")
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "poster-a3/da: shows" in ln]
    assert len(lines) == 1 and lines[0].startswith("warning: 2 units (hjemmepleje-syd-vestby, lyngtoften)"), lines
    assert "and 8 more" in lines[0] or "and " in lines[0]  # 13 left out: five named, the rest counted
