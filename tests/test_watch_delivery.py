"""Delivery: sinks, retries, and the ledger that keeps every alert to once per sink."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from localhttp import Receiver, receiver_handler, serve

from redline.errors import ConfigError
from redline.watch.delivery import (
    JsonlLedger,
    JsonlSink,
    LedgerError,
    MemoryLedger,
    SendResult,
    StdoutSink,
    WebhookSink,
    deliver,
    format_alert,
)

FIXED = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
ALERT = (
    "border-clash:2024-03-05",
    {"rule": "border-clash", "date": "2024-03-05", "summary": "3 assaults"},
)


class ListSink:
    """A sink in memory that can be told to fail chosen alerts."""

    def __init__(self, name: str = "memory", fail: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.fail = fail
        self.received: list[str] = []

    def send(self, alert_id: str, payload: dict[str, Any]) -> SendResult:
        if alert_id in self.fail:
            return SendResult(ok=False, error=f"{alert_id} refused")
        self.received.append(alert_id)
        return SendResult(ok=True)


# --- a local webhook receiver ---------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    for base in serve(receiver_handler(state)):
        state.url = base + "/hook?token=s3cret"
        yield state


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as http:
        yield http


class Sleeps(list[float]):
    """An injected sleep that records the delays instead of waiting them out."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# --- webhook --------------------------------------------------------------------------


def test_watch_delivery_webhook_retries_503_then_delivers_once(
    receiver: Receiver, client: httpx.Client
) -> None:
    receiver.fail_first = 3
    sleeps = Sleeps()
    sink = WebhookSink(receiver.url, client, retries=5, backoff=0.5, sleep=sleeps)
    ledger = MemoryLedger()

    report = deliver([ALERT], [sink], ledger)

    assert report.for_sink(sink.name).sent == (ALERT[0],), f"alert not sent: {report}"
    assert receiver.attempts == 4, f"expected 3 failures then success, saw {receiver.attempts}"
    assert sleeps == [0.5, 1.0, 2.0], f"backoff should double from 0.5 s: {sleeps}"
    assert len(receiver.accepted) == 1, "the body should arrive exactly once"
    body, headers = receiver.accepted[0]
    assert body == ALERT[1], f"the POST body should be the payload: {body}"
    assert headers.get("Idempotency-Key") == ALERT[0], f"Idempotency-Key missing: {headers}"
    assert headers.get("Content-Type") == "application/json", "Content-Type not JSON"
    assert ledger.delivered(sink.name, ALERT[0]), "a delivered alert was not recorded"

    again = deliver([ALERT], [sink], ledger)
    assert again.for_sink(sink.name).skipped == (ALERT[0],), "a delivered alert was not skipped"
    assert receiver.attempts == 4, "a recorded alert was sent again"


def test_watch_delivery_webhook_honours_retry_after_with_cap(
    receiver: Receiver, client: httpx.Client
) -> None:
    receiver.fail_first, receiver.status, receiver.retry_after = 2, 429, "7"
    sleeps = Sleeps()
    sink = WebhookSink(receiver.url, client, sleep=sleeps, max_backoff=30)
    assert sink.send(*ALERT).ok, "429 then success should end delivered"
    assert sleeps == [7.0, 7.0], f"Retry-After: 7 should set the waits: {sleeps}"

    receiver.attempts, receiver.retry_after = 0, "3600"
    capped = Sleeps()
    WebhookSink(receiver.url, client, sleep=capped, max_backoff=30).send("other", {})
    assert capped == [30.0, 30.0], f"a long Retry-After should be capped at max_backoff: {capped}"


def test_watch_delivery_webhook_gives_up_then_next_cycle_sends(
    receiver: Receiver, client: httpx.Client
) -> None:
    receiver.fail_first = 1000
    sleeps = Sleeps()
    sink = WebhookSink(receiver.url, client, retries=2, backoff=1, max_backoff=1.5, sleep=sleeps)
    ledger = MemoryLedger()
    second = ("second", {"summary": "another"})

    report = deliver([ALERT, second], [sink], ledger)

    failed = report.for_sink(sink.name).failed
    assert [f.alert_id for f in failed] == [ALERT[0], "second"], f"both should fail: {report}"
    assert "gave up after 3 attempts" in failed[0].reason, f"reason unclear: {failed[0]}"
    assert "HTTP 503" in failed[0].reason, f"reason should give the last answer: {failed[0]}"
    assert "not tried" in failed[1].reason, "after giving up, the sink should rest this cycle"
    assert receiver.attempts == 3, f"retries=2 means 3 attempts, saw {receiver.attempts}"
    assert sleeps == [1.0, 1.5], f"backoff should be capped at max_backoff: {sleeps}"
    assert not report.ok, "a failed delivery should make the report not ok"
    assert not ledger.delivered(sink.name, ALERT[0]), "a failed alert must not be recorded"

    receiver.fail_first = 0
    retry = deliver([ALERT, second], [sink], ledger)
    assert retry.for_sink(sink.name).sent == (ALERT[0], "second"), f"not retried: {retry}"
    assert [body for body, _ in receiver.accepted] == [ALERT[1], second[1]], (
        "each body should arrive exactly once after the retry"
    )


def test_watch_delivery_webhook_does_not_retry_a_refusal(
    receiver: Receiver, client: httpx.Client
) -> None:
    receiver.fail_first, receiver.status = 1, 400
    sleeps = Sleeps()
    sink = WebhookSink(receiver.url, client, sleep=sleeps)
    result = sink.send(*ALERT)
    assert not result.ok and "HTTP 400" in (result.error or ""), f"400 not reported: {result}"
    assert not result.transient, "a 400 is about this alert, not the sink"
    assert receiver.attempts == 1 and sleeps == [], "a 400 must not be retried"


def test_watch_delivery_webhook_retries_connection_errors_and_timeouts(
    client: httpx.Client,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    result = WebhookSink(f"http://127.0.0.1:{port}/", client, retries=2, sleep=sleeps).send(*ALERT)
    assert not result.ok and result.transient, f"a closed port should fail: {result}"
    assert result.attempts == 3 and len(sleeps) == 2, f"connection errors not retried: {result}"
    assert "could not be reached" in (result.error or ""), f"unclear error: {result}"

    calls: list[httpx.Request] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(flaky)) as mock:
        ok = WebhookSink("https://hooks.example/x", mock, sleep=Sleeps()).send(*ALERT)
    assert ok.ok and ok.attempts == 2, f"a timeout should be retried: {ok}"
    assert calls[0].content == calls[1].content, "a retry must send the same body"


def test_watch_delivery_webhook_name_hides_the_url_secret(client: httpx.Client) -> None:
    sink = WebhookSink("https://hooks.example:8443/services/T0/B0/s3cret", client)
    assert "s3cret" not in sink.name, f"the sink name leaks the URL's token: {sink.name}"
    assert sink.name.startswith("webhook:hooks.example:8443#"), f"unexpected name: {sink.name}"
    assert sink.name == WebhookSink("https://hooks.example:8443/services/T0/B0/s3cret", client).name
    with pytest.raises(ConfigError, match="must not be negative"):
        WebhookSink("https://hooks.example/", client, retries=-1)


# --- ledgers --------------------------------------------------------------------------


def test_watch_delivery_jsonl_ledger_survives_restart(
    receiver: Receiver, client: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "delivered.jsonl"
    sink = WebhookSink(receiver.url, client, sleep=Sleeps())
    first = deliver([ALERT], [sink], JsonlLedger(path, now=lambda: FIXED))
    assert first.for_sink(sink.name).sent == (ALERT[0],), "first run should send"

    restarted = JsonlLedger(path)
    second = deliver([ALERT], [sink], restarted)
    assert second.for_sink(sink.name).skipped == (ALERT[0],), "restart resent a delivered alert"
    assert len(receiver.accepted) == 1, "the webhook received the alert twice across a restart"
    assert json.loads(path.read_text().splitlines()[0]) == {
        "sink": sink.name,
        "alert": ALERT[0],
        "at": FIXED.isoformat(),
    }, "ledger line format changed"


def test_watch_delivery_jsonl_ledger_tolerates_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "delivered.jsonl"
    path.write_text('{"sink": "s", "alert": "a1", "at": "x"}\n{"sink": "s", "al')
    ledger = JsonlLedger(path)
    assert ledger.delivered("s", "a1"), "a whole line before the torn one was lost"
    ledger.record("s", "a2")
    assert JsonlLedger(path).delivered("s", "a2"), "a record after a torn line is unreadable"
    assert len(path.read_text().splitlines()) == 2, "the torn line should have been dropped"


def test_watch_delivery_jsonl_ledger_keeps_a_whole_last_line_without_newline(
    tmp_path: Path,
) -> None:
    path = tmp_path / "delivered.jsonl"
    path.write_text('{"sink": "s", "alert": "a1", "at": "x"}')
    ledger = JsonlLedger(path)
    assert ledger.delivered("s", "a1"), "a complete last line without newline was ignored"
    ledger.record("s", "a2")
    reopened = JsonlLedger(path)
    assert reopened.delivered("s", "a1") and reopened.delivered("s", "a2"), (
        "appending after an unterminated line merged the two records"
    )


def test_watch_delivery_jsonl_ledger_damaged_middle_line_raises(tmp_path: Path) -> None:
    path = tmp_path / "delivered.jsonl"
    path.write_text('{"sink": "s", "alert": "a1"}\nnot json\n{"sink": "s", "alert": "a2"}\n')
    with pytest.raises(LedgerError, match="line 2"):
        JsonlLedger(path)


def test_watch_delivery_jsonl_ledger_unwritable_raises(tmp_path: Path) -> None:
    ledger = JsonlLedger(tmp_path / "state" / "delivered.jsonl")
    (tmp_path / "state").write_text("a file where the ledger's folder should be")
    with pytest.raises(LedgerError, match="cannot be written"):
        deliver([ALERT], [ListSink()], ledger)


# --- stdout and jsonl sinks, and deliver itself ---------------------------------------


def test_watch_delivery_stdout_sink_prints_one_line_per_alert() -> None:
    out = io.StringIO()
    report = deliver(
        [ALERT, ("raw", {"count": 2}), ("multi", {"rule": "r", "summary": "two\nlines"})],
        [StdoutSink(out)],
        MemoryLedger(),
    )
    assert report.ok, f"stdout delivery failed: {report}"
    assert out.getvalue().splitlines() == [
        "[ALERT] border-clash 2024-03-05 3 assaults",
        '[ALERT] {"count":2}',
        "[ALERT] r two lines",
    ], "stdout lines are not in the [ALERT] <rule> <date> <summary> form"


def test_watch_delivery_stdout_sink_defaults_to_sys_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    deliver([ALERT], [StdoutSink()], MemoryLedger())
    assert capsys.readouterr().out == format_alert(ALERT[1]) + "\n", "nothing on stdout"


def test_watch_delivery_jsonl_sink_appends_lines(tmp_path: Path) -> None:
    path = tmp_path / "out" / "alerts.jsonl"
    path.parent.mkdir()
    path.write_text('{"alert_id": "torn", "pay')
    sink = JsonlSink(path)
    dated = ("dated", {"date": date(2024, 3, 5)})
    report = deliver([ALERT, dated], [sink], MemoryLedger())
    assert report.ok, f"jsonl delivery failed: {report}"
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines[1:]] == [
        {"alert_id": ALERT[0], "payload": ALERT[1]},
        {"alert_id": "dated", "payload": {"date": "2024-03-05"}},
    ], f"jsonl sink lines wrong (a torn last line must not swallow the next): {lines}"
    assert sink.name == f"jsonl:{path.resolve()}", "jsonl sink name should be its absolute path"


def test_watch_delivery_unserialisable_payload_fails_without_sending() -> None:
    sink = ListSink()
    report = deliver([("bad", {"x": {1, 2}}), ALERT], [sink], MemoryLedger())
    failed = report.for_sink("memory").failed
    assert [f.alert_id for f in failed] == ["bad"] and "JSON" in failed[0].reason, (
        f"an unserialisable payload should fail with a reason: {report}"
    )
    assert sink.received == [ALERT[0]], "one bad payload should not stop the others"


def test_watch_delivery_duplicate_sink_names_are_refused() -> None:
    with pytest.raises(ConfigError, match="memory"):
        deliver([ALERT], [ListSink(), ListSink()], MemoryLedger())


def test_watch_delivery_report_summary_and_lookup() -> None:
    ledger = MemoryLedger()
    ledger.record("memory", "old")
    report = deliver(
        [("old", {}), ("new", {}), ("no", {})], [ListSink(fail=frozenset({"no"}))], ledger
    )
    assert report.summary() == "memory: 1 sent, 1 skipped, 1 failed", report.summary()
    with pytest.raises(KeyError):
        report.for_sink("elsewhere")


alert_ids = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), max_size=30)


@given(ids=alert_ids, flaky=st.frozensets(st.sampled_from(["a", "b", "c"])))
def test_watch_delivery_property_each_id_delivered_exactly_once(
    ids: list[str], flaky: frozenset[str]
) -> None:
    ledger = MemoryLedger()
    sink = ListSink()
    alerts = [(alert_id, {"n": n}) for n, alert_id in enumerate(ids)]

    sink.fail = flaky
    deliver(alerts, [sink], ledger)
    sink.fail = frozenset()
    deliver(alerts, [sink], ledger)
    deliver(reversed(alerts), [sink], ledger)

    assert sorted(sink.received) == sorted(set(ids)), (
        f"each alert id should reach the sink exactly once; ids={ids}, flaky={sorted(flaky)}, "
        f"received={sink.received}"
    )
    assert all(ledger.delivered("memory", alert_id) for alert_id in ids), "not all recorded"
