"""Where two event datasets agree: match our events to another file's, report the rest.

Two events match when they are of the same type family, their dates agree (within a window,
widened by our date's precision), their places agree (close together when both have
coordinates, else the same country) and their dyads agree after mapping actors to countries
(a side unknown in either dataset does not block). Matching is one-to-one and greedy on the
closest pairs, so the result does not depend on file order. Every unmatched event keeps its
evidence (our quote and link; their notes or source URL) so an analyst can see why.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from redline.analyze.sides import state
from redline.analyze.timeline import COUNTED
from redline.coding.places import kilometres
from redline.consolidate.cluster import Incident
from redline.interop.imports import ForeignEvent, family_of_plover
from redline.model import ActorRef

COVERAGE: dict[str, frozenset[str]] = {
    "acled": frozenset({"violence", "protest"}),
    "gdelt": frozenset({"violence", "protest", "coercion", "threat", "statement", "cooperation"}),
    "polecat": frozenset({"violence", "protest", "coercion", "threat", "statement", "cooperation"}),
}
"""Type families each dataset codes: only these are compared (ACLED codes no statements)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How close two events must be to be one (``redline compare`` options)."""

    days: int = 1
    km: float = 50.0


@dataclass(frozen=True, slots=True)
class Match:
    """One of our events and theirs, with how far apart they are."""

    ours: Incident
    theirs: ForeignEvent
    days: int
    km: float | None


@dataclass(frozen=True, slots=True)
class Row:
    """Counts for one week or one dyad."""

    key: str
    both: int
    ours_only: int
    theirs_only: int

    @property
    def overlap(self) -> float:
        """Matched share of all distinct events (matched + ours only + theirs only)."""
        total = self.both + self.ours_only + self.theirs_only
        return self.both / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result: matches, each side's unmatched events, and counts per week and dyad."""

    dataset: str
    settings: Settings
    matches: tuple[Match, ...]
    ours_only: tuple[Incident, ...]
    theirs_only: tuple[ForeignEvent, ...]
    weeks: tuple[Row, ...] = field(default=())
    dyads: tuple[Row, ...] = field(default=())

    @property
    def total(self) -> Row:
        return Row("all", len(self.matches), len(self.ours_only), len(self.theirs_only))

    def recall_of_theirs(self) -> float:
        """Share of their events we also have."""
        n = len(self.matches) + len(self.theirs_only)
        return len(self.matches) / n if n else 0.0

    def precision_against_theirs(self) -> float:
        """Share of our events they also have."""
        n = len(self.matches) + len(self.ours_only)
        return len(self.matches) / n if n else 0.0


def _countries(actors: Sequence[ActorRef]) -> set[str]:
    found = set()
    for actor in actors:
        code = state(actor) or actor.country
        if code:
            found.add(code)
    return found


def _side_agrees(ours: set[str], theirs: str | None) -> bool:
    return not ours or theirs is None or theirs in ours


def dyads_agree(ours: Incident, theirs: ForeignEvent) -> bool:
    """Whether the two events can have the same sides, in either order."""
    a, b = _countries(ours.source), _countries(ours.target)
    straight = _side_agrees(a, theirs.actor1_country) and _side_agrees(b, theirs.actor2_country)
    crossed = _side_agrees(a, theirs.actor2_country) and _side_agrees(b, theirs.actor1_country)
    return straight or crossed


def _span(incident: Incident, window: int) -> tuple[date, date]:
    end = incident.date.end or incident.date.value
    if incident.date.precision == "week":
        end = max(end, incident.date.value + timedelta(days=6))
    return incident.date.value - timedelta(days=window), end + timedelta(days=window)


def distance(ours: Incident, theirs: ForeignEvent) -> float | None:
    """Kilometres between the two places, when both have coordinates."""
    place = ours.location
    if place is None or place.lat is None or place.lon is None:
        return None
    if theirs.lat is None or theirs.lon is None:
        return None
    return kilometres(place.lat, place.lon, theirs.lat, theirs.lon)


def places_agree(ours: Incident, theirs: ForeignEvent, km: float) -> bool:
    """Close together when both have coordinates; otherwise the same country, or unknown."""
    apart = distance(ours, theirs)
    if apart is not None:
        return apart <= km
    country = ours.location.country if ours.location else None
    return country is None or theirs.country is None or country == theirs.country


def _family(incident: Incident) -> str:
    return family_of_plover(incident.event_type)


def compare(
    ours: Iterable[Incident],
    theirs: Iterable[ForeignEvent],
    dataset: str,
    settings: Settings = Settings(),
    *,
    their_dates_only: bool = True,
) -> Comparison:
    """Match two sets of events one-to-one; count agreement per week and per dyad.

    Only the type families ``dataset`` codes are compared, only our events that report
    something happened (asserted, claimed, reported), and (``their_dates_only``) only our
    events whose dates overlap the span their file covers, so that what they never tried to
    code is not counted against either side.
    """
    covered = COVERAGE.get(dataset, COVERAGE["gdelt"])
    theirs_list = sorted((t for t in theirs if t.family in covered), key=lambda t: (t.date, t.id))
    if theirs_list and their_dates_only:
        first, last = theirs_list[0].date, theirs_list[-1].date
    else:
        first, last = date.min, date.max

    def inside(event: Incident) -> bool:
        start, end = _span(event, 0)
        return start <= last and end >= first

    ours_list = sorted(
        (o for o in ours if o.realis in COUNTED and _family(o) in covered and inside(o)),
        key=lambda o: (o.date.value, o.id),
    )
    by_day: dict[date, list[ForeignEvent]] = {}
    for foreign in theirs_list:
        by_day.setdefault(foreign.date, []).append(foreign)
    candidates: list[tuple[tuple[int, float, str, str], Incident, ForeignEvent, int, float | None]]
    candidates = []
    for event in ours_list:
        start, end = _span(event, settings.days)
        day = start
        while day <= end:
            for other in by_day.get(day, ()):
                if other.family != _family(event):
                    continue
                if not places_agree(event, other, settings.km) or not dyads_agree(event, other):
                    continue
                gap = abs((other.date - event.date.value).days)
                apart = distance(event, other)
                key = (gap, apart if apart is not None else settings.km, event.id, other.id)
                candidates.append((key, event, other, gap, apart))
            day += timedelta(days=1)
    candidates.sort(key=lambda c: c[0])
    used_ours: set[str] = set()
    used_theirs: set[str] = set()
    matches = []
    for _, event, other, gap, apart in candidates:
        if event.id in used_ours or other.id in used_theirs:
            continue
        used_ours.add(event.id)
        used_theirs.add(other.id)
        matches.append(Match(event, other, gap, apart))
    matches.sort(key=lambda m: (m.ours.date.value, m.ours.id))
    ours_only = tuple(o for o in ours_list if o.id not in used_ours)
    theirs_only = tuple(t for t in theirs_list if t.id not in used_theirs)
    return Comparison(
        dataset=dataset,
        settings=settings,
        matches=tuple(matches),
        ours_only=ours_only,
        theirs_only=theirs_only,
        weeks=tuple(_rows(matches, ours_only, theirs_only, _week_key)),
        dyads=tuple(_rows(matches, ours_only, theirs_only, _dyad_key)),
    )


def _week(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def _week_key(item: Incident | ForeignEvent) -> str:
    return _week(item.date if isinstance(item, ForeignEvent) else item.date.value)


def _dyad_key(item: Incident | ForeignEvent) -> str:
    if isinstance(item, ForeignEvent):
        sides = [item.actor1_country or "?", item.actor2_country or "?"]
    else:
        sides = [
            min(_countries(item.source), default="?"),
            min(_countries(item.target), default="?"),
        ]
    return " - ".join(sorted(sides))


def _rows(
    matches: Sequence[Match],
    ours_only: Sequence[Incident],
    theirs_only: Sequence[ForeignEvent],
    key: Any,
) -> list[Row]:
    both = Counter(key(m.theirs) for m in matches)
    mine = Counter(key(o) for o in ours_only)
    other = Counter(key(t) for t in theirs_only)
    keys = sorted(set(both) | set(mine) | set(other))
    return [Row(k, both[k], mine[k], other[k]) for k in keys]


def write_csv(comparison: Comparison, path: str | Path) -> None:
    """Every event of both sides as a row: matched pairs, ours only, theirs only, with evidence."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["status", "our_id", "our_date", "our_type", "our_quote", "their_id",
                         "their_row", "their_date", "their_type", "their_text", "their_url",
                         "days", "km"])  # fmt: skip
        for m in comparison.matches:
            writer.writerow(["both", m.ours.id, m.ours.date.value, m.ours.event_type, m.ours.quote,
                             m.theirs.id, m.theirs.row, m.theirs.date, m.theirs.event_type,
                             m.theirs.text or "", m.theirs.url or "", m.days,
                             "" if m.km is None else f"{m.km:.1f}"])  # fmt: skip
        for o in comparison.ours_only:
            writer.writerow(["ours only", o.id, o.date.value, o.event_type, o.quote, "", "", "",
                             "", "", "", "", ""])  # fmt: skip
        for t in comparison.theirs_only:
            writer.writerow(["theirs only", "", "", "", "", t.id, t.row, t.date, t.event_type,
                             t.text or "", t.url or "", "", ""])  # fmt: skip


def plot(comparison: Comparison, path: str | Path) -> None:
    """A stacked bar chart per week: matched, ours only, theirs only."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num

    weeks = date2num([date.fromisoformat(r.key) for r in comparison.weeks])  # type: ignore[no-untyped-call]
    both = [r.both for r in comparison.weeks]
    mine = [r.ours_only for r in comparison.weeks]
    other = [r.theirs_only for r in comparison.weeks]
    figure, axis = plt.subplots(figsize=(10, 4))
    axis.bar(weeks, both, width=5, label="both", color="#4d4d4d")
    axis.bar(weeks, mine, width=5, bottom=both, label="redline only", color="#b2182b")
    axis.bar(weeks, other, width=5, bottom=[a + b for a, b in zip(both, mine, strict=True)],
             label=f"{comparison.dataset} only", color="#2166ac")  # fmt: skip
    axis.xaxis_date()
    axis.set_ylabel("events per week")
    axis.legend(frameon=False)
    axis.set_title(f"redline vs {comparison.dataset}: overlap {comparison.total.overlap:.0%}")
    figure.autofmt_xdate()
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
