"""Keep the store's events (incidents) in step with its mentions, incrementally."""

from __future__ import annotations

from dataclasses import dataclass

from redline.consolidate.cluster import Rules, cluster
from redline.settings import Settings
from redline.store import incidents
from redline.store.db import Store


@dataclass(frozen=True, slots=True)
class Report:
    """What a consolidation pass did."""

    mentions: int
    """Mentions that were new (or lost their event to re-coding) and were grouped."""
    regrouped: int
    """Mentions regrouped in all: the new ones and their neighbours."""
    events_before: int
    events_after: int


def rules_from(settings: Settings) -> Rules:
    """The merge rules a configuration asks for."""
    return Rules(
        radius_km=settings.merge_radius_km,
        coarse_radius_km=settings.merge_coarse_radius_km,
        slack_days=settings.merge_slack_days,
        lookback_days=settings.merge_lookback_days,
        duplicate_similarity=settings.merge_duplicate_similarity,
    )


def consolidate(store: Store, rules: Rules | None = None, *, rebuild: bool = False) -> Report:
    """Group new mentions into events, regrouping only their neighbourhood.

    With ``rebuild``, every event is recomputed from the mentions (after changing rules).
    The result equals a rebuild whatever order the articles arrived in.
    """
    before = incidents.count(store)
    if rebuild:
        incidents.clear(store)
    new = incidents.pending(store)
    if not new:
        return Report(0, 0, before, before)
    mentions, old = incidents.neighbourhood(store, new)
    articles = incidents.sources(store, {m.article_id for m in mentions})
    grouped = cluster(mentions, articles, rules or Rules())
    incidents.replace(store, old, grouped)
    return Report(len(new), len(mentions), before, incidents.count(store))
