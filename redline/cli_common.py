"""What every CLI module shares: settings, the --db option, dates, one-line errors.

Kept apart from ``redline.cli`` so that command modules (analysis, report, watch) can import
it without importing the main group, which registers them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click

from redline.errors import RedlineError
from redline.settings import Settings, load


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    config = ctx.find_root().params.get("config")
    return load(config, env=os.environ, overrides=overrides)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date like 2019-12-27, got {value!r}") from None


db_option = click.option(
    "--db",
    default=None,
    metavar="FILE",
    help="DuckDB store file (default: setting 'db', i.e. redline.duckdb).",
)


rules_option = click.option(
    "--rules",
    "rules_path",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Red-line rules TOML file (default: the shipped US–Iran set; see docs/analysis.md).",
)


def _rules(ctx: click.Context, rules_path: str | None) -> Any:
    """The rules a command evaluates: --rules, else the 'rules' setting, else the shipped set."""
    from redline.analyze.rules import load_rules

    return load_rules(rules_path or _settings(ctx).rules or None)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except RedlineError as exc:
        raise click.ClickException(str(exc)) from None


def _read_store(ctx: click.Context, db: str | None, query: Callable[[Any], Any]) -> Any:
    """Open the store read-only, run one query, close it; errors become one sentence."""
    from redline.store import Store

    with _errors():
        settings = _settings(ctx, db=db)
        with Store(settings.db, read_only=True) as store:
            return query(store)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(width=None if sys.stdout.isatty() else 160).print(table)
