"""Interop commands of the CLI: export in analysts' formats, compare with other datasets."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from redline.cli_common import _date, _errors, _settings, _table, db_option


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
    type=click.Path(),
    default=None,
    help="File (default: standard output; Parquet needs one), or a folder with --partition.",
)
@click.option("--actor", default=None, help="Actor id on either side, or a sponsor (e.g. IRN).")
@click.option("--type", "event_type", default=None, help="PLOVER event type, e.g. ASSAULT.")
@click.option("--since", callback=_date, default=None, help="First date, YYYY-MM-DD.")
@click.option("--until", callback=_date, default=None, help="Last date, YYYY-MM-DD.")
@click.option("--limit", type=int, default=None, help="Most events written.")
@click.option("--mentions", is_flag=True, help="Export every coded report, not events.")
@click.option(
    "--partition",
    type=click.Choice(["month"]),
    default=None,
    help="Parquet only: --out is a folder of month=YYYY-MM/events.parquet files.",
)
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
    partition: str | None,
) -> None:
    """Write events in a format other tools load (fields: docs/exports.md)."""
    from redline.interop.export import records, write, write_partitioned
    from redline.store import Store

    if partition and (fmt != "parquet" or not out):
        raise click.UsageError("--partition month needs --format parquet and --out FOLDER.")
    if out and not partition and Path(out).is_dir():
        raise click.UsageError(f"--out {out} is a folder; give a file (or --partition month).")
    noun = "reports" if mentions else "events"
    with _errors():
        settings = _settings(ctx, db=db)
        with Store(settings.db, read_only=True) as store:
            found = records(store, actor=actor, event_type=event_type, since=since, until=until,
                            limit=limit, mentions=mentions)  # fmt: skip
            if partition:
                months = write_partitioned(found, out or "")
                click.echo(f"wrote {sum(months.values())} {noun} to {out} in {len(months)} "
                           "month folders (parquet)", err=True)  # fmt: skip
                return
            count = write(found, fmt, out)
    if out:
        click.echo(f"wrote {count} {noun} to {out} ({fmt})", err=True)
    else:
        sys.stdout.flush()


@click.command(name="compare")
@click.argument("other", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["acled", "gdelt", "polecat"]),
    required=True,
    help="What OTHER is: an ACLED CSV export, a GDELT 2.0 events file, a POLECAT file.",
)
@db_option
@click.option(
    "--days",
    type=int,
    default=1,
    show_default=True,
    help="Dates this many days apart still match (widened by our date's precision).",
)
@click.option(
    "--km",
    type=float,
    default=50.0,
    show_default=True,
    help="Places further apart than this do not match (when both have coordinates).",
)
@click.option(
    "--png",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write a chart of matched / ours only / theirs only per week.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write every event of both sides with its status and evidence.",
)
@click.option(
    "--all-dates",
    is_flag=True,
    help="Also count our events outside the dates OTHER covers (as ours only).",
)
@click.option(
    "--show",
    type=int,
    default=5,
    show_default=True,
    help="Unmatched events shown per side, with their evidence.",
)
@click.pass_context
def compare(
    ctx: click.Context,
    other: str,
    fmt: str,
    db: str | None,
    days: int,
    km: float,
    png: str | None,
    csv_path: str | None,
    all_dates: bool,
    show: int,
) -> None:
    """Match the store's events to another dataset's; report overlap, ours only, theirs only."""
    from redline.interop import compare as comparing
    from redline.interop.imports import read
    from redline.store import Store

    with _errors():
        theirs = read(other, fmt)
        settings = _settings(ctx, db=db)
        with Store(settings.db, read_only=True) as store:
            ours = store.incidents()
        result = comparing.compare(
            ours,
            theirs,
            fmt,
            comparing.Settings(days=days, km=km),
            their_dates_only=not all_dates,
        )
        if png:
            comparing.plot(result, png)
        if csv_path:
            comparing.write_csv(result, csv_path)
    total = result.total
    click.echo(
        f"redline {len(result.matches) + len(result.ours_only)} events, {fmt} "
        f"{len(result.matches) + len(result.theirs_only)} events ({fmt} covers: "
        f"{', '.join(sorted(comparing.COVERAGE[fmt]))}); matched {total.both}; "
        f"overlap {total.overlap:.1%} of all distinct events; we have "
        f"{result.recall_of_theirs():.1%} of theirs, they have "
        f"{result.precision_against_theirs():.1%} of ours"
    )
    busiest = sorted(result.dyads, key=lambda r: (-(r.both + r.ours_only + r.theirs_only), r.key))
    for title, rows in (
        ("per week", result.weeks),
        ("per dyad (countries), busiest 20", busiest[:20]),
    ):
        _table(
            title,
            ["", "both", "ours only", "theirs only", "overlap"],
            [[r.key, str(r.both), str(r.ours_only), str(r.theirs_only), f"{r.overlap:.0%}"]
             for r in rows],
        )  # fmt: skip
    for event in result.ours_only[:show]:
        click.echo(f"ours only   {event.date.value} {event.event_type}: {event.quote[:160]}")
    for foreign in result.theirs_only[:show]:
        evidence = foreign.text or foreign.url or f"row {foreign.row}"
        click.echo(f"theirs only {foreign.date} {foreign.event_type}: {evidence[:160]}")
    for path in (png, csv_path):
        if path:
            click.echo(f"wrote {path}")
