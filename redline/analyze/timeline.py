"""Dyad timelines: events and hostility per day, week or month, by direction and type.

The counting is one SQL query over the events table (so it stays fast over millions of
rows); filling the empty periods and combining the groups are pure functions.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.errors import ConfigError
from redline.model import Realis
from redline.store.db import date_range

if TYPE_CHECKING:
    from redline.consolidate.cluster import Incident
    from redline.store.db import Store

COUNTED: tuple[Realis, ...] = (Realis.ASSERTED, Realis.CLAIMED, Realis.REPORTED)
"""Realis values analysis counts by default: what a report says happened (or a party
claims). Denials, threats, plans, conditionals and negations are not events on a timeline."""

FREQUENCIES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}
"""Period codes (as pandas spells them) and the DuckDB ``date_trunc`` part for each."""

HOSTILITY_SQL = "greatest(0.0, least(10.0, -coalesce(intensity, 0.0)))"
"""``sides.hostility`` in SQL (tests check that the two agree)."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """One period of one direction (and type/mode when split): counts and hostility.

    ``direction`` is ``"A->B"``, ``"B->A"`` or ``"both"`` (every event between the two,
    counted once). ``hostility_sum`` adds each event's hostility (0–10); ``hostility_max``
    is the most hostile event of the period; ``fatalities`` adds the best death counts.
    """

    period: date
    direction: str
    events: int
    hostile: int
    hostility_sum: float
    hostility_max: float
    fatalities: int
    event_type: str | None = None
    mode: str | None = None


@dataclass(frozen=True, slots=True)
class Timeline:
    """A dyad's (or one actor's) timeline, with what was asked, ready to print or plot."""

    a: str
    b: str | None
    freq: str
    rollup: bool
    by: str | None
    mentions: bool
    buckets: tuple[Bucket, ...]

    def directions(self) -> tuple[str, ...]:
        """The direction labels in display order."""
        return ("A->B", "B->A", "both")

    def label(self, direction: str) -> str:
        """A direction with the actors' names: ``USA -> IRN``, ``IRN -> *``."""
        b = self.b or "*"
        return {"A->B": f"{self.a} -> {b}", "B->A": f"{b} -> {self.a}"}.get(
            direction, f"{self.a} <-> {b}"
        )

    def series(self, direction: str = "both") -> list[Bucket]:
        """One bucket per period for a direction, the types/modes summed together."""
        return combine(b for b in self.buckets if b.direction == direction)

    def total(self, direction: str = "both") -> int:
        """Events counted in a direction over the whole timeline."""
        return sum(b.events for b in self.buckets if b.direction == direction)

    def write_csv(self, path: str | Path) -> None:
        """Every bucket as a CSV row (period as ISO date, direction as ``A -> B``)."""
        names = [f.name for f in fields(Bucket)]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            for bucket in self.buckets:
                row = [getattr(bucket, n) for n in names]
                row[0] = bucket.period.isoformat()
                row[1] = self.label(bucket.direction)
                writer.writerow(row)

    def plot(self, path: str | Path) -> None:
        """A PNG (or SVG, by suffix) chart: hostility per period by direction, events as bars."""
        figure = chart(self)
        figure.savefig(path, dpi=120, bbox_inches="tight")
        import matplotlib.pyplot as plt

        plt.close(figure)


def _period(day: date, freq: str) -> date:
    if freq == "D":
        return day
    if freq == "W":
        return day - timedelta(days=day.weekday())
    if freq == "M":
        return day.replace(day=1)
    if freq == "Q":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def _next(period: date, freq: str) -> date:
    if freq == "D":
        return period + timedelta(days=1)
    if freq == "W":
        return period + timedelta(days=7)
    step = {"M": 1, "Q": 3, "Y": 12}[freq]
    month = period.month - 1 + step
    return period.replace(year=period.year + month // 12, month=month % 12 + 1)


def periods(start: date, end: date, freq: str) -> list[date]:
    """Every period start from the one holding ``start`` to the one holding ``end``."""
    check_freq(freq)
    found = []
    current = _period(start, freq)
    while current <= end:
        found.append(current)
        current = _next(current, freq)
    return found


def check_freq(freq: str) -> str:
    """The frequency code, or a clear error naming the ones there are."""
    if freq not in FREQUENCIES:
        raise ConfigError(
            f"Unknown frequency {freq!r}; use one of {', '.join(FREQUENCIES)} "
            "(day, week, month, quarter, year)."
        )
    return freq


def combine(buckets: Iterable[Bucket]) -> list[Bucket]:
    """Sum buckets that share a period and direction (dropping the type/mode split)."""
    merged: dict[tuple[date, str], Bucket] = {}
    for b in buckets:
        key = (b.period, b.direction)
        old = merged.get(key)
        merged[key] = (
            Bucket(
                b.period,
                b.direction,
                b.events,
                b.hostile,
                b.hostility_sum,
                b.hostility_max,
                b.fatalities,
            )
            if old is None
            else Bucket(
                b.period,
                b.direction,
                old.events + b.events,
                old.hostile + b.hostile,
                old.hostility_sum + b.hostility_sum,
                max(old.hostility_max, b.hostility_max),
                old.fatalities + b.fatalities,
            )
        )
    return [merged[k] for k in sorted(merged)]


def fill(
    buckets: Iterable[Bucket], freq: str, start: date, end: date, direction: str = "both"
) -> list[Bucket]:
    """One direction's series, one bucket per period, empty periods as zeros (for charts
    and change points, which need a regular series)."""
    have = {b.period: b for b in combine(b for b in buckets if b.direction == direction)}
    return [
        have.get(p) or Bucket(p, direction, 0, 0, 0.0, 0.0, 0) for p in periods(start, end, freq)
    ]


def side_clause(column: str, actor: str, rollup: bool) -> str:
    """SQL that is true when ``actor`` is on a side (by id, or any roll-up reading)."""
    field = f"{column}_rollup" if rollup else f"{column}_ids"
    return f"list_contains({field}, {_quote(actor)})"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def direction_clauses(a: str, b: str | None, rollup: bool) -> dict[str, str]:
    """SQL conditions for A->B, B->A and either; with no B, A as source, as target, either."""
    a_src, a_tgt = side_clause("source", a, rollup), side_clause("target", a, rollup)
    if b is None:
        ab, ba = a_src, a_tgt
    else:
        ab = f"({a_src} AND {side_clause('target', b, rollup)})"
        ba = f"({side_clause('source', b, rollup)} AND {a_tgt})"
    return {"A->B": ab, "B->A": ba, "both": f"({ab} OR {ba})"}


def between(
    store: Store,
    a: str,
    b: str,
    *,
    rollup: bool = True,
    since: date | None = None,
    until: date | None = None,
) -> list[Incident]:
    """The events (any realis) between ``a`` and ``b`` in either direction, oldest first."""
    from redline.store import incidents as stored

    clauses = [direction_clauses(a, b, rollup)["both"]]
    parameters: list[Any] = []
    date_range(clauses, parameters, since, until)
    return stored.read(store, clauses=clauses, parameters=parameters)


@dataclass(frozen=True, slots=True)
class Point:
    """One event of a dyad as a chart point: enough to plot it and to open its evidence."""

    id: str
    date: date
    direction: str
    event_type: str
    mode: str | None
    hostility: float
    quote: str


def points(
    store: Store,
    a: str,
    b: str,
    *,
    rollup: bool = True,
    since: date | None = None,
    until: date | None = None,
    limit: int = 5000,
) -> tuple[list[Point], int]:
    """The dyad's counted events as points (oldest first) and how many there are in all.

    Past ``limit`` the most hostile are kept: a chart of tens of thousands of points shows
    nothing more, and the timeline's buckets still count every event. One SQL query over the
    stored columns (no actor JSON is decoded), so it stays fast on large stores.
    """
    ways = direction_clauses(a, b, rollup)
    filters = [ways["both"], "list_contains(?, realis)"]
    parameters: list[Any] = [[str(r) for r in COUNTED]]
    date_range(filters, parameters, since, until)
    where = " AND ".join(filters)
    total = int(
        store._query(f"SELECT count(*) AS n FROM incidents WHERE {where}", parameters)[0]["n"]
    )
    rows = store._query(
        f"SELECT id, date, event_type, mode, quote, {HOSTILITY_SQL} AS h, {ways['A->B']} AS ab "
        f"FROM incidents WHERE {where} ORDER BY h DESC, date, id LIMIT {int(limit)}",
        parameters,
    )
    found = [
        Point(r["id"], r["date"], "A->B" if r["ab"] else "B->A", r["event_type"], r["mode"],
              float(r["h"]), r["quote"])
        for r in rows
    ]  # fmt: skip
    return sorted(found, key=lambda p: (p.date, p.id)), total


def timeline(
    store: Store,
    a: str,
    b: str | None = None,
    *,
    freq: str = "W",
    rollup: bool = False,
    by: str | None = None,
    since: date | None = None,
    until: date | None = None,
    realis: Sequence[Realis] = COUNTED,
    mentions: bool = False,
    event_types: Sequence[str] = (),
) -> Timeline:
    """Events between ``a`` and ``b`` (or involving ``a``) per period, by direction.

    Args:
        a, b: actor ids (``USA``, ``kataib-hezbollah``); with ``rollup``, also any sponsor or
            state an actor answers to (``IRN`` finds Kata'ib Hezbollah's attacks).
        freq: ``D``, ``W`` (weeks start on Monday), ``M``, ``Q`` or ``Y``.
        by: ``"type"`` or ``"mode"`` to split each period by event type or type and mode.
        realis: which realis values count (default: asserted, claimed, reported).
        mentions: count every coded report instead of consolidated events.
        event_types: keep only these PLOVER types.
    """
    check_freq(freq)
    if by not in (None, "type", "mode"):
        raise ConfigError(f"Cannot split a timeline by {by!r}; use 'type' or 'mode'.")
    table = "events" if mentions else "incidents"
    keys = ["period"]
    if by:
        keys.append("event_type")
    if by == "mode":
        keys.append("mode")
    filters = ["list_contains(?, realis)"]
    parameters: list[Any] = [[str(r) for r in realis]]
    date_range(filters, parameters, since, until)
    if event_types:
        filters.append("list_contains(?, event_type)")
        parameters.append([t.upper() for t in event_types])
    selects = []
    for direction, clause in direction_clauses(a, b, rollup).items():
        selects.append(
            f"SELECT CAST(date_trunc('{FREQUENCIES[freq]}', date) AS DATE) AS period, "
            f"'{direction}' AS direction, event_type, mode, {HOSTILITY_SQL} AS h, "
            f"coalesce({'fatalities' if mentions else 'fatalities_best'}, 0) AS deaths "
            f"FROM {table} WHERE {clause} AND {' AND '.join(filters)}"
        )
    group = ", ".join(["direction", *keys])
    sql = (
        f"SELECT {group}, count(*) AS events, count(*) FILTER (WHERE h > 0) AS hostile, "
        f"sum(h) AS hsum, max(h) AS hmax, sum(deaths) AS deaths "
        f"FROM ({' UNION ALL '.join(selects)}) GROUP BY {group} ORDER BY {group}"
    )
    rows = store._query(sql, parameters * 3)
    buckets = tuple(
        Bucket(
            period=row["period"],
            direction=row["direction"],
            events=int(row["events"]),
            hostile=int(row["hostile"]),
            hostility_sum=float(row["hsum"]),
            hostility_max=float(row["hmax"]),
            fatalities=int(row["deaths"]),
            event_type=row.get("event_type"),
            mode=row.get("mode"),
        )
        for row in rows
    )
    return Timeline(a, b, freq, rollup, by, mentions, buckets)


def chart(line: Timeline) -> Any:
    """A matplotlib figure of a timeline: hostility sums as lines, event counts as bars."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is a core dependency
        from redline.errors import MissingExtraError

        raise MissingExtraError("Charts need matplotlib: pip install matplotlib") from exc
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(10, 5), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    dated = [b.period for b in line.buckets]
    if dated:
        start, end = min(dated), max(dated)
        width = {"D": 0.8, "W": 5, "M": 25, "Q": 80, "Y": 300}[line.freq]
        for direction, colour in (("A->B", "#b2182b"), ("B->A", "#2166ac")):
            series = fill(line.buckets, line.freq, start, end, direction)
            top.plot(
                [s.period for s in series],
                [s.hostility_sum for s in series],
                label=line.label(direction),
                color=colour,
                marker="o",
                markersize=3,
            )
        both = fill(line.buckets, line.freq, start, end)
        bottom.bar([s.period for s in both], [s.events for s in both], width=width, color="#555555")
    top.set_ylabel("hostility (sum)")
    top.legend(loc="upper left", frameon=False)
    bottom.set_ylabel("events")
    from matplotlib.ticker import MaxNLocator

    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    scope = "roll-up" if line.rollup else "group level"
    top.set_title(f"{line.label('both')} — per {FREQUENCIES[line.freq]}, {scope}")
    figure.autofmt_xdate()
    return figure
