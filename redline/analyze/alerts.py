"""Alerts with their evidence: evaluate the rules over the store and keep each alert once.

``check`` is what ``redline alerts`` and ``redline watch`` run: it evaluates every rule over
the stored events, attaches the reports behind each alert (article, link, sentence), and
stores the alerts that are new. An alert's id is a function of the rule and its events, so
a second run stores nothing and returns nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from redline.analyze.rules import Alert, Rule, evaluate
from redline.consolidate.cluster import Incident
from redline.model import Article
from redline.store import alerts as stored
from redline.store.db import Store


@dataclass(frozen=True, slots=True)
class Report:
    """One report behind an event: the article and the sentence that said it."""

    article_id: str
    url: str | None
    title: str | None
    site: str | None
    quote: str
    realis: str


@dataclass(frozen=True, slots=True)
class Proof:
    """One event an alert rests on, with every report of it."""

    incident: str
    date: date
    summary: str
    place: str | None
    fatalities: int | None
    sources: int
    quote: str
    reports: tuple[Report, ...]


@dataclass(frozen=True, slots=True)
class FiredAlert:
    """An alert as stored: the rule's verdict, its evidence and when redline raised it."""

    alert: Alert
    evidence: tuple[Proof, ...]
    fired_at: datetime

    def payload(self) -> dict[str, Any]:
        """The JSON shape delivered to sinks and served by the API (documented keys)."""
        return {
            "id": self.alert.id,
            "rule": self.alert.rule,
            "title": self.alert.title,
            "severity": self.alert.severity,
            "date": self.alert.date.isoformat(),
            "summary": self.alert.message,
            "incidents": list(self.alert.incidents),
            "fired_at": self.fired_at.isoformat(),
            "evidence": [proof_dict(p) for p in self.evidence],
        }


def proof_dict(proof: Proof) -> dict[str, Any]:
    """One piece of evidence as JSON-ready dict."""
    return {**asdict(proof), "date": proof.date.isoformat()}


def unstored(alert: Alert, evidence: Sequence[Proof]) -> dict[str, Any]:
    """The payload of an alert that was evaluated but not stored (a dry run)."""
    return {
        "id": alert.id,
        "rule": alert.rule,
        "title": alert.title,
        "severity": alert.severity,
        "date": alert.date.isoformat(),
        "summary": alert.message,
        "incidents": list(alert.incidents),
        "fired_at": None,
        "evidence": [proof_dict(p) for p in evidence],
    }


@dataclass(frozen=True, slots=True)
class Check:
    """What one evaluation found: the alerts new to the store, and how many fired in all."""

    new: tuple[FiredAlert, ...]
    fired: int


def _names(actors: Sequence[Any]) -> str:
    return ", ".join(a.name for a in actors) or "unknown"


def _published(article: Article | None) -> datetime:
    if article is None:
        return datetime.max.replace(tzinfo=UTC)
    return article.published_at or article.ingested_at


def proofs(store: Store, incidents: Sequence[Incident]) -> tuple[Proof, ...]:
    """The evidence for some events: each with the reports (mentions) behind it."""
    mentions = {m.id: m for m in store.mentions(i for inc in incidents for i in inc.mentions)}
    articles = {a: store.article(a) for a in {m.article_id for m in mentions.values()}}
    found = []
    for incident in incidents:
        reports = []
        for mention_id in incident.mentions:
            mention = mentions.get(mention_id)
            if mention is None:
                continue
            article = articles.get(mention.article_id)
            reports.append(
                Report(
                    article_id=mention.article_id,
                    url=article.url if article else None,
                    title=article.title if article else None,
                    site=article.site if article else None,
                    quote=mention.evidence.quote,
                    realis=str(mention.realis),
                )
            )
        # First report first: the order an analyst reads the story in.
        reports.sort(key=lambda r: (_published(articles.get(r.article_id)), r.article_id))
        found.append(
            Proof(
                incident=incident.id,
                date=incident.date.value,
                summary=f"{_names(incident.source)} -> {_names(incident.target)}: "
                f"{incident.event_type}" + (f"/{incident.mode}" if incident.mode else ""),
                place=incident.location.name if incident.location else None,
                fatalities=incident.fatalities.best if incident.fatalities else None,
                sources=incident.sources,
                quote=incident.quote,
                reports=tuple(reports),
            )
        )
    return tuple(found)


def check(store: Store, rules: Sequence[Rule], *, now: datetime | None = None) -> Check:
    """Evaluate ``rules`` over every stored event; store and return the alerts not seen yet."""
    incidents = {i.id: i for i in store.incidents()}
    raised = evaluate(rules, incidents.values())
    known = stored.known(store, [a.id for a in raised])
    fired_at = now or datetime.now(UTC)
    new = tuple(
        FiredAlert(a, proofs(store, [incidents[i] for i in a.incidents]), fired_at)
        for a in raised
        if a.id not in known
    )
    stored.save(store, [(f.alert, f.payload()) for f in new], fired_at)
    return Check(new=new, fired=len(raised))


def listed(store: Store, *, rule: str | None = None) -> list[dict[str, Any]]:
    """Stored alerts (payloads as ``FiredAlert.payload``), oldest event first."""
    return stored.read(store, rule=rule)
