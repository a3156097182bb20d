"""Frozen records: the contract between stages, the store and the shells.

Every record that crosses a stage boundary or reaches the store is defined here. Records
are immutable; a stage returns new records instead of editing its input. Unknown values
are ``None``, never ``""`` or ``0``. This module does no I/O and imports nothing from
outside the standard library, so every layer can depend on it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class Realis(enum.StrEnum):
    """Whether the text says an event happened, and on whose word."""

    ASSERTED = "asserted"
    CLAIMED = "claimed"
    REPORTED = "reported"
    DENIED = "denied"
    THREATENED = "threatened"
    FUTURE = "future"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"


EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
"""The 16 PLOVER event types, from cooperative to hostile."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RawPage:
    """One document as read from a file, a JSONL line or a URL, before cleaning.

    ``origin`` names where it came from (a path, ``path:line`` or a URL) and is what a
    failure points at. ``content`` is the undecoded body; ``media_type`` is ``"html"`` or
    ``"text"``. The metadata fields carry what a JSONL record or HTTP response stated.
    """

    origin: str
    content: bytes
    media_type: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    site: str | None = None
    fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A cleaned article: boilerplate removed, metadata extracted, language checked.

    ``id`` is derived from the normalised body text (content-hash identity), so the same
    article read twice, from two paths or two URLs, is one article. ``published_at`` is
    ``None`` when the page did not say; ``ingested_at`` is when redline read it.
    """

    id: str
    origin: str
    text: str
    title: str | None = None
    url: str | None = None
    author: str | None = None
    site: str | None = None
    published_at: datetime | None = None
    ingested_at: datetime
    language: str = "en"


GENERIC_PREFIX = "generic:"
"""Ids of generic actors: ``generic:UAF:AFG`` is "gunmen" in Afghanistan."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorRef:
    """A resolved actor on one side of an event.

    ``id`` is the knowledge-base id (an ISO3 code for a country, a slug for a group or
    person); ``text`` is what the article said; ``reason`` says which entry or rule won,
    so a reader can check the choice.
    """

    id: str
    name: str
    country: str | None = None
    sector: str | None = None
    sponsors: tuple[str, ...] = ()
    text: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Where an event was read: article, sentence index, character offsets, quote.

    Offsets are into ``Article.text``; ``quote`` equals ``text[start:end]`` and is the
    whole sentence that holds the trigger.
    """

    article_id: str
    sentence: int
    start: int
    end: int
    quote: str
    trigger: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventDate:
    """When an event happened, with how precisely the text says so.

    ``precision`` is one of ``day``, ``week``, ``month``, ``year``, ``range`` (then
    ``value`` is the start and ``end`` the end). ``raw`` is the time expression as written;
    ``fallback`` is true when no expression was found and the reference date stands in.
    ``basis`` says what the reference date was: ``publication``, or ``ingest`` when the
    article gave no publication date; ``story`` when the sentence named no time and the
    event takes the time an earlier sentence of the article gave; ``statement`` when the only
    time dates a statement about the event ("officials said on Friday"), which it precedes.
    """

    value: date
    precision: str = "day"
    raw: str | None = None
    fallback: bool = False
    end: date | None = None
    basis: str = "publication"


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """Where an event happened (filled by the geolocation stage)."""

    name: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: int | None = None
    raw: str | None = None
    basis: str = "text"
    """``text``: a place the article names (in the event's sentence or one before it);
    ``actor``: the article names none, so the country of the event's actors stands in
    (precision 3, ``raw`` the actor as written), as GDELT's action geography does."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventCandidate:
    """A trigger with the text of its arguments, before actors are resolved.

    The event coder produces these from a parse; the actor resolver turns them into
    ``Event`` records. ``source_text``/``target_text`` are argument phrases as written.
    """

    article_id: str
    event_type: str
    mode: str | None
    realis: Realis
    source_text: tuple[str, ...]
    target_text: tuple[str, ...]
    evidence: Evidence
    date: EventDate
    fatalities: int | None = None
    context: tuple[str, ...] = ()
    location: Place | None = None
    cameo: str | None = None
    intensity: float | None = None
    coder: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One coded event: who did what to whom, when, where, with its evidence.

    ``source`` and ``target`` are tuples because PLOVER actors are lists ("the US and UK
    condemned Iran"). ``cameo`` is the CAMEO code of the type and mode, and ``intensity``
    its Goldstein value (−10 most hostile … +10 most cooperative), for GDELT/ICEWS users.
    ``coder`` names the stage and version that produced it. ``id`` is a
    hash of (article, evidence span, event type, coder), so re-coding is an upsert.
    """

    id: str
    article_id: str
    date: EventDate
    event_type: str
    mode: str | None
    realis: Realis
    source: tuple[ActorRef, ...]
    target: tuple[ActorRef, ...]
    evidence: Evidence
    coder: str
    context: tuple[str, ...] = ()
    location: Place | None = None
    fatalities: int | None = None
    cameo: str | None = None
    intensity: float | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """One item that a stage could not handle, kept so the user can list and fix it.

    ``item`` is what failed (a path, ``path:line``, a URL or an article id); ``kind`` is a
    short machine-readable category; ``message`` is one sentence for a person.
    """

    stage: str
    item: str
    kind: str
    message: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """What one batch (or a whole run) produced: new articles, events and failures.

    ``skipped`` counts articles that were already stored and coded, so a rerun is a no-op.
    """

    articles: tuple[Article, ...] = ()
    events: tuple[Event, ...] = ()
    failures: tuple[Failure, ...] = ()
    skipped: int = 0
    sentences: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    """Counts for a whole run, without holding every record in memory."""

    articles: int = 0
    events: int = 0
    failures: int = 0
    skipped: int = 0
    sentences: int = 0
    failure_kinds: dict[str, int] = field(default_factory=dict)
    incidents: int = 0
    """Consolidated events in the store after the run (0 when the run coded nothing)."""

    def add(self, result: RunResult) -> RunSummary:
        """Return the summary with one more batch counted."""
        kinds = dict(self.failure_kinds)
        for failure in result.failures:
            kinds[failure.kind] = kinds.get(failure.kind, 0) + 1
        return RunSummary(
            articles=self.articles + len(result.articles),
            events=self.events + len(result.events),
            failures=self.failures + len(result.failures),
            skipped=self.skipped + result.skipped,
            sentences=self.sentences + result.sentences,
            failure_kinds=kinds,
            incidents=self.incidents,
        )
