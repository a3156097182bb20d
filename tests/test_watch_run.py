"""Watch cycles end to end: a local news site whose feed changes, a local webhook receiver.

Tests marked ``model`` code real articles with the spaCy model and the shipped US–Iran
rules; the others replace the coder with one that codes nothing, to test the plumbing
(pages, retries, bad feeds, state) without the model.
"""

from __future__ import annotations

import hashlib
import json
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from localhttp import Receiver, receiver_handler, serve

from redline.analyze.rules import load_rules
from redline.cli_watch import _deferred_interrupt, watch
from redline.errors import ConfigError, StoreError
from redline.model import Article, RunResult
from redline.pipeline import LocalRunner, Runner, WorkerSpec
from redline.settings import Settings
from redline.store import Store
from redline.watch.delivery import JsonlSink, Sink, WebhookSink
from redline.watch.run import (
    IntervalError,
    Watch,
    WatchStateError,
    parse_interval,
)

FIXED = datetime(2020, 1, 10, 12, 0, tzinfo=UTC)


def article(title: str, published: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        f'<meta property="article:published_time" content="{published}">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


# Written for these tests from the public record of the 2019-2020 US–Iran confrontation.
ARTICLES = {
    "k1": article(
        "Contractor killed in rocket attack on K-1 base",
        "2019-12-28T08:00:00+00:00",
        "A rocket attack by Kata'ib Hezbollah on the K-1 base near Kirkuk, Iraq on "
        "27 December 2019 killed a U.S. contractor.",
        "Several American service members and Iraqi personnel were wounded when the rockets "
        "struck the base, officials said on Saturday.",
    ),
    "embassy": article(
        "Militia supporters storm the US embassy compound",
        "2019-12-31T18:00:00+00:00",
        "Supporters of Kata'ib Hezbollah stormed the U.S. embassy in Baghdad on "
        "31 December 2019, setting fire to a reception area.",
        "The crowd attacked the embassy compound for hours before Iraqi forces pushed them "
        "back, witnesses said.",
    ),
}
K1_RULE = "first-us-fatality-iran-aligned"
EMBASSY_RULE = "attack-on-us-embassy"


# --- a local news site ---------------------------------------------------------------


def rss(slugs: Iterable[str]) -> bytes:
    items = "".join(f"<item><title>{s}</title><link>/a/{s}</link></item>" for s in slugs)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


@dataclass
class Site:
    """What the news server serves; tests change it between cycles."""

    feed: list[str] = field(default_factory=lambda: ["k1"])
    version: int = 1
    page: bytes = ARTICLES["embassy"]
    failing: dict[str, int] = field(default_factory=dict)
    """Article slug -> how many more requests get a 503."""
    requests: list[str] = field(default_factory=list)
    base: str = ""

    def publish(self, slug: str) -> None:
        self.feed.append(slug)
        self.version += 1

    def fetches(self, path: str) -> int:
        return self.requests.count(path)


def site_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def conditional(self, body: bytes, content_type: str) -> None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.reply(304, ETag=etag)
            else:
                self.reply(200, body, ETag=etag, Content_Type=content_type)

        def do_GET(self) -> None:
            site.requests.append(self.path)
            slug = self.path.removeprefix("/a/")
            if self.path == "/feed.xml":
                self.conditional(rss(site.feed), "application/rss+xml")
            elif self.path == "/page.html":
                self.conditional(site.page, "text/html; charset=utf-8")
            elif self.path.startswith("/a/") and site.failing.get(slug, 0) > 0:
                site.failing[slug] -= 1
                self.reply(503)
            elif self.path.startswith("/a/") and slug in ARTICLES:
                self.reply(200, ARTICLES[slug], Content_Type="text/html; charset=utf-8")
            else:
                self.reply(404)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()
    for base in serve(site_handler(state)):
        state.base = base
        yield state


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    for base in serve(receiver_handler(state)):
        state.url = base + "/hook?token=s3cret"
        yield state


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5, follow_redirects=True) as http:
        yield http


@pytest.fixture(scope="module")
def coder() -> LocalRunner:
    """The real coder, shared by the module's tests so that the model loads once."""
    return LocalRunner()


class NoEvents:
    """A runner that marks articles coded without coding anything: no model needed."""

    def map(self, spec: WorkerSpec, batches: Iterable[list[Article]]) -> Iterator[RunResult]:
        for batch in batches:
            yield RunResult(articles=tuple(batch))


class Sleeps(list[float]):
    """An injected sleep that records delays instead of waiting them out."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_watch(
    tmp_path: Path,
    urls: list[str],
    sinks: list[Sink],
    client: httpx.Client,
    runner: Runner,
    **options: Any,
) -> Watch:
    return Watch(
        urls,
        Settings(db=str(tmp_path / "store.duckdb")),
        rules=load_rules(),
        sinks=sinks,
        client=client,
        runner=runner,
        now=lambda: FIXED,
        **options,
    )


def jsonl_rules(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["payload"]["rule"] for line in path.read_text().splitlines()]


def webhook(receiver: Receiver, client: httpx.Client, sleeps: Sleeps, retries: int = 3) -> Sink:
    return WebhookSink(receiver.url, client, retries=retries, backoff=0.25, sleep=sleeps)


# --- end to end, with the model ------------------------------------------------------


@pytest.mark.model
def test_watch_run_delivers_each_new_alert_once_across_polls_and_a_restart(
    site: Site, receiver: Receiver, client: httpx.Client, coder: LocalRunner, tmp_path: Path
) -> None:
    alerts = tmp_path / "alerts.jsonl"
    feed = site.base + "/feed.xml"

    def sinks() -> list[Sink]:
        return [JsonlSink(alerts), webhook(receiver, client, Sleeps())]

    with make_watch(tmp_path, [feed], sinks(), client, coder) as first_watch:
        first = first_watch.cycle()
        assert first.errors == (), f"first cycle reported problems: {first.errors}"
        assert first.new_items == (site.base + "/a/k1",), "first poll should take up the one item"
        assert (first.articles, first.failures) == (1, 0), f"K-1 article not stored: {first}"
        assert first.events >= 1, "the K-1 article coded to no mention"
        assert jsonl_rules(alerts) == [K1_RULE], "first cycle: JSONL should hold the K-1 alert"
        assert receiver.rules() == [K1_RULE], "first cycle: webhook should get the K-1 alert"
        assert len(first.new_alerts) == 1 and first.delivered == {
            sink.name: 1 for sink in first_watch.sinks
        }, f"first cycle: one new alert, delivered once per sink expected: {first.summary()}"

        site.publish("embassy")
        second = first_watch.cycle()
        assert second.new_items == (site.base + "/a/embassy",), (
            f"second poll should take up only the added item, got {second.new_items}"
        )
        assert second.articles == 1, "the embassy article was not stored"
        assert jsonl_rules(alerts) == [K1_RULE, EMBASSY_RULE], (
            "second cycle should append only the new embassy alert to JSONL"
        )
        assert receiver.rules() == [K1_RULE, EMBASSY_RULE], (
            "second cycle should POST only the new embassy alert"
        )

        third = first_watch.cycle()
        assert third.unchanged == 1, "an unchanged feed should cost a 304 (conditional GET)"
        assert (third.new_items, third.articles, third.new_alerts) == ((), 0, ()), (
            f"third cycle, nothing new: nothing should be read or raised: {third.summary()}"
        )
        assert sum(third.delivered.values()) == 0, "third cycle delivered a duplicate"

    # A restarted watch has no ETag, so it reads the whole feed again: state and ledger
    # must still keep it from refetching, recoding or redelivering.
    with make_watch(tmp_path, [feed], sinks(), client, coder) as restarted:
        again = restarted.cycle()
    assert again.unchanged == 0, "a fresh poller cannot send an ETag; the feed should be read"
    assert (again.new_items, again.articles, again.events) == ((), 0, 0), (
        f"after a restart nothing should be recoded: {again.summary()}"
    )
    assert sum(again.delivered.values()) == 0, "after a restart an alert was delivered again"
    assert jsonl_rules(alerts) == [K1_RULE, EMBASSY_RULE], "JSONL holds a duplicate"
    assert receiver.attempts == 2, f"webhook got {receiver.attempts} POSTs, expected 2"
    keys = [headers["Idempotency-Key"] for _, headers in receiver.accepted]
    assert len(set(keys)) == 2 and all(keys), "each POST should carry its alert id once"
    assert site.fetches("/a/k1") == 1 and site.fetches("/a/embassy") == 1, (
        "each article page should be downloaded exactly once"
    )


@pytest.mark.model
def test_watch_run_webhook_503_once_then_ok_is_one_delivery(
    site: Site, receiver: Receiver, client: httpx.Client, coder: LocalRunner, tmp_path: Path
) -> None:
    receiver.fail_first = 1
    sleeps = Sleeps()
    with make_watch(
        tmp_path, [site.base + "/feed.xml"], [webhook(receiver, client, sleeps)], client, coder
    ) as running:
        first = running.cycle()
        second = running.cycle()
    assert first.errors == (), f"a 503 followed by success is no error: {first.errors}"
    assert receiver.attempts == 2, f"expected a 503 then a success, saw {receiver.attempts} POSTs"
    assert receiver.rules() == [K1_RULE], "exactly one successful delivery expected"
    assert sleeps == [0.25], f"one backoff of 0.25 s expected before the retry, got {sleeps}"
    assert sum(second.delivered.values()) == 0, "the delivered alert was sent again"


@pytest.mark.model
def test_watch_run_retries_an_undelivered_alert_on_the_next_cycle(
    site: Site, receiver: Receiver, client: httpx.Client, coder: LocalRunner, tmp_path: Path
) -> None:
    receiver.fail_first = 100
    alerts = tmp_path / "alerts.jsonl"
    sinks = [JsonlSink(alerts), webhook(receiver, client, Sleeps(), retries=1)]
    with make_watch(tmp_path, [site.base + "/feed.xml"], sinks, client, coder) as running:
        down = running.cycle()
        assert receiver.accepted == [] and len(down.new_alerts) == 1, "setup: webhook down"
        assert any("not delivered" in e for e in down.errors), (
            f"a failed webhook delivery should be reported: {down.errors}"
        )
        assert jsonl_rules(alerts) == [K1_RULE], "one failing sink must not hold up the others"
        receiver.fail_first = 0
        up = running.cycle()
    assert up.new_alerts == (), "the alert is not new on the second cycle"
    assert receiver.rules() == [K1_RULE], "the stored alert should reach the webhook once it is up"
    assert jsonl_rules(alerts) == [K1_RULE], "retrying the webhook resent to the JSONL sink"


@pytest.mark.model
def test_watch_cli_once_prints_alert_and_summary(
    site: Site, receiver: Receiver, tmp_path: Path
) -> None:
    watch_list = tmp_path / "feeds.txt"
    watch_list.write_text(f"# test feeds\n{site.base}/feed.xml\n{site.base}/gone.xml\n")
    alerts = tmp_path / "alerts.jsonl"
    db = tmp_path / "cli.duckdb"
    args = [str(watch_list), "--db", str(db), "--once", "--jsonl", str(alerts)]
    result = CliRunner().invoke(watch, [*args, "--webhook", receiver.url])
    assert result.exit_code == 0, f"watch --once failed: {result.output}"
    assert result.stdout.startswith(f"[ALERT] {K1_RULE} 2019-12-27"), (
        f"stdout should hold the alert line: {result.stdout!r}"
    )
    assert "cycle 1: 2 URLs polled (1 failed); 1 new item, 1 article" in result.stderr, (
        f"stderr should hold the cycle summary: {result.stderr!r}"
    )
    assert "gone.xml answered HTTP 404" in result.stderr, "the 404 feed was not reported"
    assert jsonl_rules(alerts) == [K1_RULE] and receiver.rules() == [K1_RULE]
    assert (tmp_path / "cli.duckdb.watch.json").exists(), "state file not next to the store"
    assert (tmp_path / "cli.duckdb.delivered.jsonl").exists(), "ledger not next to the store"

    again = CliRunner().invoke(watch, [*args, "--webhook", receiver.url, "--no-stdout"])
    assert again.exit_code == 0, again.output
    assert again.stdout == "" and receiver.attempts == 1, "a second --once run redelivered"


# --- plumbing, without the model -----------------------------------------------------


def test_watch_run_bad_feed_is_reported_and_the_cycle_goes_on(
    site: Site, client: httpx.Client, tmp_path: Path
) -> None:
    urls = [site.base + "/missing.xml", "http://127.0.0.1:9/closed.xml", site.base + "/feed.xml"]
    with make_watch(tmp_path, urls, [JsonlSink(tmp_path / "a.jsonl")], client, NoEvents()) as w:
        report = w.cycle()
    assert (report.polled, report.unreachable) == (3, 2), f"polls miscounted: {report}"
    assert any("missing.xml answered HTTP 404" in e for e in report.errors), report.errors
    assert any("closed.xml could not be reached" in e for e in report.errors), report.errors
    assert report.new_items == (site.base + "/a/k1",) and report.articles == 1, (
        "the good feed after two bad ones should still be read"
    )


def test_watch_run_retries_an_article_that_failed_to_download(
    site: Site, client: httpx.Client, tmp_path: Path
) -> None:
    site.failing["k1"] = 1
    db = tmp_path / "store.duckdb"
    sinks: list[Sink] = [JsonlSink(tmp_path / "a.jsonl")]
    with make_watch(tmp_path, [site.base + "/feed.xml"], sinks, client, NoEvents()) as w:
        failed = w.cycle()
        assert (failed.articles, failed.failures) == (0, 1), f"503 not recorded: {failed}"
        retried = w.cycle()
        assert retried.unchanged == 1, "setup: the feed itself did not change"
        assert (retried.retried, retried.articles) == (1, 1), (
            f"the failed article should be fetched again next cycle: {retried.summary()}"
        )
        assert w.cycle().retried == 0, "a fetched article stays pending"
    with Store(db, read_only=True) as store:
        assert [f.kind for f in store.failures()] == ["http-error"], "failure not in the store"

    site.publish("never")  # an article that 404s for good is given up after 3 tries
    with make_watch(tmp_path, [site.base + "/feed.xml"], sinks, client, NoEvents()) as w:
        tries = [w.cycle().failures for _ in range(4)]
    assert tries == [1, 1, 1, 0], f"a broken link should be tried 3 times, got {tries}"


def test_watch_run_page_url_is_coded_again_only_when_it_changes(
    site: Site, client: httpx.Client, tmp_path: Path
) -> None:
    page = site.base + "/page.html"
    with make_watch(tmp_path, [page], [JsonlSink(tmp_path / "a.jsonl")], client, NoEvents()) as w:
        first = w.cycle()
        assert first.new_items == (page,) and first.articles == 1, f"page not read: {first}"
        assert w.cycle().unchanged == 1, "an unchanged page should answer 304"
        site.page = ARTICLES["k1"]
        changed = w.cycle()
    assert changed.new_items == (page,) and changed.articles == 1, (
        f"a changed page should be read again: {changed.summary()}"
    )
    with make_watch(tmp_path, [page], [JsonlSink(tmp_path / "a.jsonl")], client, NoEvents()) as w:
        restarted = w.cycle()
    assert restarted.new_items == (), "after a restart an unchanged page was read again"


def test_watch_run_damaged_state_file_is_a_clear_error(
    client: httpx.Client, tmp_path: Path
) -> None:
    (tmp_path / "store.duckdb.watch.json").write_text('{"version": 1, "seen": []}')
    with pytest.raises(WatchStateError, match=r"damaged.*Delete it"):
        make_watch(
            tmp_path, ["http://127.0.0.1:9/f"], [JsonlSink(tmp_path / "a")], client, NoEvents()
        )


def test_watch_run_loop_waits_between_cycles_and_stops(
    site: Site, client: httpx.Client, tmp_path: Path
) -> None:
    ticks = iter([0.0, 2.0, 100.0, 170.0, 200.0])
    sleeps = Sleeps()
    with make_watch(
        tmp_path,
        [site.base + "/missing.xml"],
        [JsonlSink(tmp_path / "a.jsonl")],
        client,
        NoEvents(),
        sleep=sleeps,
        monotonic=lambda: next(ticks),
    ) as w:
        assert len(list(w.run(60, cycles=2))) == 2, "cycles=2 should run two cycles"
        assert sleeps == [58.0], f"the pause should make up the cycle's time: {sleeps}"
        numbers = []
        for report in w.run(60):
            numbers.append(report.number)
            w.stop()
    assert numbers == [3], "stop() should end the loop after the running cycle"


def test_watch_cli_ctrl_c_during_a_cycle_waits_for_it(tmp_path: Path) -> None:
    class Stub:
        busy = True
        stopping = False

        def stop(self) -> None:
            self.stopping = True

    stub = Stub()
    # Not always Python's default: a test run started in the background ignores SIGINT.
    before = signal.getsignal(signal.SIGINT)
    with _deferred_interrupt(stub):  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGINT)
        assert stub.stopping, "Ctrl-C during a cycle should ask the watch to stop after it"
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)  # a second Ctrl-C stops at once
    assert signal.getsignal(signal.SIGINT) is before, "the previous Ctrl-C handler not restored"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("10m", 600), ("1h", 3600), ("1h30m", 5400), (" 2H 5S ", 7205), ("1d", 86400)],
)
def test_watch_run_parse_interval(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds, f"{text!r} should be {seconds} s"


@pytest.mark.parametrize("text", ["", "10", "m", "1m1h", "1.5h", "5 minutes", "0s", "-1m"])
def test_watch_run_parse_interval_refuses(text: str) -> None:
    with pytest.raises(IntervalError, match="Interval"):
        parse_interval(text)


def test_watch_cli_refuses_bad_options(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    cases: list[tuple[list[str], str]] = [
        (["http://x.example/f", "--every", "10"], "add a unit"),
        (["http://x.example/f", "--no-stdout"], "nowhere to deliver"),
        (["http://x.example/f", "--webhook", "ftp://x"], "not an http"),
        (["http://x.example/f", "--once", "--cycles", "3"], "disagree"),
        ([str(tmp_path / "absent.txt")], "does not exist"),
    ]
    for args, message in cases:
        result = CliRunner().invoke(watch, [*args, "--db", db])
        assert result.exit_code != 0 and message in result.output, (
            f"{args}: expected an error with {message!r}, got {result.output!r}"
        )
    assert not (tmp_path / "s.duckdb").exists(), "a refused command should not create a store"


def test_watch_run_needs_urls_and_sinks(client: httpx.Client, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Nothing to watch"):
        make_watch(tmp_path, [], [JsonlSink(tmp_path / "a")], client, NoEvents())
    with pytest.raises(ConfigError, match="No sink"):
        make_watch(tmp_path, ["http://x.example/f"], [], client, NoEvents())


def test_watch_run_skips_a_cycle_while_another_process_holds_the_store(
    site: Site, client: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redline.watch.run as module

    held = {"now": False}

    def store(path: str) -> Store:
        if held["now"]:
            raise StoreError(f"Cannot open store {path}: Could not set lock on file")
        return Store(path)

    monkeypatch.setattr(module, "Store", store)
    sinks: list[Sink] = [JsonlSink(tmp_path / "a.jsonl")]
    with make_watch(tmp_path, [site.base + "/feed.xml"], sinks, client, NoEvents()) as w:
        w.cycle()
        site.publish("embassy")
        held["now"] = True
        skipped = w.cycle()
        assert skipped.polled == 0 and "Skipped this cycle" in skipped.errors[0], (
            f"a locked store should skip the cycle without polling: {skipped}"
        )
        held["now"] = False
        resumed = w.cycle()
    assert resumed.new_items == (site.base + "/a/embassy",), (
        "the item published while the store was held should be read on the next cycle"
    )

    held["now"] = True
    with (
        make_watch(tmp_path, [site.base + "/feed.xml"], sinks, client, NoEvents()) as w,
        pytest.raises(StoreError, match="lock"),
    ):
        w.cycle()  # on the first cycle it is more likely a wrong path: fail loudly
