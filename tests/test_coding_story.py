"""What the coder carries between an article's sentences, through the real parser."""

from __future__ import annotations

from datetime import date

import pytest

from redline.evaluate.coder import TextCoder

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def coder() -> TextCoder:
    return TextCoder()


def test_coding_story_a_sentence_never_parsed_still_sets_the_scene(coder: TextCoder) -> None:
    # The first sentence holds no trigger word, so it is never parsed; its place still counts.
    text = (
        "On 11 May 2022, the front line was near Bilohorivka, Luhansk region. Ukrainian forces"
        " destroyed 80 vehicles."
    )
    assert not coder.coder.may_hold_event(text.split(". ")[0]), "the first sentence is parsed"
    (coded,) = coder.code([text], when=date(2022, 5, 12))
    placed = [c for c in coded.candidates if c.location is not None]
    assert placed, f"no event was placed: {coded.candidates}"
    assert {c.location.country for c in placed if c.location} == {"UKR"}, placed
