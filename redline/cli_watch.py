"""``redline watch``: the command-line shell over ``redline.watch.run.Watch``.

Alerts go to standard output (one line each) so they can be piped; the per-cycle summary
and problems go to standard error. Ctrl-C during a cycle lets the cycle finish, so the
store, the seen links and the ledger agree; a second Ctrl-C stops at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from redline.cli_common import _errors, _rules, _settings, db_option, rules_option

if TYPE_CHECKING:
    from redline.watch.delivery import Sink
    from redline.watch.run import Watch


def _interval(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from redline.watch.run import IntervalError, parse_interval

    try:
        return parse_interval(value)
    except IntervalError as exc:
        raise click.BadParameter(str(exc)) from None


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _urls(sources: tuple[str, ...]) -> list[str]:
    """URLs given directly, and those of watch-list files, in order and each once."""
    from redline.watch.feeds import read_watch_list

    urls: dict[str, None] = {}
    for source in sources:
        if _is_url(source):
            urls[source] = None
        elif "://" in source:
            raise click.BadParameter(
                f"{source!r} is not an http:// or https:// URL.", param_hint="WATCH_LIST_OR_URL"
            )
        else:
            urls.update(dict.fromkeys(read_watch_list(source)))
    return list(urls)


@contextmanager
def _deferred_interrupt(watch: Watch) -> Iterator[None]:
    """Make the first Ctrl-C during a cycle mean "stop after this cycle"."""
    if threading.current_thread() is not threading.main_thread():
        # Signal handlers can only be set from the main thread; plain Ctrl-C then applies.
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if watch.busy and not watch.stopping:
            watch.stop()
            click.echo("Stopping after this cycle (press Ctrl-C again to stop at once).", err=True)
            return
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command(name="watch")
@click.argument("sources", nargs=-1, required=True, metavar="WATCH_LIST_OR_URL...")
@db_option
@click.option(
    "--every",
    default="10m",
    show_default=True,
    callback=_interval,
    help="Pause between the starts of two cycles: 30s, 10m, 1h, 1h30m.",
)
@rules_option
@click.option(
    "--jsonl",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also append each alert to this JSON-lines file.",
)
@click.option("--webhook", default=None, metavar="URL", help="Also POST each alert as JSON here.")
@click.option("--no-stdout", is_flag=True, help="Do not print alerts to standard output.")
@click.option("--once", is_flag=True, help="Run one cycle and exit (for cron).")
@click.option(
    "--cycles", type=click.IntRange(min=1), default=None, help="Run this many cycles, then exit."
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Delivery ledger (default: <db>.delivered.jsonl next to the store).",
)
@click.pass_context
def watch(
    ctx: click.Context,
    sources: tuple[str, ...],
    db: str | None,
    every: int,
    rules_path: str | None,
    jsonl: str | None,
    webhook: str | None,
    no_stdout: bool,
    once: bool,
    cycles: int | None,
    ledger: str | None,
) -> None:
    """Poll feeds and pages, code what is new and deliver new red-line alerts once each.

    Each WATCH_LIST_OR_URL is a feed or page URL, or a text file of them (one per line,
    '#' comments). Alerts are printed to stdout and, with --jsonl and --webhook, appended
    to a file and POSTed to a URL; no sink gets the same alert twice, across restarts
    too. Links already read are remembered in <db>.watch.json.
    """
    import httpx

    from redline.watch.delivery import JsonlLedger, JsonlSink, StdoutSink, WebhookSink
    from redline.watch.run import Watch

    if once and cycles not in (None, 1):
        raise click.UsageError("--once and --cycles disagree; give one of them.")
    if webhook is not None and not _is_url(webhook):
        raise click.BadParameter(
            f"{webhook!r} is not an http:// or https:// URL.", param_hint="--webhook"
        )
    if no_stdout and jsonl is None and webhook is None:
        raise click.UsageError(
            "--no-stdout leaves nowhere to deliver alerts; add --jsonl or --webhook."
        )
    limit = 1 if once else cycles
    with _errors(), ExitStack() as stack:
        settings = _settings(ctx, db=db)
        urls = _urls(sources)
        rules = _rules(ctx, rules_path)
        sinks: list[Sink] = [] if no_stdout else [StdoutSink()]
        if jsonl is not None:
            sinks.append(JsonlSink(jsonl))
        if webhook is not None:
            hook_client = stack.enter_context(httpx.Client(timeout=settings.fetch_timeout))
            sinks.append(WebhookSink(webhook, hook_client))
        running = stack.enter_context(
            Watch(
                urls,
                settings,
                rules=rules,
                sinks=sinks,
                ledger=JsonlLedger(ledger) if ledger is not None else None,
            )
        )
        click.echo(
            f"Watching {len(urls)} URL(s) every {every} s with {len(rules)} rules; "
            f"store {settings.db}.",
            err=True,
        )
        stack.enter_context(_deferred_interrupt(running))
        try:
            for report in running.run(every, cycles=limit):
                click.echo(f"{report.started_at:%Y-%m-%d %H:%M:%S%z} {report.summary()}", err=True)
                for problem in report.errors:
                    click.echo(f"  {problem}", err=True)
        except KeyboardInterrupt:
            click.echo("Stopped; rerun the same command to go on where it left off.", err=True)
            return
        if running.stopping:
            click.echo("Stopped after the cycle.", err=True)
