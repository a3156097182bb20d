"""Evaluation: metrics, mappings, the PETRARCH dictionary reader, and `redline eval` runs.

Runs on the labelled sets need the data folder beside the checkout (`../shared/data`, or
REDLINE_EVAL_DATA); without it they are skipped with a message.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from redline.cli import cli
from redline.coding.mappings import PENTACLASS, acled, lookup, pentaclass, table
from redline.coding.phoenix import parse, parse_agents, to_csv_rows
from redline.evaluate.coder import Coded, main_event
from redline.evaluate.metrics import accuracy, macro_f1, per_class, span_f1, weighted_f1
from redline.model import EVENT_TYPES, Event, EventCandidate, EventDate, Evidence, Realis

DATA = Path(os.environ.get("REDLINE_EVAL_DATA", Path(__file__).parents[2] / "shared" / "data"))
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"labelled data not found at {DATA} (set REDLINE_EVAL_DATA)"
)


def test_evaluate_metrics_by_hand() -> None:
    gold = ["a", "a", "b", "c"]
    predicted = ["a", "b", "b", "NONE"]
    scores = per_class(gold, predicted)
    assert accuracy(gold, predicted) == 0.5
    assert scores["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert scores["b"]["f1"] == 0.6667 and scores["c"]["f1"] == 0.0
    assert macro_f1(scores) == pytest.approx((0.6667 + 0.6667 + 0) / 3)
    assert weighted_f1(scores) == pytest.approx((0.6667 * 2 + 0.6667) / 4)


@given(st.lists(st.sampled_from("abc"), min_size=1, max_size=30))
def test_evaluate_perfect_prediction_scores_one(labels: list[str]) -> None:
    scores = per_class(labels, labels)
    assert accuracy(labels, labels) == 1.0
    assert macro_f1(scores) == 1.0 and weighted_f1(scores) == 1.0


def test_evaluate_span_f1_exact_and_partial() -> None:
    gold = [{(0, 2)}, {(3, 5)}]
    predicted = [{(1, 2)}, {(3, 5), (7, 8)}]
    assert span_f1(gold, predicted, partial=False)["f1"] == pytest.approx(
        2 * (1 / 3) * 0.5 / (1 / 3 + 0.5)
    )
    assert span_f1(gold, predicted, partial=True)["recall"] == 1.0


def test_evaluate_every_type_maps_to_cameo_acled_and_pentaclass() -> None:
    mappings = table()
    for event_type in EVENT_TYPES:
        mapping = lookup(event_type, None)
        assert -10 <= mapping.goldstein <= 10
        assert pentaclass(mapping.cameo) in PENTACLASS
    assert lookup("ASSAULT", "drone").acled_sub_event_type == "Air/drone strike"
    assert lookup("ASSAULT", "no-such-mode") == mappings[("ASSAULT", None)]
    assert acled("ASSAULT", None, {"CVL"}) == ("Violence against civilians", "Attack")
    assert acled("ASSAULT", None, {"MIL", "CVL"}) == ("Battles", "Armed clash")
    assert pentaclass("0231") == "make_statement" and pentaclass("190") == "material_conflict"


PHOENIX = """<!-- a test dictionary -->
ARNOR_  [ARN]
+KINGDOM_OF_ARNOR
GOLLUM  # the one who changes sides
\t[HOB < 950601]
\t[HOBGOV 19950601 - 19990815]
\t[HOBREB > 990816]
BOROMIR  [---]
"""


def test_evaluate_phoenix_dictionary_reader() -> None:
    actors = parse(PHOENIX)
    codes = [(a.names[0], a.code, a.valid_from, a.valid_to) for a in actors]
    assert codes[0][:2] == ("ARNOR", "ARN")
    assert [c[1] for c in codes] == ["ARN", "HOB", "HOBGOV", "HOBREB"]
    assert str(codes[2][2]) == "1995-06-01" and str(codes[2][3]) == "1999-08-15"
    rows = to_csv_rows(actors)
    assert rows[0]["aliases"] == "ARNOR|KINGDOM OF ARNOR" and rows[0]["type"] == "state"
    assert rows[2]["country"] == "HOB" and rows[2]["sector"] == "GOV"
    assert parse_agents("PRESIDENT [~GOV] # x\nATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]\n") == [
        ("president", "GOV"),
        ("attorney general", "GOV"),
        ("attorneys general", "GOV"),
    ]


def test_evaluate_unknown_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.jsonl"
    bad.write_text(json.dumps({"sentence": "no text key"}) + "\n")
    result = CliRunner().invoke(cli, ["eval", "case2021-task2", str(bad)])
    assert result.exit_code == 1 and "lack text, label" in result.output


CASES = [
    (
        "plover-gsr",
        "plover-gsr/records.dev.jsonl",
        ["type_accuracy", "type_macro_f1", "source_match", "target_match", "context_match"],
    ),
    (
        "acled-sample",
        "acled-sample/events.dev.jsonl",
        [
            "event_type_weighted_f1",
            "sub_event_type_weighted_f1",
            "actor_match",
            "fatalities_exact",
            "date_exact",
            "country_accuracy",
            "admin1_accuracy",
            "within_25km",
        ],
    ),
    ("case2021-task2", "case2021-task2/snippets.dev.jsonl", ["weighted_f1", "macro_f1"]),
    ("conflibert-cameo", "conflibert-cameo/pentaclass.dev.jsonl", ["pentaclass_macro_f1"]),
    ("conflibert-cameo", "conflibert-cameo/actor_spans.dev.jsonl", ["actor_span_f1"]),
    (
        "petrarch-validation",
        "petrarch-validation/unittest.dev.jsonl",
        ["root_accuracy", "code_accuracy"],
    ),
    (
        "petrarch-validation",
        "petrarch-validation/gigaword_gsr.dev.jsonl",
        ["root_accuracy", "code_accuracy"],
    ),
]


@needs_data
@pytest.mark.model
@pytest.mark.parametrize(("dataset", "relative", "metrics"), CASES, ids=[c[1] for c in CASES])
def test_evaluate_runs_on_a_slice_of_each_dev_set(
    tmp_path: Path, dataset: str, relative: str, metrics: list[str]
) -> None:
    source = DATA / relative
    sample = tmp_path / source.name
    with source.open() as handle:
        sample.write_text("".join(line for _, line in zip(range(60), handle, strict=False)))
    if (source.parent / "dictionaries").is_dir():
        (tmp_path / "dictionaries").symlink_to(source.parent / "dictionaries")
    result = CliRunner().invoke(cli, ["eval", dataset, str(sample), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["items"] > 0 and "per_class" in report
    for name in metrics:
        assert 0.0 <= report[name] <= 1.0, name


def _candidate(text: str, kind: str, trigger: str, day: date, raw: str) -> EventCandidate:
    at = text.index(trigger)
    return EventCandidate(
        article_id="a",
        event_type=kind,
        mode=None,
        realis=Realis.ASSERTED,
        source_text=(),
        target_text=(),
        evidence=Evidence(
            article_id="a",
            sentence=0,
            start=0,
            end=len(text),
            quote=text,
            trigger=f"{trigger}@{at}",
        ),
        date=EventDate(value=day, raw=raw),
        coder="test",
    )


def test_evaluate_main_event_skips_violence_dated_before_the_text() -> None:
    text = "On 9 May 2022, relatives of a woman killed in 2021 held a protest."
    killing = _candidate(text, "ASSAULT", "killed", date(2021, 1, 1), "in 2021")
    protest = _candidate(text, "PROTEST", "protest", date(2022, 5, 9), "9 May 2022")
    chosen = main_event(Coded(text, (), (killing, protest)), prefer="hostile")
    assert chosen is protest, "a killing dated before the note's date was scored as its event"
    # With no later event, the violence is still the text's event.
    assert main_event(Coded(text, (), (killing,)), prefer="hostile") is killing


def test_evaluate_main_event_is_the_protest_not_what_it_is_about() -> None:
    text = "On 2 April 2022, people gathered in Yakutsk in support of the invasion of Ukraine."
    day = date(2022, 4, 2)
    rally = _candidate(text, "PROTEST", "gathered", day, "2 April 2022")
    invasion = _candidate(text, "ASSAULT", "invasion", day, "2 April 2022")
    chosen = main_event(Coded(text, (), (rally, invasion)), prefer="hostile")
    assert chosen is rally, "the invasion a rally supports was scored as the note's event"
    # A rally whose organisers did not resolve is still the note's event, over the invasion
    # it supports, even though only the invasion became an event.
    resolved = Event(
        id="e",
        article_id="a",
        date=invasion.date,
        event_type="ASSAULT",
        mode=None,
        realis=Realis.ASSERTED,
        source=(),
        target=(),
        evidence=invasion.evidence,
        coder="test",
    )
    assert main_event(Coded(text, (resolved,), (rally, invasion)), prefer="hostile") is rally
    # Violence after the protest with no word of cause between them is still preferred.
    text = "On 2 April 2022, people gathered in Yakutsk and police beat them."
    rally = _candidate(text, "PROTEST", "gathered", day, "2 April 2022")
    beating = _candidate(text, "ASSAULT", "beat", day, "2 April 2022")
    assert main_event(Coded(text, (), (rally, beating)), prefer="hostile") is beating


def test_evaluate_main_event_a_purpose_word_that_is_the_trigger_is_a_topic() -> None:
    text = "On 8 May 2022, members staged a demonstration in Nusaybin to oppose the operation."
    day = date(2022, 5, 8)
    protest = _candidate(text, "PROTEST", "demonstration", day, "8 May 2022")
    oppose = _candidate(text, "REJECT", "oppose", day, "8 May 2022")
    chosen = main_event(Coded(text, (), (protest, oppose)), prefer="hostile")
    assert chosen is protest, "'to oppose', the protest's purpose, was scored as the event"
