"""Coding records: sentences about fictional states and groups, with the exact events expected.

The records live in tests/records/events.toml; each becomes one parametrized test, named by
its sentence. They need the spaCy model, so they are marked ``model``.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from redline.coding.actors import ActorDictionary, ActorResolver
from redline.coding.events import RuleCoder
from redline.ingest.clean import content_id
from redline.model import Article, Event, EventCandidate

RECORDS = Path(__file__).parent / "records"
CASES = tomllib.loads((RECORDS / "events.toml").read_text())["record"]


@pytest.fixture(scope="module")
def stages() -> tuple[Any, RuleCoder, ActorResolver]:
    from redline.nlp.parse import Parser

    kb = ActorDictionary()
    kb.load_countries("countries.csv", (RECORDS / "countries.csv").read_text())
    kb.load_actors("actors.csv", (RECORDS / "actors.csv").read_text())
    agents = resources.files("redline.data") / "actors" / "agents.csv"
    kb.load_agents("agents.csv", agents.read_text("utf-8"))
    return Parser(), RuleCoder(), ActorResolver(dictionary=kb)


def candidates_of(
    stages: tuple[Any, RuleCoder, ActorResolver], text: str, published: datetime
) -> list[EventCandidate]:
    """The coder's candidates (before actor resolution) for ``text`` as one article."""
    parser, coder, _ = stages
    article = Article(
        id=content_id(text),
        origin="record",
        text=text,
        published_at=published,
        ingested_at=published,
    )
    return coder(parser([article]))


def code(stages: tuple[Any, RuleCoder, ActorResolver], sentence: str, day: str) -> list[Event]:
    published = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)
    return stages[2](candidates_of(stages, sentence, published))


def signature(event: Event) -> tuple[str, tuple[str, ...], tuple[str, ...], str]:
    return (
        event.event_type,
        tuple(a.id for a in event.source),
        tuple(a.id for a in event.target),
        str(event.realis),
    )


@pytest.mark.model
@pytest.mark.parametrize("case", CASES, ids=[c["sentence"][:60] for c in CASES])
def test_coding_records(stages: tuple[Any, RuleCoder, ActorResolver], case: dict[str, Any]) -> None:
    events = code(stages, case["sentence"], case.get("date", "2019-12-28"))
    got = {signature(e): e for e in events}
    expected = {
        (e["type"], tuple(e["source"]), tuple(e["target"]), e["realis"]): e for e in case["events"]
    }
    assert set(got) == set(expected), (
        f"\nsentence: {case['sentence']}\nexpected: {sorted(expected)}\ngot:      {sorted(got)}"
    )
    for key, want in expected.items():
        event = got[key]
        if "mode" in want:
            assert event.mode == want["mode"], f"{key}: mode {event.mode!r}"
        if "fatalities" in want:
            assert event.fatalities == want["fatalities"], f"{key}: fatalities {event.fatalities}"
        if "context" in want:
            assert set(want["context"]) <= set(event.context), f"{key}: context {event.context}"
        if "source_sector" in want:
            assert event.source[0].sector == want["source_sector"], f"{key}: sector"
        assert event.evidence.quote == case["sentence"]


@pytest.mark.model
def test_coding_records_later_sentences_keep_the_story_time_and_place(
    stages: tuple[Any, RuleCoder, ActorResolver],
) -> None:
    text = (
        "On 3 March 2020, gunmen attacked a checkpoint in Pirque (Cochabamba). "
        "Police later arrested two suspects."
    )
    candidates = candidates_of(stages, text, datetime(2020, 3, 10, tzinfo=UTC))
    arrest = next((c for c in candidates if c.event_type == "COERCE"), None)
    assert arrest is not None, f"the arrest was not coded: {candidates}"
    assert arrest.date.value == date(2020, 3, 3), f"story time not kept: {arrest.date}"
    assert arrest.date.basis == "story", arrest.date
    assert arrest.location is not None and arrest.location.country == "BOL", arrest.location


@pytest.mark.model
def test_coding_records_a_place_goes_to_the_event_written_beside_it(
    stages: tuple[Any, RuleCoder, ActorResolver],
) -> None:
    def places(text: str) -> dict[str, str | None]:
        return {
            (c.evidence.trigger or "").split("@")[0]: c.location.name if c.location else None
            for c in candidates_of(stages, text, datetime(2020, 3, 13, tzinfo=UTC))
        }

    two = places(
        "The United States carried out air strikes on weapons depots across Iraq on Thursday, "
        "a day after a rocket attack killed two Americans at Camp Taji."
    )
    assert two.get("strikes") == "Iraq", f"the strikes took the other event's place: {two}"
    assert two.get("attack") == "Camp Taji", f"the attack lost its place: {two}"
    # A trigger inside another's phrase is the same event, and keeps the site.
    one = places("Rockets struck Camp Taji north of Baghdad on Wednesday, killing two soldiers.")
    assert set(one.values()) == {"Camp Taji"}, one
    # A country in a protest's clause is what the protest is about, not where it was.
    rally = places(
        "On 4 March 2022, in Tinaco (Cojedes), students organized by a local party protested "
        "against the Russian invasion of Ukraine and in solidarity with the people of Ukraine."
    )
    assert rally.get("protested") == "Tinaco", f"the protest went to its topic: {rally}"


@pytest.mark.model
def test_coding_records_a_date_put_before_the_clause_dates_the_clause(
    stages: tuple[Any, RuleCoder, ActorResolver],
) -> None:
    text = (
        "On 3 March 2022, hundreds of protesters who fled the war that began on February 24 "
        "rallied in Saratov."
    )
    candidates = candidates_of(stages, text, datetime(2022, 3, 10, tzinfo=UTC))
    assert not any((c.evidence.trigger or "").startswith("March@") for c in candidates), candidates
    protest = next((c for c in candidates if c.event_type == "PROTEST"), None)
    assert protest is not None, "the protest was not coded"
    assert protest.date.value == date(2022, 3, 3), f"the relative clause's date won: {protest.date}"
