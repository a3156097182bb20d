"""``redline report``: one self-contained HTML page on a dyad, to read offline, print or send."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import click

from redline.cli_common import _date, _errors, _read_store, _rules, db_option, rules_option


def write_atomic(path: Path, text: str) -> int:
    """Write ``text`` to ``path`` through a temporary file and a rename; the bytes written.

    A reader (a web server, a mail job) never sees half a page, and a failed run leaves the
    previous report in place.
    """
    data = text.encode("utf-8")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private; a report is meant to be shared like any output.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return len(data)


@click.command()
@click.argument("a")
@click.argument("b")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="HTML file to write (replaced whole, never half-written).",
)
@db_option
@rules_option
@click.option(
    "--freq",
    type=click.Choice(["D", "W", "M", "Q", "Y"]),
    default="W",
    show_default=True,
    help="Period of the chart and the change points: day, week, month, quarter, year.",
)
@click.option(
    "--rollup/--no-rollup",
    default=True,
    show_default=True,
    help="Read each side with its proxies and agencies (Kata'ib Hezbollah as IRN).",
)
@click.option("--since", callback=_date, default=None, help="First date, YYYY-MM-DD.")
@click.option("--until", callback=_date, default=None, help="Last date, YYYY-MM-DD.")
@click.option(
    "--top", type=click.IntRange(min=0), default=10, show_default=True, help="Top events listed."
)
@click.pass_context
def report(
    ctx: click.Context,
    a: str,
    b: str,
    out: str,
    db: str | None,
    rules_path: str | None,
    freq: str,
    rollup: bool,
    since: date | None,
    until: date | None,
    top: int,
) -> None:
    """Write one HTML page on the dyad A–B: timeline, ladder, alerts with evidence, top events.

    The page works offline and prints well: no scripts, fonts or links to load; only the
    articles behind the evidence are linked. Nothing is written to the store.
    """
    from redline.analyze.report import build_report

    with _errors():
        rules = _rules(ctx, rules_path)

    def build(store: Any) -> str:
        return build_report(
            store, a, b, rollup=rollup, freq=freq, rules=rules, since=since, until=until, top=top
        )

    page: str = _read_store(ctx, db, build)
    path = Path(out)
    try:
        size = write_atomic(path, page)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {path}: {exc.strerror or exc}") from None
    click.echo(f"wrote {path} ({size:,} bytes)")
