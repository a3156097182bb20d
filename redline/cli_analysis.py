"""Analysis commands of the CLI: timeline, escalation, alerts, reaction, report, watch.

Thin shells over ``redline.analyze`` and ``redline.watch``; registered on the main group by
``redline.cli``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from redline.cli_common import (
    _date,
    _errors,
    _read_store,
    _rules,
    _settings,
    _table,
    db_option,
    rules_option,
)

rollup_on = click.option(
    "--rollup/--no-rollup",
    default=True,
    show_default=True,
    help="Read each side with its proxies and agencies (Kata'ib Hezbollah as IRN).",
)


@click.command()
@click.argument("a")
@click.argument("b", required=False)
@db_option
@click.option(
    "--freq",
    type=click.Choice(["D", "W", "M", "Q", "Y"]),
    default="W",
    show_default=True,
    help="Period: day, week (from Monday), month, quarter, year.",
)
@click.option("--rollup", is_flag=True, help="Count proxies and agencies under their state.")
@click.option(
    "--by",
    type=click.Choice(["type", "mode"]),
    default=None,
    help="Split each period by event type (or type and mode).",
)
@click.option("--since", callback=_date, default=None, help="First date, YYYY-MM-DD.")
@click.option("--until", callback=_date, default=None, help="Last date, YYYY-MM-DD.")
@click.option("--mentions", is_flag=True, help="Count every report, not events.")
@click.option("--png", type=click.Path(dir_okay=False), default=None, help="Write a chart.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write every period as a CSV row.",
)
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def timeline(
    ctx: click.Context,
    a: str,
    b: str | None,
    db: str | None,
    freq: str,
    rollup: bool,
    by: str | None,
    since: date | None,
    until: date | None,
    mentions: bool,
    png: str | None,
    csv_path: str | None,
    output: str,
) -> None:
    """Events and hostility between A and B (or involving A) per period, by direction."""
    from dataclasses import asdict

    from redline.analyze.timeline import timeline as build

    line = _read_store(
        ctx,
        db,
        lambda store: build(
            store,
            a,
            b,
            freq=freq,
            rollup=rollup,
            by=by,
            since=since,
            until=until,
            mentions=mentions,
        ),
    )
    with _errors():
        if png:
            line.plot(png)
        if csv_path:
            line.write_csv(csv_path)
    if output == "json":
        for bucket in line.buckets:
            row = asdict(bucket)
            row["period"] = bucket.period.isoformat()
            row["direction"] = line.label(bucket.direction)
            click.echo(json.dumps(row))
        return
    if not line.buckets:
        click.echo(f"No events between {line.label('both')} (realis asserted/claimed/reported).")
        return
    rows = [
        [
            bucket.period.isoformat(),
            line.label(bucket.direction),
            *([bucket.event_type or "", bucket.mode or ""] if by else []),
            str(bucket.events),
            str(bucket.hostile),
            f"{bucket.hostility_sum:.1f}",
            f"{bucket.hostility_max:.1f}",
            str(bucket.fatalities),
        ]
        for bucket in sorted(line.buckets, key=lambda x: (x.period, x.direction))
    ]
    columns = [
        "period",
        "direction",
        *(["type", "mode"] if by else []),
        "events",
        "hostile",
        "hostility",
        "max",
        "dead",
    ]
    scope = "roll-up" if rollup else "group level"
    _table(
        f"{line.label('both')}: {line.total()} {'reports' if mentions else 'events'} ({scope})",
        columns,
        rows,
    )
    for path in (png, csv_path):
        if path:
            click.echo(f"wrote {path}")


@click.command()
@click.argument("a")
@click.argument("b")
@db_option
@rollup_on
@click.option(
    "--freq",
    type=click.Choice(["D", "W", "M"]),
    default="W",
    show_default=True,
    help="Period of the hostility series the change points are found in.",
)
@click.option(
    "--as-of",
    "as_of",
    callback=_date,
    default=None,
    help="Date the current rung is read at (default: the latest event).",
)
@click.option(
    "--window-days",
    type=int,
    default=30,
    show_default=True,
    help="The current rung is the highest in this many days up to --as-of.",
)
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def escalation(
    ctx: click.Context,
    a: str,
    b: str,
    db: str | None,
    rollup: bool,
    freq: str,
    as_of: date | None,
    window_days: int,
    output: str,
) -> None:
    """Where the dyad A–B stands on the escalation ladder, how it got there, and shifts."""
    from dataclasses import asdict

    from redline.analyze.escalation import escalation as build

    ladder = _read_store(
        ctx,
        db,
        lambda store: build(
            store, a, b, rollup=rollup, freq=freq, as_of=as_of, window_days=window_days
        ),
    )
    if output == "json":
        data = asdict(ladder)
        data["current_name"] = ladder.current_name
        click.echo(json.dumps(data, default=str))
        return
    if not ladder.steps:
        click.echo(f"No hostile events between {a} and {b}.")
        return
    click.echo(
        f"{a} <-> {b}: rung {ladder.current} ({ladder.current_name}) in the {window_days} days "
        f"to {ladder.as_of}; highest ever {ladder.peak()}; {len(ladder.steps)} hostile events"
    )
    arrows = {"A->B": f"{a} -> {b}", "B->A": f"{b} -> {a}"}
    _table(
        "climbs: events that reached a new rung",
        ["date", "direction", "rung", "event"],
        [
            [s.date.isoformat(), arrows[s.direction], f"{s.rung} {s.name}", s.summary]
            for s in ladder.climbs
        ],
    )
    if not ladder.shifts:
        click.echo("No change points in the hostility series.")
        return
    _table(
        f"change points (hostility per {freq})",
        ["from", "shift", "events that opened it"],
        [
            [
                s.start.isoformat(),
                f"{s.direction} {s.before:.1f} -> {s.after:.1f}",
                "\n".join(f"{e.date} {e.summary} [{e.name}]" for e in s.events) or "(quieter)",
            ]
            for s in ladder.shifts
        ],
    )


def _print_alerts(payloads: list[dict[str, Any]], output: str, *, quotes: int = 2) -> None:
    if output == "jsonl":
        for payload in payloads:
            click.echo(json.dumps(payload, ensure_ascii=False))
        return
    for payload in payloads:
        click.echo(f"[{payload['severity'].upper()}] {payload['date']} {payload['summary']}")
        for proof in payload["evidence"]:
            click.echo(f"    event {proof['incident']} ({proof['sources']} independent sources)")
            for report in proof["reports"][:quotes]:
                where = report["url"] or report["title"] or report["article_id"]
                click.echo(f'      "{report["quote"]}" ({report["realis"]}; {where})')
            if len(proof["reports"]) > quotes:
                click.echo(f"      ... and {len(proof['reports']) - quotes} more reports")


@click.command()
@db_option
@rules_option
@click.option(
    "--list", "list_only", is_flag=True, help="Show the stored alerts without evaluating the rules."
)
@click.option("--dry-run", is_flag=True, help="Evaluate and show, but store nothing.")
@click.option(
    "--format", "output", type=click.Choice(["text", "jsonl"]), default="text", show_default=True
)
@click.pass_context
def alerts(
    ctx: click.Context,
    db: str | None,
    rules_path: str | None,
    list_only: bool,
    dry_run: bool,
    output: str,
) -> None:
    """Evaluate the red-line rules over the store; store and show the alerts that are new."""
    from redline.analyze.alerts import check, listed, proofs, unstored
    from redline.analyze.rules import evaluate
    from redline.store import Store

    if list_only:
        found = _read_store(ctx, db, listed)
        if not found and output == "text":
            click.echo("No alerts stored; run `redline alerts` to evaluate the rules.")
        _print_alerts(found, output)
        return
    with _errors():
        rules = _rules(ctx, rules_path)
        settings = _settings(ctx, db=db)
        if dry_run:
            with Store(settings.db, read_only=True) as store:
                incidents = {i.id: i for i in store.incidents()}
                raised = evaluate(rules, incidents.values())
                payloads = [
                    unstored(a, proofs(store, [incidents[i] for i in a.incidents])) for a in raised
                ]
            _print_alerts(payloads, output)
            if output == "text":
                click.echo(f"{len(payloads)} alerts (dry run: nothing stored)")
            return
        with Store(settings.db) as store:
            result = check(store, rules)
    _print_alerts([f.payload() for f in result.new], output)
    if output == "text":
        click.echo(
            f"{len(result.new)} new alerts ({result.fired} raised by {len(rules)} rules, "
            f"{result.fired - len(result.new)} of them stored before)"
        )


@click.command()
@click.argument("a")
@click.argument("b")
@db_option
@rollup_on
@click.option(
    "--window-days",
    type=int,
    default=14,
    show_default=True,
    help="A response answers a trigger at most this many days old; rates are "
    "compared over this many days before and after it.",
)
@click.option("--since", callback=_date, default=None, help="First response date, YYYY-MM-DD.")
@click.option("--until", callback=_date, default=None, help="Last response date, YYYY-MM-DD.")
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def reaction(
    ctx: click.Context,
    a: str,
    b: str,
    db: str | None,
    rollup: bool,
    window_days: int,
    since: date | None,
    until: date | None,
    output: str,
) -> None:
    """Action and reaction between A and B: who answered what, how hard, and what followed."""
    from redline.analyze.reaction import load

    def run(store: Any) -> Any:
        return load(store, a, b, rollup=rollup, since=since, until=until, window_days=window_days)

    with _errors():
        reactions, summaries = _read_store(ctx, db, run)
    if output == "json":
        for r in reactions:
            click.echo(
                json.dumps(
                    {
                        "responder": r.responder,
                        "other": r.other,
                        "trigger": r.trigger.id,
                        "trigger_date": r.trigger.date.value.isoformat(),
                        "response": r.response.id,
                        "response_date": r.response.date.value.isoformat(),
                        "lag_days": r.lag_days,
                        "cue": r.cue,
                        "intensity_ratio": r.intensity_ratio,
                        "casualty_ratio": r.casualty_ratio,
                        "before_rate": r.before_rate,
                        "after_rate": r.after_rate,
                        "verdict": r.verdict,
                    }
                )
            )
        return
    if not reactions:
        click.echo(f"No responses found between {a} and {b} within {window_days} days.")
        return
    _table(
        f"responses ({window_days}-day window; rates are the other side's hostile events/day)",
        [
            "response",
            "by",
            "answers",
            "lag",
            "cue",
            "intensity x",
            "deaths x",
            "rate before",
            "after",
            "verdict",
        ],
        [
            [
                f"{r.response.date.value} {r.response.quote[:70]}",
                r.responder,
                f"{r.trigger.date.value} {r.trigger.quote[:70]}",
                f"{r.lag_days}d",
                r.cue or "",
                f"{r.intensity_ratio:.2f}",
                "" if r.casualty_ratio is None else f"{r.casualty_ratio:.2f}",
                f"{r.before_rate:.2f}",
                f"{r.after_rate:.2f}",
                r.verdict,
            ]
            for r in reactions
        ],
    )
    for d in summaries:
        if not d.reactions:
            continue
        lag = "" if d.median_lag is None else f"median lag {d.median_lag:g} days, "
        ratio = (
            ""
            if d.mean_intensity_ratio is None
            else (f"mean intensity ratio {d.mean_intensity_ratio:.2f}, ")
        )
        click.echo(
            f"{d.responder} answering {d.other}: {len(d.reactions)} responses, {lag}{ratio}"
            f"deterred {d.deterred}, provoked {d.provoked}, no change {d.unchanged}"
        )


def register(group: click.Group) -> None:
    """Add the analysis commands to the ``redline`` group."""
    from redline.cli_interop import compare, export
    from redline.cli_report import report
    from redline.cli_serve import serve
    from redline.cli_watch import watch

    for command in (timeline, escalation, alerts, reaction, report, watch, export, compare, serve):
        group.add_command(command)
