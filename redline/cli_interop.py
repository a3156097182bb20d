"""Interop commands of the CLI: export in analysts' formats, compare with other datasets."""

from __future__ import annotations

import sys
from datetime import date

import click

from redline.cli_common import _date, _errors, _settings, db_option


@click.command(name="export")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plover-jsonl", "csv", "parquet", "gdelt", "acled"]),
    required=True,
    help="plover-jsonl, csv (flat), parquet (typed), gdelt (GDELT 2.0 table), acled (ACLED CSV).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write (default: standard output; Parquet needs a file).",
)
@click.option("--actor", default=None, help="Actor id on either side, or a sponsor (e.g. IRN).")
@click.option("--type", "event_type", default=None, help="PLOVER event type, e.g. ASSAULT.")
@click.option("--since", callback=_date, default=None, help="First date, YYYY-MM-DD.")
@click.option("--until", callback=_date, default=None, help="Last date, YYYY-MM-DD.")
@click.option("--limit", type=int, default=None, help="Most events written.")
@click.option("--mentions", is_flag=True, help="Export every coded report, not events.")
@click.pass_context
def export(
    ctx: click.Context,
    db: str | None,
    fmt: str,
    out: str | None,
    actor: str | None,
    event_type: str | None,
    since: date | None,
    until: date | None,
    limit: int | None,
    mentions: bool,
) -> None:
    """Write events in a format other tools load (fields: docs/exports.md)."""
    from redline.interop.export import records, write
    from redline.store import Store

    with _errors():
        settings = _settings(ctx, db=db)
        with Store(settings.db, read_only=True) as store:
            count = write(
                records(
                    store,
                    actor=actor,
                    event_type=event_type,
                    since=since,
                    until=until,
                    limit=limit,
                    mentions=mentions,
                ),
                fmt,
                out,
            )
    if out:
        noun = "reports" if mentions else "events"
        click.echo(f"wrote {count} {noun} to {out} ({fmt})", err=True)
    else:
        sys.stdout.flush()
