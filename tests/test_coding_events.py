"""Event coder internals on hand-built parses (no model needed) and lexicon validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.coding.events import fatalities
from redline.coding.lexicon import MODES, inflections, load_modes, load_triggers
from redline.errors import ConfigError
from redline.model import EVENT_TYPES

spacy = pytest.importorskip("spacy")


def doc(
    words: list[str],
    heads: list[int],
    deps: list[str],
    pos: list[str],
    lemmas: list[str] | None = None,
    tags: list[str] | None = None,
) -> object:
    from spacy.tokens import Doc

    return Doc(
        spacy.blank("en").vocab,
        words=words,
        heads=heads,
        deps=deps,
        pos=pos,
        lemmas=lemmas or [w.lower() for w in words],
        tags=tags,
    )


def test_coding_events_fatalities_from_killing_clause() -> None:
    # "Rockets hit the base, killing 25 fighters."
    parsed = doc(
        ["Rockets", "hit", "the", "base", ",", "killing", "25", "fighters", "."],
        heads=[1, 1, 3, 1, 1, 1, 7, 5, 1],
        deps=["nsubj", "ROOT", "det", "dobj", "punct", "advcl", "nummod", "dobj", "punct"],
        pos=["NOUN", "VERB", "DET", "NOUN", "PUNCT", "VERB", "NUM", "NOUN", "PUNCT"],
        lemmas=["rocket", "hit", "the", "base", ",", "kill", "25", "fighter", "."],
    )
    assert fatalities(parsed) == 25


def test_coding_events_fatalities_from_passive_and_article() -> None:
    # "A contractor was killed."
    parsed = doc(
        ["A", "contractor", "was", "killed", "."],
        heads=[1, 3, 3, 3, 3],
        deps=["det", "nsubjpass", "auxpass", "ROOT", "punct"],
        pos=["DET", "NOUN", "AUX", "VERB", "PUNCT"],
        lemmas=["a", "contractor", "be", "kill", "."],
        tags=["DT", "NN", "VBD", "VBN", "."],
    )
    assert fatalities(parsed) == 1


def test_coding_events_fatalities_absent_when_nobody_died() -> None:
    parsed = doc(
        ["Rockets", "hit", "the", "base", "."],
        heads=[1, 1, 3, 1, 1],
        deps=["nsubj", "ROOT", "det", "dobj", "punct"],
        pos=["NOUN", "VERB", "DET", "NOUN", "PUNCT"],
    )
    assert fatalities(parsed) is None


@pytest.mark.parametrize(
    ("lemma", "form"),
    [
        ("attack", "attacked"),
        ("strike", "struck"),
        ("strike", "striking"),
        ("fire", "fired"),
        ("deny", "denies"),
        ("shoot", "shot"),
        ("ban", "banned"),
        ("seize", "seizing"),
    ],
)
def test_coding_events_inflections(lemma: str, form: str) -> None:
    assert form in inflections(lemma)


@given(st.from_regex(r"[a-z]{3,10}", fullmatch=True))
def test_coding_events_inflections_always_include_the_lemma(lemma: str) -> None:
    forms = inflections(lemma)
    assert lemma in forms and all(f.islower() for f in forms)


def test_coding_events_lexicon_covers_all_types_and_valid_modes() -> None:
    triggers = load_triggers()
    assert {t.event_type for t in triggers} == set(EVENT_TYPES)
    for trigger in triggers:
        assert trigger.mode is None or trigger.mode in MODES[trigger.event_type]
    for cue in load_modes():
        assert cue.mode in MODES[cue.event_type]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "lemma,pos,event_type,mode,needs\nattack,VERB,ASSUALT,,\n",
            r"row 2: unknown event type 'ASSUALT'\. Did you mean 'ASSAULT'\?",
        ),
        (
            "lemma,pos,event_type,mode,needs\nattack,VERB,ASSAULT,rocketry,\n",
            "mode 'rocketry' is not a mode of ASSAULT",
        ),
        ("lemma,pos,event_type,mode,needs\nattack,ADJ,ASSAULT,,\n", "must be VERB or NOUN"),
        ("lemma,pos,event_type\nattack,VERB,ASSAULT\n", "missing column"),
    ],
)
def test_coding_events_bad_lexicon_names_row_and_field(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "lexicon.csv"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_triggers(path)


def test_coding_events_bad_contexts_file_names_row(tmp_path: Path) -> None:
    from redline.coding.lexicon import load_contexts

    path = tmp_path / "contexts.csv"
    path.write_text("lemma,context\ntroop,militry\n")
    with pytest.raises(ConfigError, match=r"row 2: unknown context 'militry'"):
        load_contexts(path)
    assert load_contexts()["sanction"] == "economic"


def test_coding_events_undated_sentence_takes_the_last_date_before_it() -> None:
    from datetime import date

    from redline.coding.events import _earlier_time

    # The first sentence has no trigger word, so it is never parsed; its date still counts.
    text = "On 1 February 2022, militiamen fought the army. Three militiamen were killed."
    found = _earlier_time(text, 0, text.index("Three"), date(2022, 6, 27), "publication")
    assert found is not None and found.value == date(2022, 2, 1), found
    assert _earlier_time(text, 0, 0, date(2022, 6, 27), "publication") is None
    # Text the story has already been read to is not read again.
    assert (
        _earlier_time(
            text, text.index("Three"), text.index("Three"), date(2022, 6, 27), "publication"
        )
        is None
    )
