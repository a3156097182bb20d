"""Sides of a dyad: who an actor can be read as, and what a site belongs to.

An analyst reads a dyad at group level ("Kata'ib Hezbollah -> USA") or rolled up to the
states behind the groups ("IRN -> USA"). An actor's *reading* is its own id, every sponsor in
its chain, and the state it answers to: the last state in its sponsor chain, or, for a
government, military, police, intelligence, judicial or legislative body, its country. A
president with no sponsor listed is still the United States; a militia based in Iraq is not
Iraq unless Iraq sponsors it.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from redline.model import ActorRef, Place

STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG"})
"""Sectors whose actors act for their country's state."""


def _is_state(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and code.isupper()


def state(actor: ActorRef) -> str | None:
    """The state an actor answers to, or ``None`` for a group with no state behind it."""
    if _is_state(actor.id):
        return actor.id
    states = [s for s in actor.sponsors if _is_state(s)]
    if states:
        return states[-1]
    if actor.sector in STATE_SECTORS and actor.country:
        return actor.country
    return None


def rolled(actor: ActorRef) -> str:
    """The id an actor counts as with roll-up on: its state, else itself."""
    return state(actor) or actor.id


def readings(actor: ActorRef) -> tuple[str, ...]:
    """Every id the actor can be selected by with roll-up on: itself, sponsors, state."""
    seen = [actor.id, *actor.sponsors]
    top = state(actor)
    if top is not None:
        seen.append(top)
    return tuple(dict.fromkeys(seen))


def on_side(
    actors: Iterable[ActorRef], wanted: str | Collection[str], rollup: bool = True
) -> list[ActorRef]:
    """The actors that read as ``wanted`` (an id or several): by any reading with roll-up,
    by their own id without."""
    ids = {wanted} if isinstance(wanted, str) else set(wanted)
    return [a for a in actors if ids.intersection(readings(a) if rollup else (a.id,))]


def side_readings(actors: Iterable[ActorRef]) -> list[str]:
    """Readings of every actor on one side of an event, sorted and unique (a stored column)."""
    return sorted({r for actor in actors for r in readings(actor)})


def is_proxy(actor: ActorRef) -> bool:
    """A non-state group acting for a state that sponsors it (Kata'ib Hezbollah for Iran)."""
    return (
        not _is_state(actor.id)
        and actor.sector not in STATE_SECTORS
        and any(_is_state(s) for s in actor.sponsors)
    )


def hostility(intensity: float | None) -> float:
    """How hostile an event is, 0 (cooperative or neutral) to 10 (most hostile).

    The stored ``intensity`` is a Goldstein value (−10 … +10); hostility is its negative
    part, so a hostile event always adds to a sum and cooperation never subtracts from it.
    """
    if intensity is None or intensity >= 0:
        return 0.0
    return min(10.0, -intensity)


@dataclass(frozen=True, slots=True)
class Site:
    """A named site from ``places/sites.csv``: what kind it is and whose people it hosts."""

    name: str
    kind: str
    country: str | None
    hosts: tuple[str, ...]


@cache
def sites() -> dict[str, Site]:
    """Named sites by lower-cased name (the name geolocation writes into ``Place.name``)."""
    text = resources.files("redline.data").joinpath("places/sites.csv").read_text("utf-8")
    found: dict[str, Site] = {}
    for row in csv.DictReader(text.splitlines()):
        site = Site(
            name=row["name"],
            kind=row["kind"],
            country=row.get("country") or None,
            hosts=tuple(h for h in (row.get("hosts") or "").split("|") if h),
        )
        found[row["name"].lower()] = site
    return found


def site_of(place: Place | None, targets: Iterable[ActorRef] = ()) -> Site | None:
    """The named site an event happened at or was aimed at, if any."""
    known = sites()
    if place is not None and place.name.lower() in known:
        return known[place.name.lower()]
    for actor in targets:
        if actor.name.lower() in known:
            return known[actor.name.lower()]
    return None
