"""Escalation: a ladder of rungs per dyad, and change points in its hostility series.

The ladder orders what one side can do to the other, from words to war: statements,
pressure (sanctions, seizures, cyber-attacks), threats, mobilisation, attacks through a
proxy, direct attacks, attacks that kill, attacks on the other state's own territory. Each
event between the two sides sits on one rung; the dyad's rung over a period is the highest
reached. Change points mark where the level of hostility shifts, with the events that
opened the new level.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from redline.analyze.sides import hostility, is_proxy, on_side
from redline.analyze.timeline import COUNTED, between, fill, timeline
from redline.consolidate.cluster import Incident
from redline.model import ActorRef, Realis

if TYPE_CHECKING:
    from redline.store.db import Store

RUNGS: tuple[str, ...] = (
    "none",
    "statement",
    "pressure",
    "threat",
    "mobilisation",
    "proxy attack",
    "direct attack",
    "attack causing deaths",
    "attack on state territory",
)
"""Rung names by number (0 = nothing hostile)."""

_WORDS = {"ACCUSE", "REJECT", "PROTEST"}
_PRESSURE = {"SANCTION", "COERCE"}
_HOSTILE = {*_WORDS, *_PRESSURE, "THREATEN", "MOBILIZE", "ASSAULT"}
_PROMISED = {Realis.THREATENED, Realis.FUTURE}


def direction(incident: Incident, a: str, b: str, *, rollup: bool = True) -> str | None:
    """``"A->B"`` or ``"B->A"`` when the event runs between the sides, else ``None``."""
    if on_side(incident.source, a, rollup) and on_side(incident.target, b, rollup):
        return "A->B"
    if on_side(incident.source, b, rollup) and on_side(incident.target, a, rollup):
        return "B->A"
    return None


_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(\([^)]*\))?\s*[—–:-]")


def stated(incident: Incident) -> bool:
    """Whether the event's place is named in its own sentence, not taken from the dateline
    or an earlier sentence: only then can it say whose territory was hit."""
    place = incident.location
    if place is None or place.basis != "text" or not place.raw or _DATELINE.match(place.raw):
        return False
    return place.raw.lower() in incident.quote.lower()


def rung(incident: Incident, attacker: str, victim: str, *, rollup: bool = True) -> int:
    """The rung of one event by ``attacker``'s side on ``victim``'s side (0 if not hostile)."""
    if incident.event_type not in _HOSTILE:
        return 0
    if incident.realis in _PROMISED:
        # A promised attack or sanction is a threat, whatever it promises.
        return RUNGS.index("threat")
    if incident.realis not in COUNTED:
        return 0
    if incident.event_type in _WORDS:
        return RUNGS.index("statement")
    if incident.event_type in _PRESSURE:
        return RUNGS.index("pressure")
    if incident.event_type == "THREATEN":
        return RUNGS.index("threat")
    if incident.event_type == "MOBILIZE":
        return RUNGS.index("mobilisation")
    place = incident.location
    if stated(incident) and place is not None and place.country == victim != attacker:
        return RUNGS.index("attack on state territory")
    if incident.fatalities is not None and incident.fatalities.best > 0:
        return RUNGS.index("attack causing deaths")
    attackers = on_side(incident.source, attacker, rollup)
    if attackers and all(is_proxy(x) for x in attackers):
        return RUNGS.index("proxy attack")
    return RUNGS.index("direct attack")


@dataclass(frozen=True, slots=True)
class Step:
    """One event on the ladder."""

    incident: str
    date: date
    direction: str
    rung: int
    name: str
    hostility: float
    summary: str


@dataclass(frozen=True, slots=True)
class Shift:
    """A change point: from ``start`` the hostility level moves from ``before`` to ``after``
    (mean per period); ``events`` are the most hostile events of the first period after it."""

    start: date
    before: float
    after: float
    direction: str
    events: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Ladder:
    """A dyad's escalation: current rung, when each new height was reached, shifts."""

    a: str
    b: str
    rollup: bool
    freq: str
    as_of: date | None
    current: int
    window_days: int
    steps: tuple[Step, ...]
    climbs: tuple[Step, ...]
    """Events that took the dyad to a rung higher than any before (its history)."""
    shifts: tuple[Shift, ...]

    @property
    def current_name(self) -> str:
        return RUNGS[self.current]

    def peak(self) -> int:
        """The highest rung ever reached."""
        return max((s.rung for s in self.steps), default=0)


def _summary(incident: Incident) -> str:
    def names(actors: Sequence[ActorRef]) -> str:
        return ", ".join(a.name for a in actors) or "unknown"

    text = f"{names(incident.source)} -> {names(incident.target)}: {incident.event_type}"
    if incident.mode:
        text += f"/{incident.mode}"
    if incident.location is not None:
        text += f" at {incident.location.name}"
    return text


def steps(incidents: Iterable[Incident], a: str, b: str, *, rollup: bool = True) -> list[Step]:
    """Every hostile event between the sides, with its rung, oldest first."""
    found = []
    for incident in sorted(incidents, key=lambda i: (i.date.value, i.id)):
        way = direction(incident, a, b, rollup=rollup)
        if way is None:
            continue
        attacker, victim = (a, b) if way == "A->B" else (b, a)
        level = rung(incident, attacker, victim, rollup=rollup)
        if level == 0:
            continue
        found.append(
            Step(
                incident.id,
                incident.date.value,
                way,
                level,
                RUNGS[level],
                hostility(incident.intensity),
                _summary(incident),
            )
        )
    return found


def climbs(ladder_steps: Sequence[Step]) -> list[Step]:
    """The steps that reached a rung higher than every earlier step."""
    top = 0
    found = []
    for step in ladder_steps:
        if step.rung > top:
            found.append(step)
            top = step.rung
    return found


def current(ladder_steps: Sequence[Step], as_of: date, window_days: int) -> int:
    """The highest rung in the ``window_days`` up to ``as_of`` (0 when the dyad is quiet)."""
    start = as_of - timedelta(days=window_days - 1)
    return max((s.rung for s in ladder_steps if start <= s.date <= as_of), default=0)


# -- change points -------------------------------------------------------------------------


def change_points(
    values: Sequence[float], *, penalty: float | None = None, min_size: int = 2
) -> list[int]:
    """Indices where the mean of ``values`` shifts (PELT, squared-error cost).

    The default penalty is ``2 σ² log n`` (the BIC for a mean shift), with σ estimated from
    the differences of successive values (robust to the shifts themselves), falling back to
    the series' variance when most differences are zero (sparse event counts). Exact and
    deterministic: the same series always gives the same points.
    """
    n = len(values)
    if n < 2 * min_size:
        return []
    if penalty is None:
        diffs = [abs(values[i + 1] - values[i]) for i in range(n - 1)]
        sigma = statistics.median(diffs) / (0.6745 * math.sqrt(2)) if diffs else 0.0
        variance = sigma**2 if sigma > 0 else statistics.pvariance(values)
        if variance == 0:
            return []
        penalty = 2 * variance * math.log(n)
    prefix = [0.0]
    squares = [0.0]
    for v in values:
        prefix.append(prefix[-1] + v)
        squares.append(squares[-1] + v * v)

    def cost(s: int, e: int) -> float:
        total = prefix[e] - prefix[s]
        return squares[e] - squares[s] - total * total / (e - s)

    best = [math.inf] * (n + 1)
    best[0] = -penalty
    last = [0] * (n + 1)
    candidates = [0]
    for end in range(min_size, n + 1):
        options = [(best[s] + cost(s, end) + penalty, s) for s in candidates if end - s >= min_size]
        if not options:
            continue
        best[end], last[end] = min(options)
        # Pruning (Killick et al. 2012): a start that cannot win now never will.
        candidates = [
            s for s in candidates if end - s < min_size or best[s] + cost(s, end) <= best[end]
        ]
        # Only an end every segment before it can reach is a start for later segments.
        if end >= min_size:
            candidates.append(end)
    points = []
    end = n
    while end > 0:
        start = last[end]
        if start > 0:
            points.append(start)
        end = start
    return sorted(points)


def shifts(
    series: Sequence[tuple[date, float]],
    ladder_steps: Sequence[Step],
    freq_days: int,
    *,
    penalty: float | None = None,
) -> list[Shift]:
    """Change points of a (period, hostility) series, each with the events that opened it."""
    values = [v for _, v in series]
    found = []
    bounds = [0, *change_points(values, penalty=penalty), len(values)]
    for k in range(1, len(bounds) - 1):
        before = values[bounds[k - 1] : bounds[k]]
        after = values[bounds[k] : bounds[k + 1]]
        start = series[bounds[k]][0]
        end = (
            series[bounds[k] + 1][0]
            if bounds[k] + 1 < len(series)
            else (start + timedelta(days=freq_days))
        )
        opening = sorted(
            (s for s in ladder_steps if start <= s.date < end),
            key=lambda s: (-s.rung, -s.hostility, s.date, s.incident),
        )[:3]
        mean_before, mean_after = statistics.fmean(before), statistics.fmean(after)
        found.append(
            Shift(
                start,
                mean_before,
                mean_after,
                "up" if mean_after > mean_before else "down",
                tuple(opening),
            )
        )
    return found


_FREQ_DAYS = {"D": 1, "W": 7, "M": 31, "Q": 92, "Y": 366}


def escalation(
    store: Store,
    a: str,
    b: str,
    *,
    rollup: bool = True,
    freq: str = "W",
    as_of: date | None = None,
    window_days: int = 30,
    since: date | None = None,
    until: date | None = None,
) -> Ladder:
    """The ladder of the dyad ``a``–``b`` from the store (events, not mentions)."""
    found = between(store, a, b, rollup=rollup, since=since, until=until)
    ladder_steps = steps(found, a, b, rollup=rollup)
    line = timeline(store, a, b, freq=freq, rollup=rollup, since=since, until=until)
    dates = [s.date for s in ladder_steps]
    day = as_of or (max(dates) if dates else None)
    found_shifts: list[Shift] = []
    if dates:
        series = fill(line.buckets, freq, min(dates), max(dates))
        found_shifts = shifts(
            [(s.period, s.hostility_sum) for s in series], ladder_steps, _FREQ_DAYS[freq]
        )
    return Ladder(
        a=a,
        b=b,
        rollup=rollup,
        freq=freq,
        as_of=day,
        current=current(ladder_steps, day, window_days) if day else 0,
        window_days=window_days,
        steps=tuple(ladder_steps),
        climbs=tuple(climbs(ladder_steps)),
        shifts=tuple(found_shifts),
    )
