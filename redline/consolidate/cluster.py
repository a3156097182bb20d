"""Mentions into events: a deterministic clustering that does not depend on arrival order.

Every coded sentence-level finding (an ``Event`` row) is a *mention*. Two mentions *link*
when they can be reports of one real-world event: same type and realis class, compatible
mode, overlapping dates (widened by each date's precision), actors that agree (a sponsor
counts as its proxy: "Iran" agrees with "Kata'ib Hezbollah"), and places that agree (near
each other when both are precise, the same country and region otherwise). Mentions with a
precise place (*anchors*) are clustered by linkage; a mention with no precise place is
then attached to the one cluster it fits best, or clustered with its like. Casualties may
differ between reports; they never block a merge.

The result is a function of the set of mentions, so articles arriving in any order give
the same events, and the store can recompute just the neighbourhood of new mentions.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from redline.coding.places import kilometres
from redline.model import GENERIC_PREFIX, ActorRef, Event, EventDate, Place, Realis

FACTUAL = frozenset({Realis.ASSERTED, Realis.CLAIMED, Realis.REPORTED, Realis.DENIED})
"""Realis values that report an event as (possibly) having happened; they merge together.
Threats, plans, conditionals and negations only merge with their own kind."""
_REALIS_RANK = (Realis.ASSERTED, Realis.CLAIMED, Realis.REPORTED, Realis.DENIED)


@dataclass(frozen=True, slots=True)
class Rules:
    """How alike two mentions must be to be one event (settings ``merge_*``)."""

    radius_km: float = 15.0
    """Two precise places (a town, a site) further apart than this are different events."""
    coarse_radius_km: float = 50.0
    """The same when either place is only "near" a town or a district."""
    slack_days: int = 1
    """Day-precise dates this many days apart still agree (time zones, "late on Friday")."""
    lookback_days: int = 3
    """A report with no time expression may be about an event up to this many days earlier."""
    duplicate_similarity: float = 0.5
    """Articles whose texts share this fraction of word 5-grams are copies of one story."""


@dataclass(frozen=True, slots=True)
class Source:
    """What consolidation needs of an article: its outlet, time and text (or fingerprint).

    The fingerprint is taken from ``text`` only when two articles of different outlets meet
    in one event: most events have one article, and hashing every text cost a tenth of a
    consolidation pass.
    """

    id: str
    site: str | None
    published_at: datetime | None
    shingles: frozenset[int] = frozenset()
    text: str = ""

    def fingerprint(self) -> frozenset[int]:
        """The word 5-grams of the article (given, or taken from its text)."""
        return self.shingles or (_shingles_of(self.text) if self.text else frozenset())


@dataclass(frozen=True, slots=True)
class Casualties:
    """Deaths across reports: the lowest, best (latest report) and highest, with their mentions."""

    low: int
    best: int
    high: int
    low_mention: str
    best_mention: str
    high_mention: str


@dataclass(frozen=True, slots=True)
class Link:
    """Why a mention belongs to its event."""

    mention: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Incident:
    """One real-world event: what the CLI and the API call an *event*.

    ``mentions`` are the ids of the reports behind it (rows of the mention table);
    ``articles`` counts the articles, ``sources`` the independent ones (copies of one wire
    story and several articles of one outlet count once).
    """

    id: str
    event_type: str
    mode: str | None
    realis: Realis
    source: tuple[ActorRef, ...]
    target: tuple[ActorRef, ...]
    date: EventDate
    location: Place | None
    fatalities: Casualties | None
    mentions: tuple[str, ...]
    articles: int
    sources: int
    first_reported: datetime | None
    cameo: str | None
    intensity: float | None
    quote: str
    links: tuple[Link, ...] = field(default=())


# -- article fingerprints -----------------------------------------------------------------


def shingles(text: str, size: int = 5) -> frozenset[int]:
    """Hashed word ``size``-grams of a text: near-identical copies share most of them."""
    words = re.findall(r"\w+", text.lower())
    grams = (" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1)))
    return frozenset(
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams
    )


@lru_cache(maxsize=4096)
def _shingles_of(text: str) -> frozenset[int]:
    # One article's mentions often land in several events of one pass.
    return shingles(text)


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Share of the smaller text's 5-grams found in the other (a copy with a cut scores high)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class _Partition:
    """Union-find whose root is always the smallest key, so groups do not depend on order."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}

    def root(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def attach(self, key: str, group: str) -> None:
        """Put a lone ``key`` under ``group``'s root, keeping that root."""
        self.parent[key] = self.root(group)

    def join(self, a: str, b: str) -> bool:
        """Put ``a`` and ``b`` in one group; False when they already were."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return False
        low, high = sorted((ra, rb))
        self.parent[high] = low
        return True


def independent_sources(sources: Sequence[Source], threshold: float) -> int:
    """How many independent reports: copies and articles of one outlet count once."""
    groups = _Partition(str(i) for i in range(len(sources)))
    for i, a in enumerate(sources):
        for j in range(i + 1, len(sources)):
            b = sources[j]
            if groups.root(str(i)) == groups.root(str(j)):
                continue
            same_outlet = a.site is not None and a.site == b.site
            if same_outlet or similarity(a.fingerprint(), b.fingerprint()) >= threshold:
                groups.join(str(i), str(j))
    return len({groups.root(str(i)) for i in range(len(sources))})


# -- pairwise rules -----------------------------------------------------------------------


def _span(when: EventDate, rules: Rules) -> tuple[date, date]:
    """The days an event date can mean."""
    start = when.value
    if when.fallback:
        return start - timedelta(days=rules.lookback_days), start
    if when.precision == "day":
        return start, start
    if when.precision == "week":
        return start, start + timedelta(days=6)
    if when.precision == "month":
        return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if when.precision == "year":
        return start, start.replace(month=12, day=31)
    return start, when.end or start


def _kilometres(a: Place, b: Place) -> float:
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    return kilometres(a.lat, a.lon, b.lat, b.lon)


def precise(place: Place | None) -> bool:
    """A place good enough to tell two same-day events apart: a site, town or district."""
    return place is not None and place.lat is not None and (place.precision or 3) <= 2


def places_agree(a: Place | None, b: Place | None, rules: Rules) -> bool:
    """Whether two places can be one event's place."""
    if a is None or b is None:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if precise(a) and precise(b):
        both_exact = a.precision == 1 and b.precision == 1
        return _kilometres(a, b) <= (rules.radius_km if both_exact else rules.coarse_radius_km)
    coarse, other = (a, b) if (a.precision or 3) >= (b.precision or 3) else (b, a)
    if coarse.admin1 and other.admin1 and coarse.country == other.country:
        return coarse.admin1 == other.admin1
    return True


def _ids(actors: Iterable[ActorRef]) -> frozenset[str]:
    return frozenset(a.id for a in actors)


def _named(actors: Sequence[ActorRef]) -> tuple[ActorRef, ...]:
    """The actors a report names; "gunmen" (a generic actor) may be anyone."""
    return tuple(a for a in actors if not a.id.startswith(GENERIC_PREFIX))


def _reach(actors: Iterable[ActorRef]) -> frozenset[str]:
    """The actors and every sponsor up their chains."""
    return frozenset(x for a in actors for x in (a.id, *a.sponsors))


def _homes(actors: Iterable[ActorRef]) -> frozenset[str]:
    return frozenset(a.country for a in actors if a.country)


def actors_agree(a: Sequence[ActorRef], b: Sequence[ActorRef]) -> bool:
    """One side of two mentions agrees when either is unknown or they share an actor,
    counting sponsors ("Iran-backed militia" agrees with Iran) and a country for what is
    based there (one report's "Iraq" is another's Camp Taji or Iraqi militia)."""
    a, b = _named(a), _named(b)
    return not a or not b or _overlap(a, b)


def _overlap(a: Sequence[ActorRef], b: Sequence[ActorRef]) -> bool:
    """One side names an actor of the other, its sponsor, or its country."""
    return bool(_ids(a) & (_reach(b) | _homes(b))) or bool(_ids(b) & (_reach(a) | _homes(a)))


_FAMILIES = {
    # Reports of one strike disagree on the weapon ("rockets", "missiles", "an air strike",
    # "a drone"), but not on whether it came from afar or from people on the spot.
    **dict.fromkeys(
        ("aerial", "drone", "heavy-weapons", "explosives", "suicide-attack", "unconventional"),
        "remote",
    ),
    **dict.fromkeys(("firearms", "primitive", "beat", "crowd-control"), "close"),
    # A demonstration that turns violent is one event, reported as either.
    **dict.fromkeys(("demo", "riot"), "crowd"),
}


_ANY_MEANS = frozenset({"assassinate"})
"""Modes that say what was done to whom, not by what means: a killing reported as an
assassination can be the missile strike another report describes."""


def family(mode: str | None) -> str | None:
    """The group of modes whose reports can describe one event (a mode is its own group
    unless listed above; None for modes that fit any means)."""
    if mode is None or mode in _ANY_MEANS:
        return None
    return _FAMILIES.get(mode, mode)


def _realis_class(realis: Realis) -> str:
    return "factual" if realis in FACTUAL else str(realis)


def _quote_key(event: Event) -> str:
    return re.sub(r"\W+", " ", event.evidence.quote.lower()).strip()


def compatible(a: Event, b: Event, rules: Rules) -> bool:
    """Whether two mentions can report one real-world event."""
    if a.event_type != b.event_type or _realis_class(a.realis) != _realis_class(b.realis):
        return False
    first, second = family(a.mode), family(b.mode)
    if first and second and first != second:
        return False
    start_a, end_a = _span(a.date, rules)
    start_b, end_b = _span(b.date, rules)
    slack = timedelta(days=rules.slack_days)
    if start_a > end_b + slack or start_b > end_a + slack:
        return False
    return (
        actors_agree(a.source, b.source)
        and actors_agree(a.target, b.target)
        and places_agree(a.location, b.location, rules)
    )


def _why(a: Event, b: Event) -> str:
    parts = [f"same type {a.event_type}"]
    if a.date.value == b.date.value:
        parts.append(f"same date {a.date.value}")
    else:
        parts.append(f"dates agree ({a.date.value} ~ {b.date.value})")
    if precise(a.location) and precise(b.location):
        assert a.location is not None and b.location is not None
        parts.append(f"{_kilometres(a.location, b.location):.0f} km apart")
    shared = sorted((_ids(a.source) | _ids(a.target)) & (_ids(b.source) | _ids(b.target)))
    if shared:
        parts.append("shares " + ", ".join(shared))
    if _quote_key(a) == _quote_key(b):
        parts.append("identical sentence")
    return "; ".join(parts)


# -- clustering ---------------------------------------------------------------------------


def _block(event: Event) -> tuple[str, str]:
    return (event.event_type, _realis_class(event.realis))


def _order(event: Event) -> tuple[date, str]:
    return (event.date.value, event.id)


def cluster(
    mentions: Iterable[Event],
    articles: Mapping[str, Source],
    rules: Rules = Rules(),
) -> list[Incident]:
    """Group mentions into incidents; the same set of mentions always gives the same result."""
    by_block: dict[tuple[str, str], list[Event]] = {}
    for event in sorted({m.id: m for m in mentions}.values(), key=_order):
        by_block.setdefault(_block(event), []).append(event)
    incidents: list[Incident] = []
    for block in sorted(by_block):
        for members, links in _cluster_block(by_block[block], rules):
            incidents.append(build(members, links, articles, rules))
    return sorted(incidents, key=lambda i: (i.date.value, i.id))


class _Index:
    """Mentions by place cell (or country) and start day, to find the few worth comparing."""

    def __init__(self, events: Sequence[Event], rules: Rules, key: Callable[[Event], Hashable]):
        self.rules = rules
        self.key = key
        self.cells: dict[Hashable, list[tuple[date, date, Event]]] = {}
        longest = 0
        for event in events:
            start, end = _span(event.date, rules)
            longest = max(longest, (end - start).days)
            self.cells.setdefault(key(event), []).append((start, end, event))
        for rows in self.cells.values():
            rows.sort(key=lambda r: (r[0], r[2].id))
        self.longest = timedelta(days=longest)
        self.starts = {k: [r[0] for r in rows] for k, rows in self.cells.items()}

    def near(self, event: Event, keys: Iterable[Hashable]) -> Iterator[Event]:
        """Mentions in ``keys`` whose dates can overlap ``event``'s."""
        start, end = _span(event.date, self.rules)
        slack = timedelta(days=self.rules.slack_days)
        start, end = start - slack, end + slack
        for key in keys:
            rows = self.cells.get(key)
            if not rows:
                continue
            starts = self.starts[key]
            lo = bisect_left(starts, start - self.longest)
            hi = bisect_right(starts, end)
            for row_start, row_end, other in rows[lo:hi]:
                if row_end >= start and row_start <= end:
                    yield other


def _anchor(event: Event) -> bool:
    return precise(event.location) and event.date.precision == "day" and not event.date.fallback


def _grid(event: Event) -> tuple[int, int]:
    place = event.location
    assert place is not None and place.lat is not None and place.lon is not None
    return (int((place.lat + 90) * 2), int((place.lon + 180) * 2))


def _around(event: Event) -> list[Hashable]:
    row, column = _grid(event)
    return [(row + dr, column + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def _country(event: Event) -> Hashable:
    return event.location.country if event.location is not None else None


def _cluster_block(events: list[Event], rules: Rules) -> list[tuple[list[Event], dict[str, str]]]:
    """Single linkage over anchors, then best-fit attachment of the rest (all deterministic)."""
    # Only reports precise in place and day link freely: a vaguer one ("in May", "in
    # Iraq") could chain distinct events together, so it joins the one event it fits best.
    anchors = [e for e in events if _anchor(e)]
    loose = [e for e in events if not _anchor(e)]
    groups = _Partition(e.id for e in events)
    root = groups.root
    reasons: dict[str, str] = {}

    modes: dict[str, frozenset[str]] = {
        e.id: frozenset(filter(None, {family(e.mode)})) for e in events
    }
    doers: dict[str, tuple[ActorRef, ...]] = {e.id: _named(e.source) for e in events}

    def union(a: Event, b: Event) -> None:
        # Links chain (A~B, B~C), so modes and doers are checked per group: an airstrike
        # and a mob breaking into an embassy the next day are never one event through a
        # middle report that names no mode or no doer. Targets are not: reports of one
        # attack name the base, the coalition or the soldiers' countries.
        ra, rb = root(a.id), root(b.id)
        if ra != rb and len(modes[ra] | modes[rb]) > 1:
            return
        if ra != rb and not actors_agree(doers[ra], doers[rb]):
            return
        if groups.join(a.id, b.id):
            modes[root(a.id)] = modes[ra] | modes[rb]
            doers[root(a.id)] = _union_actors(doers[ra], doers[rb])
            later = max((a, b), key=_order)
            earlier = a if later is b else b
            reasons.setdefault(later.id, f"linked to {earlier.id}: {_why(earlier, later)}")

    # Half-degree cells are wider than the coarse radius, so neighbours cover every link.
    by_cell = _Index(anchors, rules, _grid)
    for event in anchors:
        for other in by_cell.near(event, _around(event)):
            if other.id < event.id and compatible(other, event, rules):
                union(other, event)
    clusters: dict[str, list[Event]] = {}
    for event in anchors:
        clusters.setdefault(root(event.id), []).append(event)
    by_country = _Index(anchors, rules, _country)
    stray: list[Event] = []
    for event in loose:
        country = _country(event)
        keys = [country, None] if country is not None else list(by_country.cells)
        candidates = {
            root(o.id) for o in by_country.near(event, keys) if compatible(o, event, rules)
        }
        best: tuple[tuple[int, int, int], str] | None = None
        for key in sorted(candidates):
            members = clusters[key]
            means = family(event.mode)
            if means and modes[key] - {means}:
                continue
            if not all(
                actors_agree(event.source, m.source) and actors_agree(event.target, m.target)
                for m in members
            ):
                continue
            if not any(_kin(event, m) for m in members):
                # Agreeing is not enough for a report this vague: "US air strikes across
                # Iraq" agrees with a rocket attack on Camp Taji by unknown attackers.
                continue
            score = _fit(event, members)
            if best is None or score > best[0]:
                best = (score, key)
        if best is None:
            stray.append(event)
            continue
        groups.attach(event.id, best[1])
        if means := family(event.mode):
            modes[best[1]] = modes[best[1]] | {means}
        reasons[event.id] = (
            f"attached to {best[1]} (place or date not precise; best fit): "
            f"{_why(clusters[best[1]][0], event)}"
        )
    # Reports with no precise place and no anchor: one event only on firm ground.
    by_article = _Index(stray, rules, lambda e: e.article_id)
    by_quote = _Index(stray, rules, _quote_key)
    by_source = _Index(stray, rules, lambda e: min(_ids(e.source), default=""))
    by_target = _Index(stray, rules, lambda e: min(_ids(e.target), default=""))
    for event in stray:
        for index, key in (
            (by_article, event.article_id),
            (by_quote, _quote_key(event)),
            (by_source, min(_ids(event.source), default="")),
            (by_target, min(_ids(event.target), default="")),
        ):
            for other in index.near(event, [key]):
                if other.id < event.id and _firm(other, event, rules):
                    union(other, event)
    found: dict[str, list[Event]] = {}
    for event in events:
        found.setdefault(root(event.id), []).append(event)
    out = []
    for key in sorted(found):
        members = sorted(found[key], key=_order)
        out.append((members, {m.id: reasons.get(m.id, "first report") for m in members}))
    return out


def _union_actors(a: Sequence[ActorRef], b: Sequence[ActorRef]) -> tuple[ActorRef, ...]:
    return tuple({x.id: x for x in (*a, *b)}.values())


def _fit(event: Event, members: list[Event]) -> tuple[int, int, int]:
    quote = _quote_key(event)
    same_text = any(_quote_key(m) == quote for m in members)
    same_article = any(m.article_id == event.article_id for m in members)
    shared = len(
        (_ids(event.source) | _ids(event.target))
        & {x for m in members for x in (_ids(m.source) | _ids(m.target))}
    )
    return (int(same_text) * 2 + int(same_article), shared, len(members))


def _side_shared(a: Sequence[ActorRef], b: Sequence[ActorRef]) -> bool:
    """Both name an actor on this side, and one of them (or its sponsor or country)."""
    return bool(a) and bool(b) and _overlap(a, b)


def _kin(a: Event, b: Event) -> bool:
    """Two reports naming one actor on the same side. Not one article: a sentence can
    tell of an air strike and of the attack it answered."""
    return _side_shared(a.source, b.source) or _side_shared(a.target, b.target)


def _firm(a: Event, b: Event, rules: Rules) -> bool:
    """Two mentions without a precise place: one event only on firm ground."""
    if not compatible(a, b, rules):
        return False
    if _quote_key(a) == _quote_key(b) or a.article_id == b.article_id:
        return True
    same_source = bool(a.source and b.source and (_ids(a.source) & _ids(b.source)))
    same_target = bool(a.target and b.target and (_ids(a.target) & _ids(b.target)))
    if same_source and same_target:
        return True
    # One actor doing, or suffering, the same thing by the same means on the same day, told
    # by two reports ("a Houthi missile and drone attack", "Houthi rebels fired a missile").
    means = family(a.mode)
    return (
        (same_source or same_target)
        and means is not None
        and means == family(b.mode)
        and _exact_day(a.date)
        and _exact_day(b.date)
    )


def _exact_day(when: EventDate) -> bool:
    return when.precision == "day" and not when.fallback


# -- building an incident -----------------------------------------------------------------


def _strongest(realis: Iterable[Realis]) -> Realis:
    values = list(realis)
    for value in _REALIS_RANK:
        if value in values:
            return value
    return values[0]


def _actors(groups: Iterable[Sequence[ActorRef]]) -> tuple[ActorRef, ...]:
    counts: dict[str, int] = {}
    first: dict[str, ActorRef] = {}
    for actors in groups:
        for actor in actors:
            counts[actor.id] = counts.get(actor.id, 0) + 1
            first.setdefault(actor.id, actor)
    return tuple(first[k] for k in sorted(counts, key=lambda k: (-counts[k], k)))


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "range": 3, "year": 4}


def _best_date(members: Sequence[Event]) -> EventDate:
    return min(
        (m.date for m in members),
        key=lambda d: (d.fallback, _PRECISION_RANK.get(d.precision, 5), d.value),
    )


def _best_place(members: Sequence[Event]) -> Place | None:
    places = [m.location for m in members if m.location is not None]
    if not places:
        return None
    return min(places, key=lambda p: (p.precision or 3, p.lat is None, p.name))


def build(
    members: Sequence[Event],
    links: Mapping[str, str],
    articles: Mapping[str, Source],
    rules: Rules,
) -> Incident:
    """One incident from its mentions (sorted by date then id)."""
    first = members[0]
    reported = [
        stamp
        for m in members
        if m.article_id in articles and (stamp := articles[m.article_id].published_at) is not None
    ]
    article_ids = sorted({m.article_id for m in members})
    known = [articles[a] for a in article_ids if a in articles]
    known += [Source(a, None, None) for a in article_ids if a not in articles]
    counted = [m for m in members if m.fatalities is not None and m.realis in FACTUAL]
    casualties = None
    if counted:
        low = min(counted, key=lambda m: (m.fatalities or 0, m.id))
        high = max(counted, key=lambda m: (m.fatalities or 0, m.id))

        def when(m: Event) -> tuple[datetime, int, str]:
            source = articles.get(m.article_id)
            stamp = source.published_at if source and source.published_at else datetime.min
            return (stamp.replace(tzinfo=None), m.fatalities or 0, m.id)

        best = max(counted, key=when)
        casualties = Casualties(
            low=low.fatalities or 0,
            best=best.fatalities or 0,
            high=high.fatalities or 0,
            low_mention=low.id,
            best_mention=best.id,
            high_mention=high.id,
        )
    # The most extreme report stands for the event (Goldstein: -10 hostile .. +10 cooperative).
    intensities = [m.intensity for m in members if m.intensity is not None]
    modes = sorted({m.mode for m in members if m.mode})
    ident = hashlib.sha256(min(m.id for m in members).encode()).hexdigest()[:16]
    return Incident(
        id=f"ev-{ident}",
        event_type=first.event_type,
        mode=modes[0] if len(modes) == 1 else (first.mode or (modes[0] if modes else None)),
        realis=_strongest(m.realis for m in members),
        source=_actors(m.source for m in members),
        target=_actors(m.target for m in members),
        date=_best_date(members),
        location=_best_place(members),
        fatalities=casualties,
        mentions=tuple(m.id for m in members),
        articles=len(article_ids),
        sources=independent_sources(known, rules.duplicate_similarity),
        first_reported=min(reported) if reported else None,
        cameo=first.cameo,
        intensity=max(intensities, key=abs) if intensities else None,
        quote=first.evidence.quote,
        links=tuple(Link(m.id, links[m.id]) for m in members),
    )
