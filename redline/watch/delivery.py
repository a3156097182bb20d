"""Deliver alerts to sinks once per (sink, alert id), remembered in a ledger.

An alert is recorded in the ledger only after its sink accepted it, and a recorded alert
is never sent to that sink again: not later in the same call, not in the next watch
cycle, and, with ``JsonlLedger``, not after a restart. A failed delivery stays
unrecorded, so the next cycle retries it. The one window left open is a crash between a
sink accepting an alert and the ledger writing it down; webhooks carry the alert id as an
``Idempotency-Key`` header so that the receiver can close that window too.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

import httpx

from redline.errors import ConfigError, RedlineError

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
"""HTTP statuses that say "try again later" rather than "this request is wrong"."""


def _now() -> datetime:
    return datetime.now(UTC)


class LedgerError(RedlineError):
    """The delivery ledger cannot be read or written, so duplicates cannot be ruled out."""


def _jsonable(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


class Ledger(Protocol):
    """Remembers which alerts each sink has accepted."""

    def delivered(self, sink: str, alert_id: str) -> bool:
        """True when ``sink`` has already accepted ``alert_id``."""
        ...

    def record(self, sink: str, alert_id: str) -> None:
        """Remember that ``sink`` accepted ``alert_id``; durable before it returns."""
        ...


class MemoryLedger:
    """A ledger for one process: tests, and ``redline watch --once`` style runs."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    def delivered(self, sink: str, alert_id: str) -> bool:
        """True when ``sink`` has already accepted ``alert_id``."""
        return (sink, alert_id) in self._seen

    def record(self, sink: str, alert_id: str) -> None:
        """Remember that ``sink`` accepted ``alert_id``."""
        self._seen.add((sink, alert_id))


class JsonlLedger:
    """A ledger that survives restarts: an append-only file of JSON lines, read on open.

    Each line is ``{"sink": ..., "alert": ..., "at": ...}`` and is flushed and fsynced
    before ``record`` returns. A last line cut short by a crash is ignored and replaced
    on the next write; a damaged line anywhere else raises ``LedgerError``, because
    guessing would risk sending its alert twice.

    Example:
        >>> ledger = JsonlLedger("state/delivered.jsonl")  # doctest: +SKIP
    """

    def __init__(self, path: str | Path, *, now: Callable[[], datetime] = _now) -> None:
        self.path = Path(path)
        self.now = now
        self._seen: set[tuple[str, str]] = set()
        # What the first write must mend: cut a torn last line, or end a whole one.
        self._torn_at: int | None = None
        self._needs_newline = False
        self._load()

    def _load(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise LedgerError(f"Ledger {self.path} cannot be read ({exc}).") from None
        complete, newline, tail = data.rpartition(b"\n")
        lines = complete.split(b"\n") if newline else []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            key = self._parse(line)
            if key is None:
                raise LedgerError(
                    f"Ledger {self.path}, line {number}: not a ledger record. The file is "
                    "damaged; fix or delete that line (its alert may then be sent again)."
                )
            self._seen.add(key)
        if tail.strip():
            key = self._parse(tail)
            if key is None:
                self._torn_at = len(complete) + len(newline)
            else:
                self._seen.add(key)
                self._needs_newline = True

    @staticmethod
    def _parse(line: bytes) -> tuple[str, str] | None:
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if not isinstance(record, dict):
            return None
        sink, alert = record.get("sink"), record.get("alert")
        if not isinstance(sink, str) or not isinstance(alert, str):
            return None
        return sink, alert

    def delivered(self, sink: str, alert_id: str) -> bool:
        """True when ``sink`` has already accepted ``alert_id``, in this or an earlier run."""
        return (sink, alert_id) in self._seen

    def record(self, sink: str, alert_id: str) -> None:
        """Append the delivery and fsync it, so that a restart does not send it again.

        Raises:
            LedgerError: the file cannot be written.
        """
        if (sink, alert_id) in self._seen:
            return
        line = _dumps({"sink": sink, "alert": alert_id, "at": self.now().isoformat()}) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._torn_at is not None:
                os.truncate(self.path, self._torn_at)
            prefix = "\n" if self._needs_newline else ""
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(prefix + line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise LedgerError(
                f"Ledger {self.path} cannot be written ({exc}); stopping, because "
                "alerts sent from now on could not be remembered and would be sent again."
            ) from None
        self._torn_at = None
        self._needs_newline = False
        self._seen.add((sink, alert_id))


@dataclass(frozen=True, slots=True)
class SendResult:
    """How one send went.

    ``transient`` marks a failure of the sink rather than of the alert (unreachable,
    timed out, overloaded even after retries): ``deliver`` then stops trying that sink
    for the rest of the call instead of waiting out the same backoff for every alert.
    """

    ok: bool
    error: str | None = None
    transient: bool = False
    attempts: int = 1


class Sink(Protocol):
    """Somewhere alerts go. ``name`` is the sink's identity in the ledger: keep it stable."""

    @property
    def name(self) -> str:
        """Stable identity of this destination in the ledger."""
        ...

    def send(self, alert_id: str, payload: dict[str, Any]) -> SendResult:
        """Deliver one alert; report failure in the result instead of raising."""
        ...


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def format_alert(payload: dict[str, Any]) -> str:
    """One human line for an alert: ``[ALERT] <rule> <date> <summary>``.

    The keys that are present are used; with none of them the payload is shown as JSON.

    Example:
        >>> format_alert({"rule": "border-clash", "date": "2024-05-01", "summary": "3 events"})
        '[ALERT] border-clash 2024-05-01 3 events'
    """
    parts = [_one_line(payload[key]) for key in ("rule", "date", "summary") if payload.get(key)]
    return "[ALERT] " + (" ".join(parts) if parts else _dumps(payload))


class StdoutSink:
    """Print one line per alert to a text stream (standard output by default)."""

    def __init__(self, stream: TextIO | None = None, *, name: str = "stdout") -> None:
        self.stream = stream
        self.name = name

    def send(self, alert_id: str, payload: dict[str, Any]) -> SendResult:
        """Write the alert's line and flush, so a tailing reader sees it at once."""
        # sys.stdout is looked up per call, so a redirected or captured stdout is honoured.
        stream = self.stream if self.stream is not None else sys.stdout
        try:
            stream.write(format_alert(payload) + "\n")
            stream.flush()
        except OSError as exc:
            return SendResult(ok=False, error=f"{self.name}: cannot write ({exc})", transient=True)
        return SendResult(ok=True)


class JsonlSink:
    """Append each alert to a JSON-lines file as ``{"alert_id": ..., "payload": ...}``.

    The default name is the absolute path, so the same file is one sink whichever
    directory redline runs from.
    """

    def __init__(self, path: str | Path, *, name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or f"jsonl:{self.path.resolve()}"

    def send(self, alert_id: str, payload: dict[str, Any]) -> SendResult:
        """Append one line, flushed and fsynced before the ledger records it."""
        line = _dumps({"alert_id": alert_id, "payload": payload}) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+b") as handle:
                # A line cut short by a crash must not swallow this one.
                if handle.seek(0, os.SEEK_END) > 0:
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":
                        line = "\n" + line
                handle.write(line.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            return SendResult(ok=False, error=f"{self.name}: cannot append ({exc})", transient=True)
        return SendResult(ok=True)


class WebhookSink:
    """POST each alert as JSON to a URL, retrying what is worth retrying.

    Connection errors, timeouts, 408, 425, 429 and 5xx answers are retried with
    exponential backoff (``backoff`` × 2ⁿ seconds, at most ``max_backoff``); a
    ``Retry-After`` of some seconds replaces the backoff, capped the same way. Other
    answers (400, 401, 404, a redirect) are not retried: sending the same request again
    would get the same answer. The body is the payload itself, and the alert id goes in
    an ``Idempotency-Key`` header so that a receiver can drop a repeat.

    The default ``name`` holds the host and a hash of the URL, never the URL itself,
    because webhook URLs often embed a secret token and the ledger is a plain file.

    Args:
        url: where to POST.
        client: the HTTP client; its timeout applies to each attempt.
        retries: how many times a failed attempt is repeated (so at most
            ``retries + 1`` requests per alert).
        backoff: seconds before the first retry.
        max_backoff: longest wait between two attempts.
        sleep: how to wait (inject a recorder in tests).
        name: identity in the ledger.
    """

    def __init__(
        self,
        url: str,
        client: httpx.Client,
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        *,
        name: str | None = None,
    ) -> None:
        if retries < 0 or backoff < 0 or max_backoff < 0:
            raise ConfigError(
                f"Webhook retries ({retries}), backoff ({backoff}) and max_backoff "
                f"({max_backoff}) must not be negative."
            )
        self.url = url
        self.client = client
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
        parts = urlsplit(url)
        host = parts.hostname or "?"
        host = f"{host}:{parts.port}" if parts.port else host
        self.name = name or f"webhook:{host}#{digest}"

    def send(self, alert_id: str, payload: dict[str, Any]) -> SendResult:
        """POST the alert until it is accepted (2xx), refused, or the retries run out."""
        body = _dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "Idempotency-Key": alert_id}
        problem = ""
        attempt = 0
        for attempt in range(1, self.retries + 2):
            retry_after: float | None = None
            try:
                response = self.client.post(self.url, content=body, headers=headers)
            except httpx.TimeoutException:
                problem = "timed out"
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                return SendResult(ok=False, error=f"{self.name}: bad webhook URL ({exc})")
            except httpx.TransportError as exc:
                problem = f"could not be reached ({exc.__class__.__name__})"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return SendResult(ok=True, attempts=attempt)
                if status not in RETRY_STATUSES:
                    return SendResult(
                        ok=False,
                        error=f"{self.name} refused the alert with HTTP {status} (not retried)",
                        attempts=attempt,
                    )
                problem = f"answered HTTP {status}"
                retry_after = _retry_after(response)
            if attempt <= self.retries:
                self.sleep(self._delay(attempt, retry_after))
        return SendResult(
            ok=False,
            error=f"{self.name}: gave up after {attempt} attempts; last it {problem}",
            transient=True,
            attempts=attempt,
        )

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_backoff)
        return float(min(self.backoff * 2 ** (attempt - 1), self.max_backoff))


def _retry_after(response: httpx.Response) -> float | None:
    # Only the delay-seconds form; an HTTP-date falls back to the exponential backoff.
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


@dataclass(frozen=True, slots=True)
class Undelivered:
    """An alert a sink did not accept, and why; it stays unrecorded and is retried."""

    alert_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SinkReport:
    """What one sink did with the alerts: sent now, sent before (skipped), or failed."""

    sink: str
    sent: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    failed: tuple[Undelivered, ...] = ()


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """The outcome of one ``deliver`` call, one ``SinkReport`` per sink in sink order."""

    sinks: tuple[SinkReport, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no sink failed any alert."""
        return not any(report.failed for report in self.sinks)

    def for_sink(self, name: str) -> SinkReport:
        """The report of the sink called ``name``.

        Raises:
            KeyError: no sink has that name.
        """
        for report in self.sinks:
            if report.sink == name:
                return report
        raise KeyError(name)

    def summary(self) -> str:
        """One line per sink, e.g. ``stdout: 2 sent, 1 skipped, 0 failed``."""
        return "\n".join(
            f"{report.sink}: {len(report.sent)} sent, {len(report.skipped)} skipped, "
            f"{len(report.failed)} failed"
            for report in self.sinks
        )


def deliver(
    alerts: Iterable[tuple[str, dict[str, Any]]], sinks: Sequence[Sink], ledger: Ledger
) -> DeliveryReport:
    """Send every alert to every sink that has not accepted it yet, and record successes.

    An id repeated within ``alerts`` is one alert (its first payload wins). After a
    transient failure (see ``SendResult``) a sink is not tried again in this call; its
    remaining alerts are reported failed and left for the next call.

    Args:
        alerts: ``(alert_id, payload)`` pairs; payloads must be JSON-serialisable
            (dates and datetimes are written in ISO format).
        sinks: where to send; their names must be distinct.
        ledger: what has been delivered before.

    Raises:
        ConfigError: two sinks share a name.
        LedgerError: the ledger cannot be written.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> report = deliver([("a1", {"rule": "r", "summary": "s"})], [StdoutSink(out)],
        ...                  MemoryLedger())
        >>> out.getvalue(), report.for_sink("stdout").sent
        ('[ALERT] r s\\n', ('a1',))
    """
    names = [sink.name for sink in sinks]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigError(
            f"Two or more sinks are named {', '.join(repeated)}; the ledger could not tell "
            "them apart. Give each a distinct name=."
        )
    pending: dict[str, dict[str, Any]] = {}
    unsendable: dict[str, str] = {}
    for alert_id, payload in alerts:
        if alert_id in pending:
            continue
        pending[alert_id] = payload
        try:
            _dumps(payload)
        except (TypeError, ValueError) as exc:
            unsendable[alert_id] = f"the payload is not JSON-serialisable ({exc})"
    return DeliveryReport(tuple(_deliver_to(sink, pending, unsendable, ledger) for sink in sinks))


def _deliver_to(
    sink: Sink, pending: dict[str, dict[str, Any]], unsendable: dict[str, str], ledger: Ledger
) -> SinkReport:
    sent: list[str] = []
    skipped: list[str] = []
    failed: list[Undelivered] = []
    down: str | None = None
    for alert_id, payload in pending.items():
        if ledger.delivered(sink.name, alert_id):
            skipped.append(alert_id)
        elif alert_id in unsendable:
            failed.append(Undelivered(alert_id, unsendable[alert_id]))
        elif down is not None:
            failed.append(Undelivered(alert_id, f"not tried: {down}"))
        else:
            result = sink.send(alert_id, payload)
            if result.ok:
                ledger.record(sink.name, alert_id)
                sent.append(alert_id)
            else:
                reason = result.error or f"{sink.name} did not accept the alert"
                failed.append(Undelivered(alert_id, reason))
                if result.transient:
                    down = f"an earlier alert failed in this cycle ({reason})"
    return SinkReport(sink.name, tuple(sent), tuple(skipped), tuple(failed))
