"""Action and reaction: which hostile event answered which, how fast, and what followed.

A *response* is a hostile event by one side of a dyad against the other; its *trigger* is
the hostile event in the opposite direction that it most plausibly answers, found within a
window before it. When the reports say so ("in retaliation for", "to avenge"), the most
hostile event in the window is taken as the trigger, since a stated retaliation usually
answers the attack that mattered; with no such cue, the latest one is, since answers tend to
follow closely. For each link the before/after rates of hostility by the trigger's side say
whether the response was followed by less of it (*deterred*) or more (*provoked*).

Everything here is a pure function of the set of incidents, so the result does not depend on
the order they arrive in; ``load`` is the one thin helper that reads a store.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from redline.analyze.sides import hostility, on_side
from redline.analyze.timeline import COUNTED, between

if TYPE_CHECKING:
    from redline.consolidate.cluster import Incident
    from redline.store.db import Store

Verdict = Literal["deterred", "provoked", "no change"]

CUES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bin\s+response\s+to\b",
        r"\bin\s+retaliation\s+(?:for|against)\b",
        r"\bretaliat(?:e|ed|es|ing|ion|ory)\b",
        r"\bin\s+revenge\s+for\b",
        r"\bto\s+avenge\b",
        r"\bavenging\b",
        r"\bresponse\s+to\b",
        r"\breprisals?\b",
        r"\bpayback\s+for\b",
        r"\banswer(?:ed)?\s+to\b",
    )
)
"""Phrases by which a report says an act answers an earlier one."""


def cue(text: str | None) -> str | None:
    """The first response cue in ``text`` (lower-cased, single-spaced), or ``None``.

    The earliest match wins, the longest on a tie, so "in response to" is reported whole
    rather than as its tail "response to".
    """
    if not text:
        return None
    found: tuple[int, int, str] | None = None
    for pattern in CUES:
        match = pattern.search(text)
        if match is None:
            continue
        key = (match.start(), -len(match.group(0)), match.group(0))
        if found is None or key < found:
            found = key
    return None if found is None else " ".join(found[2].lower().split())


@dataclass(frozen=True, slots=True, kw_only=True)
class Reaction:
    """One response linked to its trigger, with how it compares and what followed it.

    ``responder`` is the side that acted in ``response``; ``other`` the side that acted in
    ``trigger``. ``lag_days`` is the days between their dates. ``intensity_ratio`` is the
    response's hostility over the trigger's (above 1: escalation); ``casualty_ratio`` the
    same for best death counts, ``None`` when either count is unknown or the trigger killed
    no one. ``before_rate`` and ``after_rate`` are hostile events per day by ``other``
    against ``responder`` in the window before and after the response's day.
    """

    trigger: Incident
    response: Incident
    responder: str
    other: str
    lag_days: int
    cue: str | None
    intensity_ratio: float
    casualty_ratio: float | None
    before_rate: float
    after_rate: float
    verdict: Verdict


@dataclass(frozen=True, slots=True, kw_only=True)
class DyadReactions:
    """How one side of a dyad answers the other, summed over its linked responses.

    The averages are ``None`` when there is nothing to average, so an empty direction is not
    mistaken for an instant, proportionate one.
    """

    responder: str
    other: str
    reactions: tuple[Reaction, ...]
    median_lag: float | None
    mean_intensity_ratio: float | None
    mean_casualty_ratio: float | None
    deterred: int
    provoked: int
    unchanged: int


def _direction(incident: Incident, a: str, b: str, rollup: bool) -> str | None:
    """``a`` or ``b`` for the side that acted, ``None`` when neither or both did.

    An incident with both sides acting on both (a clash coded both ways) has no actor to
    answer and nothing to answer for, so it is left out.
    """
    ab = bool(on_side(incident.source, a, rollup) and on_side(incident.target, b, rollup))
    ba = bool(on_side(incident.source, b, rollup) and on_side(incident.target, a, rollup))
    if ab == ba:
        return None
    return a if ab else b


def _deaths(incident: Incident) -> int | None:
    return None if incident.fatalities is None else incident.fatalities.best


def _casualty_ratio(trigger: Incident, response: Incident) -> float | None:
    before, after = _deaths(trigger), _deaths(response)
    if not before or after is None:
        return None
    return after / before


class _Side:
    """One direction's hostile incidents in date order, for window look-ups by bisection."""

    def __init__(self, incidents: Iterable[Incident]) -> None:
        self.incidents = sorted(incidents, key=lambda i: (i.date.value, i.id))
        self.days = [i.date.value for i in self.incidents]

    def between(self, first: date, last: date) -> list[Incident]:
        """Incidents dated ``first`` to ``last``, both included."""
        return self.incidents[bisect_left(self.days, first) : bisect_right(self.days, last)]

    def count(self, first: date, last: date) -> int:
        return bisect_right(self.days, last) - bisect_left(self.days, first)


def _trigger(candidates: Sequence[Incident], cued: bool) -> Incident:
    # Ids break the last ties, so the choice never depends on input order.
    if cued:
        return max(candidates, key=lambda i: (hostility(i.intensity), i.date.value, i.id))
    return max(candidates, key=lambda i: (i.date.value, hostility(i.intensity), i.id))


def _verdict(before: int, after: int) -> Verdict:
    # Counts over equal windows compare exactly; the rates they give are only for show.
    if after < before:
        return "deterred"
    if after > before:
        return "provoked"
    return "no change"


def link(
    incidents: Iterable[Incident],
    a: str,
    b: str,
    *,
    rollup: bool = True,
    window_days: int = 14,
    texts: Mapping[str, str] | None = None,
) -> list[Reaction]:
    """Link each hostile incident between ``a`` and ``b`` to the one it answers, if any.

    Only hostile incidents (hostility above 0) whose realis is counted (asserted, claimed,
    reported) take part: a denied or hypothetical strike neither provokes nor answers. A
    trigger is dated up to ``window_days`` before its response; on the same day only when the
    response carries a cue, since same-day order is otherwise unknown. ``texts`` adds text
    per incident id (such as the quotes of all its reports) to search for cues beside its
    quote. Each incident is a response at most once; one trigger may draw several responses.
    The result is sorted by response date, then id.

    The rates read the incidents given, so a response within ``window_days`` of the end of
    the data has an after-window cut short and leans toward "deterred"; pass incidents up to
    a window past the last response of interest (``load`` does).
    """
    if a == b:
        raise ValueError(f"A dyad needs two different actors; got {a!r} twice.")
    if window_days < 0:
        raise ValueError(f"window_days must be 0 or more, not {window_days}.")
    extra = texts or {}
    # Keyed by id so a duplicate in the input cannot count twice in a rate.
    unique = {i.id: i for i in incidents}
    acting: dict[str, list[Incident]] = {a: [], b: []}
    for incident in unique.values():
        if incident.realis not in COUNTED or hostility(incident.intensity) <= 0:
            continue
        side = _direction(incident, a, b, rollup)
        if side is not None:
            acting[side].append(incident)
    sides = {actor: _Side(found) for actor, found in acting.items()}
    window = timedelta(days=window_days)
    one = timedelta(days=1)
    reactions: list[Reaction] = []
    for responder, other in ((a, b), (b, a)):
        theirs = sides[other]
        for response in sides[responder].incidents:
            day = response.date.value
            said = cue(" ".join(t for t in (response.quote, extra.get(response.id)) if t))
            last = day if said else day - one
            candidates = theirs.between(day - window, last)
            if not candidates:
                continue
            trigger = _trigger(candidates, said is not None)
            # The response's own day is left out of both rates: same-day order is unknown.
            before = theirs.count(day - window, day - one)
            after = theirs.count(day + one, day + window)
            span = max(window_days, 1)
            reactions.append(
                Reaction(
                    trigger=trigger,
                    response=response,
                    responder=responder,
                    other=other,
                    lag_days=(day - trigger.date.value).days,
                    cue=said,
                    intensity_ratio=hostility(response.intensity) / hostility(trigger.intensity),
                    casualty_ratio=_casualty_ratio(trigger, response),
                    before_rate=before / span,
                    after_rate=after / span,
                    verdict=_verdict(before, after),
                )
            )
    reactions.sort(key=lambda r: (r.response.date.value, r.response.id))
    return reactions


def summarise(reactions: Iterable[Reaction], a: str, b: str) -> list[DyadReactions]:
    """One summary per responding direction: ``a`` answering ``b`` first, then the reverse."""
    given = sorted(reactions, key=lambda r: (r.response.date.value, r.response.id))
    summaries = []
    for responder, other in ((a, b), (b, a)):
        mine = tuple(r for r in given if r.responder == responder and r.other == other)
        casualty = [r.casualty_ratio for r in mine if r.casualty_ratio is not None]
        summaries.append(
            DyadReactions(
                responder=responder,
                other=other,
                reactions=mine,
                median_lag=float(statistics.median(r.lag_days for r in mine)) if mine else None,
                mean_intensity_ratio=(
                    statistics.fmean(r.intensity_ratio for r in mine) if mine else None
                ),
                mean_casualty_ratio=statistics.fmean(casualty) if casualty else None,
                deterred=sum(r.verdict == "deterred" for r in mine),
                provoked=sum(r.verdict == "provoked" for r in mine),
                unchanged=sum(r.verdict == "no change" for r in mine),
            )
        )
    return summaries


def load(
    store: Store,
    a: str,
    b: str,
    *,
    rollup: bool = True,
    since: date | None = None,
    until: date | None = None,
    window_days: int = 14,
) -> tuple[list[Reaction], list[DyadReactions]]:
    """Reactions between ``a`` and ``b`` whose response falls in ``since`` … ``until``.

    Incidents are read a window beyond both ends, so a response near an end still finds its
    trigger and full before/after rates. Every report's quote is searched for cues, not just
    the incident's chosen quote: one outlet may say "in retaliation" where another does not.
    """
    pad = timedelta(days=window_days)
    found = between(
        store,
        a,
        b,
        rollup=rollup,
        since=since - pad if since else None,
        until=until + pad if until else None,
    )
    dyad = [i for i in found if _direction(i, a, b, rollup) is not None]
    quotes = {m.id: m.evidence.quote for m in store.mentions(m for i in dyad for m in i.mentions)}
    texts = {
        i.id: "\n".join(quotes[m] for m in i.mentions if m in quotes) for i in dyad if i.mentions
    }
    reactions = [
        r
        for r in link(dyad, a, b, rollup=rollup, window_days=window_days, texts=texts)
        if (since is None or r.response.date.value >= since)
        and (until is None or r.response.date.value <= until)
    ]
    return reactions, summarise(reactions, a, b)
