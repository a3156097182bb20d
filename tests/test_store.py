"""Store: bulk upserts, idempotency, read-only readers, migrations and queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.errors import SchemaVersionError, StoreError
from redline.model import (
    ActorRef,
    Article,
    Event,
    EventDate,
    Evidence,
    Failure,
    Place,
    Realis,
    RunResult,
)
from redline.store import Store
from redline.store.codec import event_from_dict, event_to_dict

NOW = datetime(2020, 1, 10, tzinfo=UTC)


def make_event(article: Article, index: int = 0, **fields: object) -> Event:
    values: dict[str, object] = {
        "id": f"{article.id}-{index}",
        "article_id": article.id,
        "date": EventDate(value=date(2019, 12, 27), precision="day", raw=None, fallback=True),
        "event_type": "ASSAULT",
        "mode": "heavy-weapons",
        "realis": Realis.ASSERTED,
        "source": (
            ActorRef(
                id="kataib-hezbollah",
                name="Kata'ib Hezbollah",
                sector="PRM",
                sponsors=("irgc-quds-force",),
            ),
        ),
        "target": (ActorRef(id="USA", name="United States", country="USA", sector="MIL"),),
        "evidence": Evidence(
            article_id=article.id,
            sentence=index,
            start=0,
            end=10,
            quote=article.text[:10],
            trigger="fired@3",
        ),
        "coder": "coding.events.rules.v1",
        "fatalities": 1,
    }
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def failure(item: str = "bad.html", message: str = "bad") -> Failure:
    return Failure(stage="ingest.read", item=item, kind="empty", message=message, at=NOW)


def test_store_append_is_idempotent(store: Store, make_article: Callable[..., Article]) -> None:
    article = make_article("Rockets hit the base.")
    batch = RunResult(articles=(article,), events=(make_event(article),), failures=(failure(),))
    store.append(batch, coded_by="coding.events.rules.v1")
    store.append(batch, coded_by="coding.events.rules.v1")
    assert store.counts() == {"articles": 1, "events": 1, "incidents": 0, "failures": 1}


def test_store_recoding_replaces_old_events_of_that_coder(
    store: Store, make_article: Callable[..., Article]
) -> None:
    article = make_article("Rockets hit the base.")
    coder = "coding.events.rules.v1"
    store.append(
        RunResult(articles=(article,), events=(make_event(article, 0), make_event(article, 1))),
        coded_by=coder,
    )
    store.append(RunResult(articles=(article,), events=(make_event(article, 1),)), coded_by=coder)
    assert [e.id for e in store.events()] == [f"{article.id}-1"]


def test_store_pending_articles_are_the_uncoded_ones(
    store: Store, make_article: Callable[..., Article]
) -> None:
    first, second = make_article("First text."), make_article("Second text.")
    store.append(RunResult(articles=(first, second)))
    assert store.count_pending("c.v1") == 2
    store.append(RunResult(articles=(first,)), coded_by="c.v1")
    pending = [a.id for batch in store.articles_pending("c.v1", batch_size=1) for a in batch]
    assert pending == [second.id]
    assert store.known_articles([first.id, "nope"]) == {first.id}
    assert store.known_articles([first.id, second.id], coded_by="c.v1") == {first.id}
    assert store.count_pending("c.v2") == 2, "a new coder version recodes everything"


def test_store_round_trips_events(store: Store, make_article: Callable[..., Article]) -> None:
    article = make_article("Rockets hit the base.")
    event = make_event(
        article,
        location=Place(name="Iraq", country="IRQ", precision=3, raw="Iraqi", basis="actor"),
        context=("military",),
        confidence=0.5,
    )
    store.append(RunResult(articles=(article,), events=(event,)), coded_by="c")
    assert store.events() == [event]
    assert store.article(article.id) is not None
    assert store.article("missing") is None


def test_store_filters_events(store: Store, make_article: Callable[..., Article]) -> None:
    article = make_article("Text.")
    strike = make_event(article, 0)
    protest = make_event(
        article,
        1,
        event_type="PROTEST",
        mode=None,
        date=EventDate(value=date(2019, 12, 31)),
        source=(ActorRef(id="IRQ", name="Iraq", sector="CVL"),),
        target=strike.target,
    )
    store.append(RunResult(articles=(article,), events=(strike, protest)), coded_by="c")
    assert [e.event_type for e in store.events(event_type="protest")] == ["PROTEST"]
    assert [e.id for e in store.events(actor="kataib-hezbollah")] == [strike.id]
    assert [e.id for e in store.events(actor="irgc-quds-force")] == [strike.id], "sponsor match"
    assert len(store.events(actor="USA")) == 2
    assert [e.id for e in store.events(since=date(2019, 12, 30))] == [protest.id]
    assert [e.id for e in store.events(until=date(2019, 12, 30))] == [strike.id]
    assert len(store.events(limit=1)) == 1
    assert store.dyad_counts(mentions=True) == [("IRQ", "USA", 1), ("kataib-hezbollah", "USA", 1)]


def test_store_failures_are_listed_once(store: Store) -> None:
    store.append(RunResult(failures=(failure(), failure(), failure("other.txt"))))
    assert sorted(f.item for f in store.failures()) == ["bad.html", "other.txt"]


def test_store_readers_cannot_write(tmp_path: Path, make_article: Callable[..., Article]) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as writer:
        writer.append(RunResult(articles=(make_article("x y z"),)))
    with Store(path, read_only=True) as reader:
        assert reader.counts()["articles"] == 1
        with pytest.raises(StoreError, match="read-only"):
            reader.append(RunResult())


def test_store_missing_file_for_reading_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="redline run"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_store_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as writer:
        writer.connection.execute("INSERT INTO _migrations VALUES ('9999_future', now())")
    with pytest.raises(SchemaVersionError, match="newer redline"):
        Store(path)


def test_store_failed_batch_leaves_nothing(
    store: Store, make_article: Callable[..., Article]
) -> None:
    article = make_article("Text.")
    bad = make_event(article, event_type=None)  # violates NOT NULL
    with pytest.raises(StoreError):
        store.append(RunResult(articles=(article,), events=(bad,)), coded_by="c")
    assert store.counts() == {"articles": 0, "events": 0, "incidents": 0, "failures": 0}


actors = st.builds(
    ActorRef,
    id=st.text(min_size=1, max_size=12),
    name=st.text(max_size=20),
    country=st.none() | st.sampled_from(["USA", "IRN", "IRQ"]),
    sector=st.none() | st.sampled_from(["GOV", "MIL", "PRM"]),
    sponsors=st.lists(st.text(min_size=1, max_size=8), max_size=2).map(tuple),
)


@settings(max_examples=40, deadline=None)
@given(
    source=st.lists(actors, max_size=3).map(tuple),
    target=st.lists(actors, max_size=3).map(tuple),
    quote=st.text(max_size=80),
    fatalities=st.none() | st.integers(min_value=0, max_value=10_000),
    realis=st.sampled_from(list(Realis)),
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)),
)
def test_store_property_events_round_trip(
    source: tuple[ActorRef, ...],
    target: tuple[ActorRef, ...],
    quote: str,
    fatalities: int | None,
    realis: Realis,
    day: date,
) -> None:
    article = Article(id="a1", origin="o", text="t", ingested_at=NOW)
    event = make_event(
        article,
        source=source,
        target=target,
        fatalities=fatalities,
        realis=realis,
        date=EventDate(value=day),
        evidence=Evidence(article_id="a1", sentence=0, start=0, end=len(quote), quote=quote),
    )
    assert event_from_dict(event_to_dict(event)) == event
    with Store(":memory:") as db:
        db.append(RunResult(articles=(article,), events=(event,)), coded_by="c")
        assert db.events() == [event]
