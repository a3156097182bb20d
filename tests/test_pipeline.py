"""Pipeline: wiring checks, failure isolation, idempotent reruns and resuming after a kill.

These tests use small fake stages, so they need no model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from redline.errors import CodingError
from redline.model import ActorRef, Article, Event, EventDate, Evidence, Realis, RunResult
from redline.pipeline import LocalRunner, Pipeline, Worker, WorkerSpec, check_wiring
from redline.settings import Settings
from redline.store import Store

BODY = (
    "Militants from Arnor attacked a border post in Gondor on Friday, officials said. "
    "The attack was the third this month.\n\n"
    "Gondor's army said it would respond, and its leaders met on Saturday to plan the response."
)


@dataclass(frozen=True)
class Line:
    article: Article
    index: int
    text: str


class FakeSplitter:
    name = "test.split.v1"
    consumes = Article
    produces = Line

    def __call__(self, batch: Sequence[Article]) -> list[Line]:
        out = []
        for article in batch:
            if "EXPLODE" in article.text:
                raise RuntimeError("the parser choked")
            out += [Line(article, i, s) for i, s in enumerate(article.text.split(". "))]
        return out


class FakeCoder:
    name = "coding.events.rules.v1"
    consumes = Line
    produces = Event

    def __call__(self, batch: Sequence[Line]) -> list[Event]:
        events = []
        for line in batch:
            if "attack" in line.text:
                key = f"{line.article.id}:{line.index}"
                events.append(
                    Event(
                        id=hashlib.sha256(key.encode()).hexdigest()[:16],
                        article_id=line.article.id,
                        date=EventDate(value=date(2019, 12, 27)),
                        event_type="ASSAULT",
                        mode=None,
                        realis=Realis.ASSERTED,
                        source=(ActorRef(id="ARN", name="Arnor"),),
                        target=(ActorRef(id="GON", name="Gondor"),),
                        evidence=Evidence(
                            article_id=line.article.id,
                            sentence=line.index,
                            start=0,
                            end=len(line.text),
                            quote=line.text,
                        ),
                        coder=self.name,
                    )
                )
        return events


class WrongOutput(FakeCoder):
    def __call__(self, batch: Sequence[Line]) -> list[Event]:
        return ["not an event"]  # type: ignore[list-item]


def worker() -> Worker:
    return Worker([FakeSplitter(), FakeCoder()])


def corpus(folder: Path, count: int) -> Path:
    for number in range(count):
        (folder / f"{number:02}.txt").write_text(f"Report {number}\n{BODY} Number {number}.\n")
    return folder


def snapshot(store: Store) -> tuple[list[str], list[str]]:
    events = sorted(e.id for e in store.events())
    articles = sorted(a.id for batch in store.articles_pending("none") for a in batch)
    return events, articles


def test_pipeline_wiring_error_names_both_stages() -> None:
    class Misfit(FakeCoder):
        name = "test.misfit.v1"
        consumes = Article

    with pytest.raises(
        CodingError, match=r"'test\.misfit\.v1' consumes Article.*'test\.split\.v1'"
    ):
        check_wiring([FakeSplitter(), Misfit()])


def test_pipeline_wrong_output_type_is_caught() -> None:
    with pytest.raises(CodingError, match="returned str, not Event"):
        Worker([FakeSplitter(), WrongOutput()])([_article("x attack y")])


def _article(text: str) -> Article:
    return Article(
        id=hashlib.sha256(text.encode()).hexdigest()[:20],
        origin="t",
        text=text,
        ingested_at=datetime(2020, 1, 1, tzinfo=UTC),
    )


def test_pipeline_one_bad_article_does_not_stop_the_batch() -> None:
    good, bad = _article("An attack. More"), _article("EXPLODE attack")
    result = worker()([good, bad])
    assert [e.article_id for e in result.events] == [good.id]
    (failure,) = result.failures
    assert failure.item == bad.id and "the parser choked" in failure.message


def test_pipeline_run_is_idempotent(tmp_path: Path) -> None:
    sources = [str(corpus(tmp_path, 5))]
    pipeline = Pipeline(Settings(batch_size=2, min_chars=20))
    with Store(":memory:") as store:
        first = pipeline.run(sources, store, runner=LocalRunner(worker()))
        second = pipeline.run(sources, store, runner=LocalRunner(worker()))
        assert (first.articles, first.events) == (5, 10)
        assert (second.articles, second.events, second.skipped) == (0, 0, 5)
        counts = store.counts()
        assert (counts["articles"], counts["events"], counts["failures"]) == (5, 10, 0)
        assert 1 <= counts["incidents"] <= 10, "coding did not consolidate its mentions"


class Interrupted(Exception):
    pass


class DyingRunner:
    """Codes one batch, then dies as if the process were killed."""

    def map(self, spec: WorkerSpec, batches: Iterable[list[Article]]) -> Iterator[RunResult]:
        iterator = iter(batches)
        yield worker()(next(iterator))
        raise Interrupted


def test_pipeline_rerun_after_a_kill_gives_the_clean_store(tmp_path: Path) -> None:
    sources = [str(corpus(tmp_path, 7))]
    settings = Settings(batch_size=3, min_chars=20)
    with Store(":memory:") as clean:
        Pipeline(settings).run(sources, clean, runner=LocalRunner(worker()))
        expected = snapshot(clean)
    with Store(tmp_path / "killed.duckdb") as store:
        with pytest.raises(Interrupted):
            Pipeline(settings).run(sources, store, runner=DyingRunner())
        assert 0 < store.counts()["events"] < len(expected[0]), "one batch was kept"
        Pipeline(settings).run(sources, store, runner=LocalRunner(worker()))
        assert snapshot(store) == expected


def test_pipeline_records_input_failures_and_goes_on(tmp_path: Path) -> None:
    folder = corpus(tmp_path, 2)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.html").write_bytes(b"\x00\x01\x02")
    with Store(":memory:") as store:
        summary = Pipeline(Settings(min_chars=20)).run(
            [str(folder), str(folder / "missing.html")], store, runner=LocalRunner(worker())
        )
        assert (summary.articles, summary.events, summary.failures) == (2, 4, 3)
        assert sorted(f.kind for f in store.failures()) == ["binary", "empty", "missing"]


@pytest.mark.model
def test_pipeline_two_processes_code_what_one_does() -> None:
    examples = Path(__file__).parent.parent / "examples"
    sources = [
        str(examples / name) for name in sorted(p.name for p in examples.glob("2[0-3]-*.html"))
    ]
    results = []
    for processes in (1, 2):
        with Store(":memory:") as store:
            Pipeline(Settings(batch_size=2, workers=processes)).run(sources, store)
            results.append(sorted(e.id for e in store.events()))
    assert results[0], "no events coded"
    assert results[0] == results[1]


def test_pipeline_reads_urls_through_an_injected_client(tmp_path: Path) -> None:
    import httpx

    page = (
        "<html><head><title>T</title></head><body><article>"
        f"<p>{BODY.replace(chr(10), ' ')}</p></article></body></html>"
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "down.example":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, html=page)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with Store(":memory:") as store:
        summary = Pipeline(Settings(min_chars=20)).run(
            ["https://news.example/a", "https://down.example/b"],
            store,
            client=client,
            runner=LocalRunner(worker()),
        )
        assert (summary.articles, summary.failures) == (1, 1)
        (failure,) = store.failures()
        assert failure.item == "https://down.example/b" and failure.kind == "unreachable"
        (batch,) = list(store.articles_pending("other"))
        assert batch[0].url == "https://news.example/a"
