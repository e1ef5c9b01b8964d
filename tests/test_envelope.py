"""Every plan inside the envelope builds, in every document, and shows what it says.

1. Each bound of docs/layouts.md ("What fits"), one at a time with the rest of the example in
   place: a unit in Danish and English gets every document (posters, card, every sheet kind,
   plan, binder, print pack); `check` says ok; the texts the bound adds are in the documents that
   show them (whitespace aside: a text may wrap, an address may break after '/' or before '.').
   Where a poster or card leaves something out to make room, `check` warns, naming it.
2. Random content inside the envelope (hypothesis): a few dimensions at once, at random lengths
   within their bounds, made of real Danish and English words.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, build, copy_content, pdf_text, run
from envelope import BOUNDS, Content

UNIT = "solsikken"  # the example unit in Danish and English
EXAMPLES = int(os.environ.get("NODKIT_ENVELOPE_EXAMPLES", "6"))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00a0", " "))


def check(content):
    return run("check", "--content", str(content), "--as-of", AS_OF)


def built_documents(out, unit: str) -> dict[str, list[str]]:
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    docs: dict[str, list[str]] = {}
    for entry in manifest["files"]:
        if entry["unit"] == unit:
            docs.setdefault(entry["document"], []).append(entry["path"])
    return docs


def assert_shown(out, unit: str, expected: dict[str, list], docs: dict[str, list[str]]) -> None:
    for document, texts in expected.items():
        assert document in docs, f"{document} was not built"
        for path in docs[document]:
            lang = path.rsplit(".", 2)[-2]
            have = squeezed(pdf_text(out / path))
            for text in texts:
                text = text[lang] if isinstance(text, dict) else text
                assert squeezed(text) in have, f"{path} does not show {text!r}"


@pytest.mark.parametrize("bound", BOUNDS, ids=[b.name for b in BOUNDS])
def test_each_bound_builds_every_document_in_both_languages(tmp_path, bound):
    content = copy_content(tmp_path)
    edit = Content(content)
    expected = bound.at_limit(edit, UNIT)
    edit.save()
    checked = check(content)
    assert checked.exit_code == 0, checked.output
    out = tmp_path / "out"
    result = build(out, "--unit", UNIT, "--jobs", "2", content=content)
    assert result.exit_code == 0, result.output
    docs = built_documents(out, UNIT)
    kinds = {"poster-a3", "poster-a4", "pocket-cards", "plan", "binder", "print-pack"}
    assert kinds <= set(docs) and sum(d.startswith("sheet-") for d in docs) == 9, sorted(docs)
    assert all(len(paths) == 2 for paths in docs.values()), docs  # Danish and English
    assert_shown(out, UNIT, expected, docs)


@st.composite
def envelopes(draw):
    """One to three bounds at once, each at a random share of its limit, with random words."""
    bounds = draw(st.lists(st.sampled_from(BOUNDS), min_size=1, max_size=3, unique_by=lambda b: b.name))
    return [(b, draw(st.floats(0.3, 1.0)), draw(st.integers(0, 10_000))) for b in bounds]


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(envelope=envelopes())
def test_random_content_inside_the_envelope_builds_and_shows_every_text(tmp_path_factory, envelope):
    tmp = tmp_path_factory.mktemp("envelope")
    content = copy_content(tmp)
    edit = Content(content)
    expected: dict[str, list] = {}
    for bound, share, seed in envelope:
        for document, texts in bound.apply(edit, UNIT, share, seed).items():
            expected.setdefault(document, []).extend(texts)
    edit.save()
    checked = check(content)
    out = tmp / "out"
    result = build(out, "--unit", UNIT, "--jobs", "2", content=content)
    what = ", ".join(f"{b.name} at {share:.0%}" for b, share, _seed in envelope)
    assert result.exit_code == 0, f"{what}:\n{result.output}"
    assert checked.exit_code == 0, f"{what}: build succeeded, check did not:\n{checked.output}"
    assert_shown(out, UNIT, expected, built_documents(out, UNIT))
