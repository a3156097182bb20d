"""The watch loop: poll feeds and pages, code what is new, check the rules, deliver alerts.

This is the library half of ``redline watch``. Each cycle polls every watched URL with one
``FeedPoller`` kept for the whole watch (so conditional GET saves unchanged feeds), hands
the links it has not seen before to the ordinary ``Pipeline`` (the same fetcher, cleaner
and coder as ``redline run``), evaluates the rules and delivers every stored alert that a
sink has not accepted yet.

Duplicates are ruled out at three levels, so that losing any one of them costs work but
never a second alert: the seen links (a small JSON file next to the store), the store
itself (articles are keyed by content hash, alerts by id) and the delivery ledger.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from redline.analyze.alerts import check, listed
from redline.analyze.rules import Rule
from redline.errors import ConfigError, SchemaVersionError, StoreError
from redline.pipeline import LocalRunner, Pipeline, Runner
from redline.settings import Settings
from redline.store import Store
from redline.watch.delivery import DeliveryReport, JsonlLedger, Ledger, MemoryLedger, Sink, deliver
from redline.watch.feeds import FeedPoller, PollResult

RETRY_KINDS = frozenset({"timeout", "unreachable", "http-error"})
"""Article failures (``ingest.fetch`` kinds) that may pass, so the link is tried again."""

USER_AGENT = "redline/0.1 (+event coder; watch)"


def _now() -> datetime:
    return datetime.now(UTC)


class IntervalError(ConfigError, ValueError):
    """A polling interval such as ``--every 10m`` cannot be read."""


_INTERVAL = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_UNIT_SECONDS = (86_400, 3_600, 60, 1)


def parse_interval(text: str) -> int:
    """Seconds in an interval written like ``30s``, ``10m``, ``1h``, ``1h30m`` or ``1d``.

    Units go from largest to smallest, each at most once; a bare number is refused
    because "10" could mean seconds or minutes.

    Raises:
        IntervalError: the text is not such an interval, or it is zero.

    Example:
        >>> parse_interval("1h30m")
        5400
    """
    value = "".join(text.split()).lower()
    match = _INTERVAL.fullmatch(value)
    if not value or match is None:
        hint = " (add a unit: s, m, h or d)" if value.isdigit() else ""
        raise IntervalError(
            f"Interval {text!r} is not understood{hint}; write it like 30s, 10m, 1h or 1h30m."
        )
    seconds = sum(int(n) * unit for n, unit in zip(match.groups(), _UNIT_SECONDS, strict=True) if n)
    if seconds <= 0:
        raise IntervalError(f"Interval {text!r} is zero; the watch needs a pause between polls.")
    return seconds


class WatchStateError(ConfigError):
    """The watch state file cannot be read or written."""


class WatchState:
    """Which links the watch has taken up, kept in a JSON file so a restart does not refetch.

    ``seen`` maps each feed item link to when it was first seen; ``pages`` maps each watched
    page to the SHA-256 of the body last taken up, so a page is coded again when it
    changes; ``pending`` maps links still to be read to the failed attempts so far. The
    file is replaced atomically, so a crash leaves the old state or the new, never half.

    Args:
        path: the file, or ``None`` to keep the state in memory only.
        max_seen: most links remembered; the oldest are forgotten first. Forgetting one
            costs at most a refetch: the store knows the article by its content.
    """

    VERSION = 1

    def __init__(self, path: str | Path | None, *, max_seen: int = 100_000) -> None:
        self.path = Path(path) if path is not None else None
        self.max_seen = max_seen
        self.seen: dict[str, str] = {}
        self.pages: dict[str, str] = {}
        self.pending: dict[str, int] = {}
        self._written: str | None = None
        if self.path is not None:
            self._load(self.path)

    def _load(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            raise WatchStateError(f"Watch state {path} cannot be read ({exc}).") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if not self._valid(data):
            raise WatchStateError(
                f"Watch state {path} is damaged or not a redline watch state. Delete it to "
                "start afresh: feed items will be fetched again, but stored articles are not "
                "recoded and delivered alerts are not sent again (the ledger remembers them)."
            )
        self.seen = dict(data["seen"])
        self.pages = dict(data["pages"])
        self.pending = dict(data["pending"])
        self._written = text

    @classmethod
    def _valid(cls, data: Any) -> bool:
        if not isinstance(data, dict) or data.get("version") != cls.VERSION:
            return False
        seen, pages, pending = (data.get(key) for key in ("seen", "pages", "pending"))
        if not (isinstance(seen, dict) and isinstance(pages, dict) and isinstance(pending, dict)):
            return False
        return (
            all(isinstance(v, str) for v in seen.values())
            and all(isinstance(v, str) for v in pages.values())
            and all(isinstance(v, int) and not isinstance(v, bool) for v in pending.values())
        )

    def save(self) -> None:
        """Write the state if it changed since it was last read or written.

        Raises:
            WatchStateError: the file cannot be written.
        """
        if len(self.seen) > self.max_seen:
            # Dicts keep insertion order, so the first keys are the oldest links.
            for link in list(self.seen)[: len(self.seen) - self.max_seen]:
                del self.seen[link]
        text = json.dumps(
            {
                "version": self.VERSION,
                "seen": self.seen,
                "pages": self.pages,
                "pending": self.pending,
            },
            ensure_ascii=False,
            indent=0,
        )
        if self.path is None or text == self._written:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise WatchStateError(f"Watch state {self.path} cannot be written ({exc}).") from None
        self._written = text


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one watch cycle did.

    ``polled`` URLs were asked; ``unchanged`` answered 304 and ``unreachable`` failed (their
    messages are in ``errors``). ``new_items`` are the links taken up this cycle and
    ``retried`` the links read again after a failed fetch. ``articles`` were stored new,
    ``events`` are the mentions coded, ``failures`` the articles that could not be read or
    coded (listed by ``redline failures``). ``new_alerts`` are the ids the rules raised for
    the first time; ``delivery`` says what each sink was sent, which may include older
    alerts that a sink had missed.
    """

    number: int
    started_at: datetime
    polled: int = 0
    unchanged: int = 0
    unreachable: int = 0
    new_items: tuple[str, ...] = ()
    retried: int = 0
    articles: int = 0
    events: int = 0
    failures: int = 0
    new_alerts: tuple[str, ...] = ()
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    errors: tuple[str, ...] = ()

    @property
    def delivered(self) -> dict[str, int]:
        """Alerts each sink accepted in this cycle, by sink name."""
        return {report.sink: len(report.sent) for report in self.delivery.sinks}

    def summary(self) -> str:
        """One line for a log, e.g. ``cycle 2: 3 URLs polled (1 unchanged); 1 new item ...``."""

        def count(number: int, noun: str) -> str:
            return f"{number} {noun}{'' if number == 1 else 's'}"

        notes = [f"{self.unchanged} unchanged"] if self.unchanged else []
        notes += [f"{self.unreachable} failed"] if self.unreachable else []
        polled = count(self.polled, "URL") + " polled" + (f" ({', '.join(notes)})" if notes else "")
        work = [count(len(self.new_items), "new item")]
        work += [f"{self.retried} retried"] if self.retried else []
        work += [count(self.articles, "article"), count(self.events, "mention")]
        work += [count(self.failures, "failure")] if self.failures else []
        sent = []
        for report in self.delivery.sinks:
            # "jsonl:/abs/path" and "webhook:host#hash" are long; the kind is enough here.
            label = report.sink.partition(":")[0]
            failed = f" ({len(report.failed)} failed)" if report.failed else ""
            sent.append(f"{label} {len(report.sent)}{failed}")
        return (
            f"cycle {self.number}: {polled}; {', '.join(work)}; "
            f"{count(len(self.new_alerts), 'new alert')}; sent: {', '.join(sent) or 'no sinks'}"
        )


class Watch:
    """Poll URLs, code new articles into the store, and deliver alerts once per sink.

    The store is opened for each cycle and closed after it, so other redline commands can
    read it between cycles (DuckDB lets one process hold a file at a time).

    Args:
        urls: feed or page URLs (``read_watch_list`` reads them from a file).
        settings: the store (``settings.db``), limits and coder settings.
        rules: the red lines to evaluate (``load_rules()``).
        sinks: where alerts go; their names must be distinct.
        state_path: the seen-links file; default ``<db>.watch.json`` (in memory for a
            ``":memory:"`` store).
        ledger: what each sink has accepted; default ``JsonlLedger("<db>.delivered.jsonl")``
            (a ``MemoryLedger`` for a ``":memory:"`` store).
        client: the HTTP client for feeds and articles; by default one with the settings'
            timeout, redirects followed, closed by ``close``.
        runner: codes the articles; one runner is kept so the model loads once.
        now: the clock for stored times and alerts.
        sleep: waits between cycles; the default wakes at once when ``stop`` is called.
        monotonic: measures how long a cycle took, to keep cycles ``every`` seconds apart.
        attempts: how many times a link whose fetch failed (timeout, unreachable, HTTP
            error) is tried, one try per cycle, before it is given up.

    Example:
        >>> with Watch(["https://news.example/rss"], Settings(), rules=load_rules(),
        ...            sinks=[StdoutSink()]) as watch:  # doctest: +SKIP
        ...     for report in watch.run(600, cycles=3):
        ...         print(report.summary())
    """

    def __init__(
        self,
        urls: Sequence[str],
        settings: Settings,
        *,
        rules: Sequence[Rule],
        sinks: Sequence[Sink],
        state_path: str | Path | None = None,
        ledger: Ledger | None = None,
        client: httpx.Client | None = None,
        runner: Runner | None = None,
        now: Callable[[], datetime] = _now,
        sleep: Callable[[float], Any] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        attempts: int = 3,
    ) -> None:
        if not urls:
            raise ConfigError("Nothing to watch: give at least one feed or page URL.")
        if not sinks:
            raise ConfigError("No sink to deliver alerts to: keep stdout or add a file/webhook.")
        if attempts < 1:
            raise ConfigError(f"attempts must be at least 1, got {attempts}.")
        self.urls = list(dict.fromkeys(urls))
        self.settings = settings
        self.rules = list(rules)
        self.sinks = list(sinks)
        self.now = now
        self.monotonic = monotonic
        self.attempts = attempts
        memory = settings.db == ":memory:"
        if state_path is None and not memory:
            state_path = settings.db + ".watch.json"
        self.state = WatchState(state_path)
        if ledger is None:
            ledger = MemoryLedger() if memory else JsonlLedger(settings.db + ".delivered.jsonl")
        self.ledger = ledger
        self._own_client = client is None
        self.client = client or httpx.Client(
            timeout=settings.fetch_timeout,
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        )
        self.poller = FeedPoller(
            self.client, timeout=settings.fetch_timeout, max_bytes=settings.max_bytes, now=now
        )
        self.pipeline = Pipeline(settings, now=now)
        self.runner = runner or LocalRunner(processes=settings.workers)
        self._stop = threading.Event()
        self.sleep = self._stop.wait if sleep is None else sleep
        self._busy = False
        self._cycles = 0
        self._consolidated = False
        # A ":memory:" store lives as long as the watch; a file is reopened each cycle.
        self._memory = Store(":memory:") if memory else None

    def __enter__(self) -> Watch:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client the watch created and its in-memory store, if any."""
        if self._own_client:
            self.client.close()
        if self._memory is not None:
            self._memory.close()

    @property
    def busy(self) -> bool:
        """True while a cycle runs (the CLI defers Ctrl-C until it ends)."""
        return self._busy

    @property
    def stopping(self) -> bool:
        """True once ``stop`` was called."""
        return self._stop.is_set()

    def stop(self) -> None:
        """Let the running cycle finish, then end ``run``; safe to call from another thread."""
        self._stop.set()

    def run(self, every: float, *, cycles: int | None = None) -> Iterator[CycleReport]:
        """Run cycles ``every`` seconds apart (start to start), yielding each one's report.

        It ends after ``cycles`` cycles, or after the cycle during which ``stop`` was
        called; with neither, it runs until the caller stops iterating.

        Raises:
            ConfigError: ``every`` or ``cycles`` is not positive.
        """
        if every <= 0:
            raise ConfigError(f"The interval must be positive, got {every} seconds.")
        if cycles is not None and cycles < 1:
            raise ConfigError(f"cycles must be at least 1, got {cycles}.")
        done = 0
        while not self.stopping:
            started = self.monotonic()
            self._busy = True
            try:
                report = self.cycle()
            finally:
                self._busy = False
            done += 1
            yield report
            if self.stopping or (cycles is not None and done >= cycles):
                return
            self.sleep(max(0.0, every - (self.monotonic() - started)))

    @contextmanager
    def _open(self) -> Iterator[Store]:
        if self._memory is not None:
            yield self._memory
            return
        with Store(self.settings.db) as store:
            yield store

    def cycle(self) -> CycleReport:
        """Poll, ingest, code, check and deliver once.

        A URL that cannot be polled and an article that cannot be read are reported and
        the cycle goes on. A store that cannot be opened (another process holds it) skips
        the cycle, except on the first, where it is more likely a wrong path.

        Raises:
            StoreError: the store cannot be opened on the first cycle, or written.
            LedgerError: the ledger cannot be written, so duplicates cannot be ruled out.
            WatchStateError: the state file cannot be written.
        """
        self._cycles += 1
        number, started = self._cycles, self.now()
        with ExitStack() as stack:
            try:
                store = stack.enter_context(self._open())
            except SchemaVersionError:
                raise
            except StoreError as exc:
                if number == 1:
                    raise
                return CycleReport(number, started, errors=(f"{exc} Skipped this cycle.",))
            return self._cycle(store, number, started)
        raise AssertionError("unreachable")  # pragma: no cover - ExitStack swallows nothing

    def _cycle(self, store: Store, number: int, started: datetime) -> CycleReport:
        errors: list[str] = []
        polled = unchanged = unreachable = 0
        new_links: list[str] = []
        try:
            retried = len(self.state.pending)
            for url in self.urls:
                result = self.poller.poll(url)
                polled += 1
                if result.error is not None:
                    unreachable += 1
                    errors.append(result.error)
                elif result.not_modified:
                    unchanged += 1
                else:
                    new_links += self._take_up(result)
            articles, failures = self._ingest(store)
        finally:
            # Saved even when ingesting fails: the polled links stay pending for next time,
            # though the feed itself may answer 304 from now on.
            self.state.save()
        events = 0
        if not self._consolidated or store.count_pending(self.pipeline.coder) > 0:
            # The first cycle also groups mentions left by a run that was killed.
            coded = self.pipeline.code(store, runner=self.runner)
            self._consolidated = True
            events, failures = coded.events, failures + coded.failures
        found = check(store, self.rules, now=self.now())
        # Every stored alert is offered: the ledger skips what a sink has, and an alert a
        # sink missed earlier (a webhook that was down) gets through now.
        delivery = deliver(((p["id"], p) for p in listed(store)), self.sinks, self.ledger)
        for sink in delivery.sinks:
            if sink.failed:
                errors.append(
                    f"{len(sink.failed)} alert(s) not delivered to {sink.sink}, kept for the "
                    f"next cycle: {sink.failed[0].reason}"
                )
        return CycleReport(
            number=number,
            started_at=started,
            polled=polled,
            unchanged=unchanged,
            unreachable=unreachable,
            new_items=tuple(new_links),
            retried=retried,
            articles=articles,
            events=events,
            failures=failures,
            new_alerts=tuple(fired.alert.id for fired in found.new),
            delivery=delivery,
            errors=tuple(errors),
        )

    def _take_up(self, result: PollResult) -> list[str]:
        """The links of a poll not seen before, marked seen and queued for reading."""
        if result.is_page and result.page is not None:
            digest = hashlib.sha256(result.page.content).hexdigest()
            if self.state.pages.get(result.url) == digest:
                return []
            self.state.pages[result.url] = digest
            links = [result.url]
        else:
            stamp = self.now().astimezone(UTC).isoformat()
            links = []
            for item in result.items:
                if item.url not in self.state.seen:
                    self.state.seen[item.url] = stamp
                    links.append(item.url)
        for link in links:
            self.state.pending.setdefault(link, 0)
        return links

    def _ingest(self, store: Store) -> tuple[int, int]:
        """Read every pending link into the store; return (new articles, failures)."""
        articles = failures = 0
        for link, tried in list(self.state.pending.items()):
            # One link per call, so a failure can be told apart from the others' successes.
            summary = self.pipeline.ingest([link], store, client=self.client)
            articles += summary.articles
            failures += summary.failures
            if RETRY_KINDS & summary.failure_kinds.keys() and tried + 1 < self.attempts:
                self.state.pending[link] = tried + 1
            else:
                del self.state.pending[link]
        return articles, failures
