"""Incidents (consolidated events) in the store: the neighbourhood of new mentions, and writes.

Incidents are derived data: ``replace`` swaps a set of incidents for their recomputation in
one transaction, so a killed run leaves either the old or the new grouping, never half.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from redline.analyze.sides import side_readings
from redline.consolidate.cluster import Casualties, Incident, Link, Source
from redline.errors import StoreError
from redline.model import EventDate, Realis
from redline.store.codec import actor_from_dict, actor_to_dict, place_from_dict, place_to_dict

if TYPE_CHECKING:
    from redline.model import Event
    from redline.store.db import Store

_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("event_type", pa.string()),
        ("mode", pa.string()),
        ("realis", pa.string()),
        ("source", pa.string()),
        ("target", pa.string()),
        ("source_ids", pa.list_(pa.string())),
        ("target_ids", pa.list_(pa.string())),
        ("date", pa.date32()),
        ("date_precision", pa.string()),
        ("date_end", pa.date32()),
        ("date_fallback", pa.bool_()),
        ("location", pa.string()),
        ("fatalities", pa.string()),
        ("fatalities_best", pa.int32()),
        ("mentions", pa.int32()),
        ("articles", pa.int32()),
        ("sources", pa.int32()),
        ("first_reported", pa.timestamp("us")),
        ("cameo", pa.string()),
        ("intensity", pa.float64()),
        ("quote", pa.string()),
        ("source_rollup", pa.list_(pa.string())),
        ("target_rollup", pa.list_(pa.string())),
    ]
)
_COLUMNS = ", ".join(_SCHEMA.names)
_LINK_SCHEMA = pa.schema(
    [("incident_id", pa.string()), ("mention_id", pa.string()), ("reason", pa.string())]
)

WINDOW = timedelta(days=35)
"""New mentions are regrouped with stored mentions this close in date (a month-precise date
spans 31 days); a year-precise mention only finds what falls in that window."""


def _row(incident: Incident) -> dict[str, Any]:
    first = incident.first_reported
    return {
        "id": incident.id,
        "event_type": incident.event_type,
        "mode": incident.mode,
        "realis": str(incident.realis),
        "source": json.dumps([actor_to_dict(a) for a in incident.source]),
        "target": json.dumps([actor_to_dict(a) for a in incident.target]),
        "source_ids": [a.id for a in incident.source],
        "target_ids": [a.id for a in incident.target],
        "date": incident.date.value,
        "date_precision": incident.date.precision,
        "date_end": incident.date.end,
        "date_fallback": incident.date.fallback,
        "location": json.dumps(place_to_dict(incident.location)) if incident.location else None,
        "fatalities": json.dumps(asdict(incident.fatalities)) if incident.fatalities else None,
        "fatalities_best": incident.fatalities.best if incident.fatalities else None,
        "mentions": len(incident.mentions),
        "articles": incident.articles,
        "sources": incident.sources,
        "first_reported": first.replace(tzinfo=None) - (first.utcoffset() or timedelta())
        if first
        else None,
        "cameo": incident.cameo,
        "intensity": incident.intensity,
        "quote": incident.quote,
        "source_rollup": side_readings(incident.source),
        "target_rollup": side_readings(incident.target),
    }


def from_row(row: dict[str, Any], links: Sequence[Link] = ()) -> Incident:
    """An incident read back; ``mentions`` and ``links`` come from the link table."""
    return Incident(
        id=row["id"],
        event_type=row["event_type"],
        mode=row["mode"],
        realis=Realis(row["realis"]),
        source=tuple(actor_from_dict(a) for a in json.loads(row["source"])),
        target=tuple(actor_from_dict(a) for a in json.loads(row["target"])),
        date=EventDate(
            value=row["date"],
            precision=row["date_precision"],
            end=row["date_end"],
            fallback=row["date_fallback"],
        ),
        location=place_from_dict(json.loads(row["location"])) if row["location"] else None,
        fatalities=Casualties(**json.loads(row["fatalities"])) if row["fatalities"] else None,
        mentions=tuple(link.mention for link in links),
        articles=row["articles"],
        sources=row["sources"],
        first_reported=row["first_reported"].replace(tzinfo=UTC) if row["first_reported"] else None,
        cameo=row["cameo"],
        intensity=row["intensity"],
        quote=row["quote"],
        links=tuple(links),
    )


def pending(store: Store) -> list[str]:
    """Mentions in no incident, and mentions of incidents that lost a mention (re-coding)."""
    rows = store._query(
        """
        SELECT e.id FROM events e
        LEFT JOIN incident_mentions l ON l.mention_id = e.id
        WHERE l.mention_id IS NULL
        UNION
        SELECT l2.mention_id FROM incident_mentions l
        LEFT JOIN events e ON e.id = l.mention_id
        JOIN incident_mentions l2 ON l2.incident_id = l.incident_id
        WHERE e.id IS NULL
        """
    )
    return sorted(row["id"] for row in rows)


def neighbourhood(store: Store, mention_ids: Iterable[str]) -> tuple[list[Event], set[str]]:
    """The stored mentions that new ``mention_ids`` could be grouped with, and the incidents
    those belong to (which the regrouping replaces), closed over whole incidents."""
    from redline.store.db import _event_from_row

    wanted = sorted(set(mention_ids))
    if not wanted:
        return [], set()
    spans = store._query(
        "SELECT event_type, min(date) AS lo, max(date) AS hi FROM events "
        "WHERE list_contains(?, id) GROUP BY event_type",
        [wanted],
    )
    events: dict[str, Event] = {}
    for span in spans:
        for row in store._query(
            "SELECT * FROM events WHERE event_type = ? AND date BETWEEN ? AND ?",
            [span["event_type"], span["lo"] - WINDOW, span["hi"] + WINDOW],
        ):
            events[row["id"]] = _event_from_row(row)
    incidents: set[str] = set()
    while True:
        found = {
            row["incident_id"]
            for row in store._query(
                "SELECT DISTINCT incident_id FROM incident_mentions "
                "WHERE list_contains(?, mention_id)",
                [sorted(events)],
            )
        }
        # Orphaned links (their mention was re-coded away) still name their incident.
        if found <= incidents:
            break
        incidents |= found
        for row in store._query(
            "SELECT e.* FROM events e JOIN incident_mentions l ON l.mention_id = e.id "
            "WHERE list_contains(?, l.incident_id)",
            [sorted(incidents)],
        ):
            events.setdefault(row["id"], _event_from_row(row))
    return list(events.values()), incidents


def sources(store: Store, article_ids: Iterable[str]) -> dict[str, Source]:
    """Outlet, publication time and text fingerprint of each article."""
    wanted = sorted(set(article_ids))
    rows = store._query(
        "SELECT id, site, url, published_at, ingested_at, text FROM articles "
        "WHERE list_contains(?, id)",
        [wanted],
    )
    out = {}
    for row in rows:
        site = row["site"] or _host(row["url"])
        out[row["id"]] = Source(
            id=row["id"],
            site=site,
            published_at=row["published_at"] or row["ingested_at"],
            text=row["text"] or "",
        )
    return out


def _host(url: str | None) -> str | None:
    if not url or "://" not in url:
        return None
    return url.split("://", 1)[1].split("/", 1)[0].lower().removeprefix("www.")


def replace(store: Store, old: Iterable[str], new: Sequence[Incident]) -> None:
    """Swap incidents ``old`` for ``new`` in one transaction."""
    if store.read_only:
        raise StoreError(f"Store {store.path} is open read-only; it cannot be written.")
    table = pa.Table.from_pylist([_row(i) for i in new], schema=_SCHEMA)
    links = pa.Table.from_pylist(
        [
            {"incident_id": i.id, "mention_id": link.mention, "reason": link.reason}
            for i in new
            for link in i.links
        ],
        schema=_LINK_SCHEMA,
    )
    gone = sorted(set(old) | {i.id for i in new})
    mentions = sorted({m for i in new for m in i.mentions})
    connection = store.connection
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.register("new_incidents", table)
        connection.register("new_links", links)
        connection.execute(
            "DELETE FROM incident_mentions WHERE list_contains(?, incident_id) "
            "OR list_contains(?, mention_id)",
            [gone, mentions],
        )
        connection.execute("DELETE FROM incidents WHERE list_contains(?, id)", [gone])
        connection.execute(
            f"INSERT INTO incidents ({_COLUMNS}) SELECT {_COLUMNS} FROM new_incidents"
        )
        connection.execute("INSERT INTO incident_mentions SELECT * FROM new_links")
        # Incidents left with no mention (all re-coded away) go too.
        connection.execute(
            "DELETE FROM incidents WHERE id NOT IN (SELECT incident_id FROM incident_mentions)"
        )
        connection.execute("COMMIT")
    except Exception as exc:
        connection.execute("ROLLBACK")
        raise StoreError(f"Writing events to {store.path} failed: {exc}") from exc
    finally:
        connection.unregister("new_incidents")
        connection.unregister("new_links")


def clear(store: Store) -> None:
    """Forget every incident (before a rebuild)."""
    store.connection.execute("BEGIN TRANSACTION")
    store.connection.execute("DELETE FROM incident_mentions")
    store.connection.execute("DELETE FROM incidents")
    store.connection.execute("COMMIT")


def read(
    store: Store,
    *,
    clauses: Sequence[str] = (),
    parameters: Sequence[Any] = (),
    limit: int | None = None,
    with_links: bool = False,
    offset: int = 0,
) -> list[Incident]:
    """Incidents matching SQL ``clauses`` (over the incidents table), by date then id."""
    sql = f"SELECT {_COLUMNS} FROM incidents"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY date, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if offset:
        sql += f" OFFSET {int(offset)}"
    rows = store._query(sql, parameters)
    links: dict[str, list[Link]] = {}
    ids = [row["id"] for row in rows]
    if ids:
        query = (
            "SELECT l.incident_id, l.mention_id, l.reason FROM incident_mentions l "
            "JOIN events e ON e.id = l.mention_id WHERE list_contains(?, l.incident_id) "
            "ORDER BY e.date, l.mention_id"
        )
        for row in store._query(query, [ids]):
            links.setdefault(row["incident_id"], []).append(
                Link(row["mention_id"], row["reason"] if with_links else "")
            )
    return [from_row(row, links.get(row["id"], ())) for row in rows]


def count(store: Store) -> int:
    return int(store._query("SELECT count(*) AS n FROM incidents")[0]["n"])


def to_dict(incident: Incident) -> dict[str, Any]:
    """An incident as JSON-ready dict (the documented keys of an event in exports and the API)."""
    return {
        "id": incident.id,
        "date": incident.date.value.isoformat(),
        "date_precision": incident.date.precision,
        "date_end": incident.date.end.isoformat() if incident.date.end else None,
        "event_type": incident.event_type,
        "mode": incident.mode,
        "realis": str(incident.realis),
        "source": [actor_to_dict(a) for a in incident.source],
        "target": [actor_to_dict(a) for a in incident.target],
        "location": place_to_dict(incident.location) if incident.location else None,
        "fatalities": asdict(incident.fatalities) if incident.fatalities else None,
        "mentions": len(incident.mentions),
        "mention_ids": list(incident.mentions),
        "articles": incident.articles,
        "sources": incident.sources,
        "first_reported": incident.first_reported.isoformat() if incident.first_reported else None,
        "cameo": incident.cameo,
        "intensity": incident.intensity,
        "quote": incident.quote,
    }
