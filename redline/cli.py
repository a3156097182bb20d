"""The ``redline`` command line: a thin shell over ``Pipeline`` and ``Store``.

Each command parses options, calls one library function and formats its result. Library
errors become one clear sentence and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from redline import __version__
from redline.cli_common import _date, _errors, _read_store, _settings, db_option

log = logging.getLogger("redline")


actors_option = click.option(
    "--actors",
    "actors",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra actor CSV (actors.csv format) that extends or overrides the built-in one.",
)

workers_option = click.option(
    "--workers",
    type=int,
    default=None,
    help="Processes that code in parallel, one model each (default: setting 'workers', 1).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="redline")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="A redline.toml settings file.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
def cli(config: str | None, verbose: bool) -> None:
    """Turn news text into coded political-conflict events, with their evidence."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


class _Bar:
    """A rich progress bar on stderr with one task per pipeline phase."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, phase: str, advance: int, total: int | None) -> None:
        labels = {"read": "reading  ", "code": "coding   "}
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(labels.get(phase, phase), total=total)
        task = self.tasks[phase]
        if total is not None:
            self.progress.update(task, total=total)
        self.progress.advance(task, advance)


def _summary(summary: Any) -> str:
    text = f"{summary.articles} articles, {summary.events} mentions"
    if summary.incidents:
        text += f" (store: {summary.incidents} events)"
    text += f", {summary.failures} failures"
    if summary.skipped:
        text += f" ({summary.skipped} articles already stored)"
    if summary.failures:
        text += " — see `redline failures`"
    return text


def _run_with_bar(action: Callable[[Any], Any]) -> Any:
    bar = _Bar()
    with bar.progress:
        return action(bar)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--batch-size", type=int, default=None, help="Articles per batch and transaction.")
@workers_option
@actors_option
@click.option(
    "--out",
    default=None,
    metavar="parquet:DIR",
    help="Also write the store's events as Parquet partitioned by month into DIR.",
)
@click.option(
    "--runner",
    "runner_name",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where batches are coded: local processes, or Ray actors (pip install 'redline[ray]').",
)
@click.option(
    "--address",
    default=None,
    help="With --runner ray: an existing Ray cluster (ray://host:10001 or auto); "
    "default starts a local one.",
)
@click.pass_context
def run(
    ctx: click.Context,
    sources: tuple[str, ...],
    db: str | None,
    batch_size: int | None,
    workers: int | None,
    actors: tuple[str, ...],
    out: str | None,
    runner_name: str,
    address: str | None,
) -> None:
    """Read SOURCES (files, folders, URLs; .jsonl.gz archives are streamed), code them and
    store the events. A rerun skips what is already coded."""
    from redline.pipeline import Pipeline
    from redline.store import Store

    if out is not None and not out.startswith("parquet:"):
        raise click.BadParameter("expected parquet:DIR", param_hint="--out")
    with _errors():
        settings = _settings(
            ctx, db=db, batch_size=batch_size, workers=workers, actors=",".join(actors) or None
        )
        pipeline = Pipeline(settings)
        runner: Any = None
        if runner_name == "ray":
            from redline.scale.ray import RayRunner, require

            require()  # one sentence on how to install Ray, before anything is read
            runner = RayRunner(workers=settings.workers if workers else 2, address=address)
        elif address:
            raise click.BadParameter("--address needs --runner ray", param_hint="--address")
        with Store(settings.db) as store:
            summary = _run_with_bar(
                lambda bar: pipeline.run(sources, store, runner=runner, progress=bar)
            )
            if out is not None:
                from redline.interop.export import records, write_partitioned

                months = write_partitioned(records(store), out.removeprefix("parquet:"))
    click.echo(_summary(summary))
    if out is not None:
        click.echo(
            f"wrote {sum(months.values())} events to {out.removeprefix('parquet:')} "
            f"({len(months)} months)"
        )


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.pass_context
def ingest(ctx: click.Context, sources: tuple[str, ...], db: str | None) -> None:
    """Read and clean SOURCES into the store without coding them."""
    from redline.pipeline import Pipeline
    from redline.store import Store

    with _errors():
        settings = _settings(ctx, db=db)
        with Store(settings.db) as store:
            summary = _run_with_bar(
                lambda bar: Pipeline(settings).ingest(sources, store, progress=bar)
            )
    click.echo(_summary(summary))


@cli.command()
@db_option
@workers_option
@actors_option
@click.pass_context
def code(ctx: click.Context, db: str | None, workers: int | None, actors: tuple[str, ...]) -> None:
    """Code every stored article the current coder has not coded yet."""
    from redline.pipeline import Pipeline
    from redline.store import Store

    with _errors():
        settings = _settings(ctx, db=db, workers=workers, actors=",".join(actors) or None)
        with Store(settings.db) as store:
            summary = _run_with_bar(lambda bar: Pipeline(settings).code(store, progress=bar))
    click.echo(_summary(summary))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _actor_names(actors: list[dict[str, Any]]) -> str:
    return (
        "; ".join(a["name"] + (f" ({a['sector']})" if a.get("sector") else "") for a in actors)
        or "—"
    )


@cli.command()
@db_option
@click.option("--actor", default=None, help="Actor id on either side, or a sponsor (e.g. IRN).")
@click.option("--type", "event_type", default=None, help="PLOVER event type, e.g. ASSAULT.")
@click.option("--since", callback=_date, default=None, help="First date, YYYY-MM-DD.")
@click.option("--until", callback=_date, default=None, help="Last date, YYYY-MM-DD.")
@click.option("--limit", type=int, default=None, help="Most events shown.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default="table",
    show_default=True,
)
@click.option("--mentions", is_flag=True, help="Show the reports behind each event, and why.")
@click.option("--raw", is_flag=True, help="List every coded report (mention), not events.")
@click.pass_context
def events(
    ctx: click.Context,
    db: str | None,
    actor: str | None,
    event_type: str | None,
    since: date | None,
    until: date | None,
    limit: int | None,
    output: str,
    mentions: bool,
    raw: bool,
) -> None:
    """List events (reports of one real-world event merged), with their evidence."""
    from redline.store.codec import event_to_dict

    if not raw:
        _incidents(ctx, db, actor, event_type, since, until, limit, output, mentions)
        return
    found = _read_store(
        ctx,
        db,
        lambda store: store.events(
            actor=actor, event_type=event_type, since=since, until=until, limit=limit
        ),
    )
    rows = [event_to_dict(e) for e in found]
    if _emit(rows, output, _MENTION_COLUMNS, _mention_csv):
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} events", show_lines=False)
    for column in ("date", "type", "realis", "source", "target", "dead", "quote"):
        table.add_column(column, overflow="fold")
    for row in rows:
        kind = row["event_type"] + (f":{row['mode']}" if row["mode"] else "")
        table.add_row(
            row["date"],
            kind,
            row["realis"],
            _actor_names(row["source"]),
            _actor_names(row["target"]),
            "" if row["fatalities"] is None else str(row["fatalities"]),
            _shorten(row["evidence"]["quote"], 200),
        )
    Console(width=None if sys.stdout.isatty() else 160).print(table)


_MENTION_COLUMNS = ["id", "date", "event_type", "mode", "realis", "source", "target"]
_MENTION_COLUMNS += ["fatalities", "article_id", "sentence", "start", "end", "quote", "coder"]
_EVENT_COLUMNS = ["id", "date", "event_type", "mode", "realis", "source", "target", "place"]
_EVENT_COLUMNS += ["country", "dead_low", "dead_best", "dead_high", "mentions", "articles"]
_EVENT_COLUMNS += ["sources", "first_reported", "quote"]


def _ids(actors: list[dict[str, Any]]) -> str:
    return "|".join(a["id"] for a in actors)


def _mention_csv(row: dict[str, Any]) -> list[Any]:
    evidence = row["evidence"]
    return [
        row["id"],
        row["date"],
        row["event_type"],
        row["mode"] or "",
        row["realis"],
        _ids(row["source"]),
        _ids(row["target"]),
        "" if row["fatalities"] is None else row["fatalities"],
        evidence["article_id"],
        evidence["sentence"],
        evidence["start"],
        evidence["end"],
        evidence["quote"],
        row["coder"],
    ]


def _event_csv(row: dict[str, Any]) -> list[Any]:
    dead = row["fatalities"] or {}
    place = row["location"] or {}
    return [
        row["id"],
        row["date"],
        row["event_type"],
        row["mode"] or "",
        row["realis"],
        _ids(row["source"]),
        _ids(row["target"]),
        place.get("name") or "",
        place.get("country") or "",
        dead.get("low", ""),
        dead.get("best", ""),
        dead.get("high", ""),
        row["mentions"],
        row["articles"],
        row["sources"],
        row["first_reported"] or "",
        row["quote"],
    ]


def _emit(
    rows: list[dict[str, Any]],
    output: str,
    columns: list[str],
    to_csv: Callable[[dict[str, Any]], list[Any]],
) -> bool:
    """Print rows as JSON lines, a JSON array or CSV; False when a table is wanted instead."""
    if output == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(to_csv(row) for row in rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        return False
    return True


def _incidents(
    ctx: click.Context,
    db: str | None,
    actor: str | None,
    event_type: str | None,
    since: date | None,
    until: date | None,
    limit: int | None,
    output: str,
    mentions: bool,
) -> None:
    from redline.store.codec import event_to_dict
    from redline.store.incidents import to_dict

    def read(store: Any) -> list[dict[str, Any]]:
        found = store.incidents(
            actor=actor,
            event_type=event_type,
            since=since,
            until=until,
            limit=limit,
            with_links=mentions,
        )
        rows = [to_dict(i) for i in found]
        if mentions:
            wanted = {m for i in found for m in i.mentions}
            reports = {e.id: event_to_dict(e) for e in store.mentions(wanted)}
            for row, incident in zip(rows, found, strict=True):
                row["reports"] = [
                    {**reports[link.mention], "why": link.reason}
                    for link in incident.links
                    if link.mention in reports
                ]
        return rows

    rows = _read_store(ctx, db, read)
    if _emit(rows, output, _EVENT_COLUMNS, _event_csv):
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} events", show_lines=mentions)
    for column in ("date", "type", "realis", "source", "target", "place", "dead", "reports"):
        table.add_column(column, overflow="fold")
    table.add_column("first report" if not mentions else "reports and why", overflow="fold")
    for row in rows:
        kind = row["event_type"] + (f":{row['mode']}" if row["mode"] else "")
        dead = row["fatalities"]
        toll = ""
        if dead:
            toll = str(dead["best"])
            if dead["low"] != dead["high"]:
                toll += f" ({dead['low']}-{dead['high']})"
        if mentions:
            evidence = "\n".join(
                f"- {_shorten(r['evidence']['quote'], 160)} [{r['evidence']['article_id'][:8]}; "
                f"{r['why']}]"
                for r in row.get("reports", [])
            )
        else:
            evidence = _shorten(row["quote"], 200)
        table.add_row(
            row["date"],
            kind,
            row["realis"],
            _actor_names(row["source"]),
            _actor_names(row["target"]),
            (row["location"] or {}).get("name") or "",
            toll,
            f"{row['mentions']}/{row['articles']}/{row['sources']}",
            evidence,
        )
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    click.echo("reports = mentions/articles/independent sources")


@cli.command()
@db_option
@click.option("--rebuild", is_flag=True, help="Recompute every event from its mentions.")
@click.option("--radius-km", type=float, default=None, help="Precise places further apart differ.")
@click.option(
    "--slack-days", type=int, default=None, help="Day-precise dates this far apart agree."
)
@click.pass_context
def consolidate(
    ctx: click.Context,
    db: str | None,
    rebuild: bool,
    radius_km: float | None,
    slack_days: int | None,
) -> None:
    """Merge the reports of one real-world event into one event (runs after every coding)."""
    from redline.consolidate.update import consolidate as run_consolidation
    from redline.consolidate.update import rules_from
    from redline.store import Store

    with _errors():
        settings = _settings(ctx, db=db, merge_radius_km=radius_km, merge_slack_days=slack_days)
        with Store(settings.db) as store:
            report = run_consolidation(store, rules_from(settings), rebuild=rebuild)
    click.echo(
        f"{report.mentions} mentions grouped ({report.regrouped} regrouped with their "
        f"neighbours); events {report.events_before} -> {report.events_after}"
    )


@cli.command()
@db_option
@click.option("--format", "output", type=click.Choice(["table", "jsonl"]), default="table")
@click.pass_context
def failures(ctx: click.Context, db: str | None, output: str) -> None:
    """List the items that could not be read or coded, and why."""
    from redline.store.codec import failure_to_dict

    found = _read_store(ctx, db, lambda store: store.failures())
    if output == "jsonl":
        for failure in found:
            click.echo(json.dumps(failure_to_dict(failure), ensure_ascii=False))
        return
    if not found:
        click.echo("No failures.")
        return
    for failure in found:
        click.echo(f"{failure.kind:<18} {failure.item}\n{'':<18} {failure.message}")


@cli.command()
@db_option
@click.option("--limit", type=int, default=20, show_default=True, help="Most dyads shown.")
@click.option("--rollup", is_flag=True, help="Count proxies under their sponsor state (KH as IRN).")
@click.option("--mentions", is_flag=True, help="Count every report, not events.")
@click.pass_context
def dyads(ctx: click.Context, db: str | None, limit: int, rollup: bool, mentions: bool) -> None:
    """Count events per directed actor pair (source -> target)."""
    counts = _read_store(ctx, db, lambda store: store.dyad_counts(rollup=rollup, mentions=mentions))
    if not counts:
        click.echo("No dyads: no event has both a source and a target.")
        return
    width = max(len(f"{s} -> {t}") for s, t, _ in counts[:limit])
    for source, target, count in counts[:limit]:
        click.echo(f"{f'{source} -> {target}':<{width}}  {count}")


@cli.group(invoke_without_command=True)
@click.option("--search", "query", default="", help="Part of an id, name or alias.")
@actors_option
@click.pass_context
def actors(ctx: click.Context, query: str, actors: tuple[str, ...]) -> None:
    """List or search the actor knowledge base; see also `actors show ID`."""
    ctx.obj = actors
    if ctx.invoked_subcommand is not None:
        return
    from redline.coding.actors import ActorDictionary

    with _errors():
        kb = ActorDictionary.builtin(actors)
    found = kb.search(query)
    for entry in found:
        where = entry.country or "—"
        click.echo(
            f"{entry.id:<34} {entry.name:<40} {where:<4} {entry.sector or '—':<4} {entry.type}"
        )
    click.echo(f"{len(found)} actors")


@actors.command(name="show")
@click.argument("actor_id")
@click.pass_context
def actors_show(ctx: click.Context, actor_id: str) -> None:
    """Print one actor's aliases, dated roles, affiliations and designations."""
    from redline.coding.actors import ActorDictionary

    with _errors():
        kb = ActorDictionary.builtin(ctx.obj or ())
        rows = kb.entries(actor_id)
        if not rows:
            close = [e.id for e in kb.search(actor_id)][:5]
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise click.ClickException(f"No actor with id '{actor_id}'.{hint}")
    first = rows[0]
    click.echo(f"{first.id}: {first.name} ({first.type}, country {first.country or '—'})")
    click.echo(f"  aliases: {'; '.join(kb.aliases_of(actor_id))}")
    for row in rows:
        span = f"{row.valid_from or '…'} to {row.valid_to or '…'}"
        click.echo(f"  role: sector {row.sector or '—'}, {span} ({row.origin})")
    for edge in kb.affiliations_of(actor_id):
        span = f"{edge.valid_from or '…'} to {edge.valid_to or '…'}"
        click.echo(
            f"  {edge.relation} -> {edge.parent}, {span}, confidence {edge.confidence}: {edge.note}"
        )
    for parent in first.sponsors:
        click.echo(f"  parent -> {parent} ({first.origin})")
    click.echo(f"  rolls up to: {kb.rollup(actor_id)}")
    for listing in kb.designations_of(actor_id):
        span = f"{listing.valid_from or '…'} to {listing.valid_to or '…'}"
        click.echo(f"  designated by {listing.authority}: {listing.designation}, {span}")


@actors.command(name="import")
@click.argument("dictionary", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
def actors_import(dictionary: str, out: str) -> None:
    """Convert a Phoenix/PETRARCH .actors.txt DICTIONARY to redline's actors CSV format."""
    from pathlib import Path

    from redline.coding.phoenix import write_csv

    problems: list[str] = []
    with _errors():
        count = write_csv(Path(dictionary), Path(out), problems)
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(f"{count} actor rows written to {out} (use it with --actors {out})")


@cli.command(name="eval")
@click.argument(
    "dataset",
    type=click.Choice(
        ["plover-gsr", "acled-sample", "case2021-task2", "conflibert-cameo", "petrarch-validation"]
    ),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def evaluate_command(ctx: click.Context, dataset: str, file: str, as_json: bool) -> None:
    """Score the coder on FILE, a JSONL file in the format of DATASET's labelled data."""
    from redline.evaluate import evaluate

    with _errors():
        settings = _settings(ctx)
        report = evaluate(dataset, file, model=settings.spacy_model)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(f"{dataset}: {report['items']} items scored from {file}")
    for key, value in report.items():
        if isinstance(value, float):
            click.echo(f"  {key:<28} {value:.3f}")
    _print_classes(report.get("per_class") or {})


def _print_classes(per_class: dict[str, Any], indent: str = "  ") -> None:
    for name, scores in per_class.items():
        if "f1" not in scores:
            click.echo(f"{indent}{name}:")
            _print_classes(scores, indent + "  ")
            continue
        click.echo(
            f"{indent}{name:<40} P {scores['precision']:.2f}  R {scores['recall']:.2f}  "
            f"F1 {scores['f1']:.2f}  n={scores['support']}"
        )


@cli.command(name="train")
@click.argument(
    "model", type=click.Choice(["acled-sub-event", "case2021", "pentaclass", "plover-type"])
)
@click.option(
    "--data",
    "data",
    type=click.Path(exists=True, file_okay=False),
    required=True,
    help="Folder of labelled sets (plover-gsr/, acled-sample/, ...).",
)
@click.option("--folds", type=int, default=5, show_default=True, help="Cross-validation folds.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Model file to write (default: the package's data/models/MODEL.npz).",
)
def train_command(model: str, data: str, folds: int, out: str | None) -> None:
    """Train a shipped text classifier, print its cross-validated scores, save it."""
    from pathlib import Path

    from redline.coding.train import train

    with _errors():
        trained = train(model, data, folds=folds)
        target = Path(out) if out else Path(__file__).parent / "data" / "models" / f"{model}.npz"
        target.parent.mkdir(parents=True, exist_ok=True)
        trained.save(target)
    validation = trained.meta.get("cross_validation")
    if validation:
        click.echo(
            f"{model}: {validation['folds']}-fold cross-validation on {validation['items']} "
            f"items: accuracy {validation['accuracy']:.3f}, macro F1 "
            f"{validation['macro_f1']:.3f}, weighted F1 {validation['weighted_f1']:.3f}"
        )
    click.echo(f"saved {target} ({target.stat().st_size / 1_000_000:.1f} MB)")


@cli.command()
def stages() -> None:
    """List the registered stage names."""
    from redline import registry

    for name in registry.names():
        click.echo(name)


def main() -> None:
    """Entry point: run the CLI, turning unexpected errors into one line too."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(
            "Interrupted; rerun the same command to finish (completed batches are kept).", err=True
        )
        sys.exit(130)
    except Exception as exc:
        log.debug("unexpected error", exc_info=True)
        click.echo(f"Error: {exc.__class__.__name__}: {exc} (rerun with -v for details).", err=True)
        sys.exit(1)


def _register() -> None:
    # Imported here: the analysis commands import this module's options and helpers.
    from redline import cli_analysis

    cli_analysis.register(cli)


_register()
