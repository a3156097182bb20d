"""The DuckDB store: one writer, bulk transactional upserts, read-only readers.

Only this package issues SQL that writes. ``Store.append`` writes one batch in one
transaction (articles, their events and failures together), so a run killed mid-way
leaves whole batches or nothing, and rerunning converges on the same store because ids
are deterministic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from redline.analyze.sides import rolled, side_readings
from redline.errors import SchemaVersionError, StoreError

if TYPE_CHECKING:
    from redline.consolidate.cluster import Incident
from redline.model import (
    Article,
    Event,
    EventDate,
    Evidence,
    Failure,
    Realis,
    RunResult,
)
from redline.store import migrations
from redline.store.codec import actor_from_dict, actor_to_dict, place_from_dict, place_to_dict

_ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("origin", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("site", pa.string()),
        ("published_at", pa.timestamp("us")),
        ("ingested_at", pa.timestamp("us")),
        ("language", pa.string()),
        ("text", pa.string()),
        ("coded_by", pa.string()),
        ("coded_at", pa.timestamp("us")),
    ]
)
_EVENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article_id", pa.string()),
        ("date", pa.date32()),
        ("date_precision", pa.string()),
        ("date_raw", pa.string()),
        ("date_fallback", pa.bool_()),
        ("event_type", pa.string()),
        ("mode", pa.string()),
        ("context", pa.list_(pa.string())),
        ("realis", pa.string()),
        ("source", pa.string()),
        ("target", pa.string()),
        ("source_ids", pa.list_(pa.string())),
        ("target_ids", pa.list_(pa.string())),
        ("location", pa.string()),
        ("fatalities", pa.int32()),
        ("sentence", pa.int32()),
        ("start_offset", pa.int32()),
        ("end_offset", pa.int32()),
        ("quote", pa.string()),
        ("trigger", pa.string()),
        ("coder", pa.string()),
        ("confidence", pa.float64()),
        ("cameo", pa.string()),
        ("intensity", pa.float64()),
        ("date_end", pa.date32()),
        ("date_basis", pa.string()),
        ("source_rollup", pa.list_(pa.string())),
        ("target_rollup", pa.list_(pa.string())),
    ]
)
_FAILURE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("stage", pa.string()),
        ("item", pa.string()),
        ("kind", pa.string()),
        ("message", pa.string()),
        ("at", pa.timestamp("us")),
    ]
)
_EVENT_COLUMNS = ", ".join(_EVENT_SCHEMA.names)
_ARTICLE_COLUMNS = ", ".join(_ARTICLE_SCHEMA.names)


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


def date_range(
    clauses: list[str], parameters: list[Any], since: date | None, until: date | None
) -> None:
    """Add the SQL of a date range (either end optional) to a query's clauses."""
    if since:
        clauses.append("date >= ?")
        parameters.append(since)
    if until:
        clauses.append("date <= ?")
        parameters.append(until)


def failure_id(failure: Failure) -> str:
    """Failures are keyed by what failed and why, so a rerun does not duplicate them."""
    key = "\x1f".join((failure.stage, failure.item, failure.kind, failure.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _article_row(
    article: Article, coded_by: str | None, coded_at: datetime | None
) -> dict[str, Any]:
    return {
        "id": article.id,
        "origin": article.origin,
        "url": article.url,
        "title": article.title,
        "author": article.author,
        "site": article.site,
        "published_at": _naive_utc(article.published_at),
        "ingested_at": _naive_utc(article.ingested_at),
        "language": article.language,
        "text": article.text,
        "coded_by": coded_by,
        "coded_at": coded_at,
    }


def _event_row(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "article_id": event.article_id,
        "date": event.date.value,
        "date_precision": event.date.precision,
        "date_raw": event.date.raw,
        "date_fallback": event.date.fallback,
        "event_type": event.event_type,
        "mode": event.mode,
        "context": list(event.context),
        "realis": str(event.realis),
        "source": json.dumps([actor_to_dict(a) for a in event.source]),
        "target": json.dumps([actor_to_dict(a) for a in event.target]),
        "source_ids": [a.id for a in event.source],
        "target_ids": [a.id for a in event.target],
        "location": json.dumps(place_to_dict(event.location)) if event.location else None,
        "fatalities": event.fatalities,
        "sentence": event.evidence.sentence,
        "start_offset": event.evidence.start,
        "end_offset": event.evidence.end,
        "quote": event.evidence.quote,
        "trigger": event.evidence.trigger,
        "coder": event.coder,
        "confidence": event.confidence,
        "cameo": event.cameo,
        "intensity": event.intensity,
        "date_end": event.date.end,
        "date_basis": event.date.basis,
        "source_rollup": side_readings(event.source),
        "target_rollup": side_readings(event.target),
    }


def _event_from_row(row: dict[str, Any]) -> Event:
    evidence = Evidence(
        article_id=row["article_id"],
        sentence=row["sentence"],
        start=row["start_offset"],
        end=row["end_offset"],
        quote=row["quote"],
        trigger=row["trigger"],
    )
    return Event(
        id=row["id"],
        article_id=row["article_id"],
        date=EventDate(
            value=row["date"],
            precision=row["date_precision"],
            raw=row["date_raw"],
            fallback=row["date_fallback"],
            end=row["date_end"],
            basis=row["date_basis"] or "publication",
        ),
        event_type=row["event_type"],
        mode=row["mode"],
        context=tuple(row["context"]),
        realis=Realis(row["realis"]),
        source=tuple(actor_from_dict(a) for a in json.loads(row["source"])),
        target=tuple(actor_from_dict(a) for a in json.loads(row["target"])),
        location=place_from_dict(json.loads(row["location"])) if row["location"] else None,
        fatalities=row["fatalities"],
        evidence=evidence,
        coder=row["coder"],
        confidence=row["confidence"],
        cameo=row["cameo"],
        intensity=row["intensity"],
    )


def _article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        origin=row["origin"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        author=row["author"],
        site=row["site"],
        published_at=_aware(row["published_at"]),
        ingested_at=_aware(row["ingested_at"]) or datetime.now(UTC),
        language=row["language"],
    )


class Store:
    """The event store, a DuckDB file (or ``":memory:"``).

    Open it for writing in exactly one process; readers open it ``read_only=True``.

    Example:
        >>> with Store(":memory:") as store:
        ...     store.counts()["events"]
        0
    """

    def __init__(self, path: str | Path = "redline.duckdb", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"No store at {self.path}; run `redline run PATH` first or pass --db.")
        try:
            self.connection = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"Cannot open store {self.path}: {exc}") from None
        if not read_only:
            migrations.apply(self.connection)
        elif not self._has_table("_migrations"):
            self.connection.close()
            raise StoreError(f"{self.path} is not a redline store (no _migrations table).")
        older = migrations.pending(self.connection)
        if read_only and older:
            self.connection.close()
            raise SchemaVersionError(
                f"Store {self.path} was written by an older redline (missing migrations "
                f"{', '.join(older)}); run `redline consolidate --db {self.path}` once to "
                "upgrade it."
            )
        newer = migrations.unknown(self.connection)
        if newer:
            self.connection.close()
            raise SchemaVersionError(
                f"Store {self.path} was written by a newer redline (migrations "
                f"{', '.join(newer)}); upgrade redline to read it."
            )

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; a closed store cannot be used again."""
        self.connection.close()

    def _has_table(self, name: str) -> bool:
        rows = self.connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()
        return bool(rows[0][0])

    def _query(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql, list(parameters))
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    # -- writing -----------------------------------------------------------------------

    def append(self, result: RunResult, *, coded_by: str | None = None) -> None:
        """Write a batch in one transaction.

        Articles are inserted if new (content-hash identity makes re-ingest a no-op).
        With ``coded_by``, the articles are marked as coded by that coder and their old
        events from the same coder are replaced by ``result.events``. Failures are
        upserted by (stage, item, kind, message).
        """
        if self.read_only:
            raise StoreError(f"Store {self.path} is open read-only; it cannot be written.")
        coded_at = _naive_utc(datetime.now(UTC)) if coded_by else None
        articles = {a.id: a for a in result.articles}
        article_table = pa.Table.from_pylist(
            [_article_row(a, coded_by, coded_at) for a in articles.values()],
            schema=_ARTICLE_SCHEMA,
        )
        events = {e.id: e for e in result.events}
        event_table = pa.Table.from_pylist(
            [_event_row(e) for e in events.values()], schema=_EVENT_SCHEMA
        )
        failures = {failure_id(f): f for f in result.failures}
        failure_table = pa.Table.from_pylist(
            [
                {
                    "id": key,
                    "stage": f.stage,
                    "item": f.item,
                    "kind": f.kind,
                    "message": f.message,
                    "at": _naive_utc(f.at),
                }
                for key, f in failures.items()
            ],
            schema=_FAILURE_SCHEMA,
        )
        connection = self.connection
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.register("batch_articles", article_table)
            connection.register("batch_events", event_table)
            connection.register("batch_failures", failure_table)
            connection.execute(
                f"INSERT INTO articles ({_ARTICLE_COLUMNS}) "
                f"SELECT {_ARTICLE_COLUMNS} FROM batch_articles "
                "ON CONFLICT (id) DO NOTHING"
            )
            if coded_by is not None and articles:
                connection.execute(
                    "DELETE FROM events WHERE coder = ? AND article_id IN "
                    "(SELECT id FROM batch_articles)",
                    [coded_by],
                )
                connection.execute(
                    "UPDATE articles SET coded_by = ?, coded_at = ? "
                    "WHERE id IN (SELECT id FROM batch_articles)",
                    [coded_by, coded_at],
                )
            connection.execute(
                f"INSERT OR REPLACE INTO events ({_EVENT_COLUMNS}) "
                f"SELECT {_EVENT_COLUMNS} FROM batch_events"
            )
            connection.execute("INSERT OR REPLACE INTO failures SELECT * FROM batch_failures")
            connection.execute("COMMIT")
        except Exception as exc:
            connection.execute("ROLLBACK")
            raise StoreError(f"Writing a batch to {self.path} failed: {exc}") from exc
        finally:
            for name in ("batch_articles", "batch_events", "batch_failures"):
                connection.unregister(name)

    # -- reading -----------------------------------------------------------------------

    def known_articles(self, ids: Iterable[str], *, coded_by: str | None = None) -> set[str]:
        """Which of ``ids`` are stored (and, with ``coded_by``, coded by that coder)."""
        wanted = list(set(ids))
        if not wanted:
            return set()
        sql = "SELECT id FROM articles WHERE list_contains(?, id)"
        parameters: list[Any] = [wanted]
        if coded_by is not None:
            sql += " AND coded_by = ?"
            parameters.append(coded_by)
        return {row["id"] for row in self._query(sql, parameters)}

    def articles_pending(self, coder: str, *, batch_size: int = 32) -> Iterator[list[Article]]:
        """Stored articles not yet coded by ``coder``, in batches, oldest ingest first."""
        ids = [
            row["id"]
            for row in self._query(
                "SELECT id FROM articles WHERE coded_by IS DISTINCT FROM ? "
                "ORDER BY ingested_at, id",
                [coder],
            )
        ]
        # Its own cursor: a runner may pull batches from another thread while the driver
        # writes results through the main connection.
        reader = self.connection.cursor()
        try:
            for start in range(0, len(ids), batch_size):
                chunk = ids[start : start + batch_size]
                cursor = reader.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE list_contains(?, id) "
                    "ORDER BY ingested_at, id",
                    [chunk],
                )
                columns = [d[0] for d in cursor.description]
                rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
                yield [_article_from_row(row) for row in rows]
        finally:
            reader.close()

    def count_pending(self, coder: str) -> int:
        """How many stored articles ``coder`` has not coded yet."""
        rows = self._query(
            "SELECT count(*) AS n FROM articles WHERE coded_by IS DISTINCT FROM ?", [coder]
        )
        return int(rows[0]["n"])

    def article(self, article_id: str) -> Article | None:
        """One article by id, or ``None``."""
        rows = self._query(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", [article_id])
        return _article_from_row(rows[0]) if rows else None

    def article_metadata(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """url, site, title and published_at (aware, or ``None``) of articles, by id; no text."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self._query(
            "SELECT id, url, site, title, published_at, ingested_at FROM articles "
            "WHERE list_contains(?, id)",
            [wanted],
        )
        return {
            row["id"]: {
                "url": row["url"],
                "site": row["site"],
                "title": row["title"],
                "published_at": _aware(row["published_at"]),
                "ingested_at": _aware(row["ingested_at"]),
            }
            for row in rows
        }

    def events(
        self,
        *,
        actor: str | None = None,
        event_type: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Events matching the filters, ordered by date then id.

        Args:
            actor: an actor id on either side (``USA``, ``kataib-hezbollah``); also matches
                a sponsor of an actor, so ``IRN`` finds events by Iran's proxies.
            event_type: a PLOVER event type such as ``ASSAULT``.
            since: first date included.
            until: last date included.
            limit: most events returned.
        """
        clauses, parameters = self._event_filters(actor, event_type, since, until)
        sql = f"SELECT {_EVENT_COLUMNS} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY date, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_event_from_row(row) for row in self._query(sql, parameters)]

    @staticmethod
    def _event_filters(
        actor: str | None, event_type: str | None, since: date | None, until: date | None
    ) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        parameters: list[Any] = []
        if actor:
            clauses.append(
                "(list_contains(source_ids, ?) OR list_contains(target_ids, ?) "
                "OR source LIKE ? OR target LIKE ?)"
            )
            needle = f'%"sponsors": [%"{actor}"%]%'
            parameters += [actor, actor, needle, needle]
        if event_type:
            clauses.append("event_type = ?")
            parameters.append(event_type.upper())
        date_range(clauses, parameters, since, until)
        return clauses, parameters

    def mentions(self, ids: Iterable[str]) -> list[Event]:
        """Mentions (coded reports) by id, ordered by date then id."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        rows = self._query(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE list_contains(?, id) ORDER BY date, id",
            [wanted],
        )
        return [_event_from_row(row) for row in rows]

    def incidents(
        self,
        *,
        actor: str | None = None,
        event_type: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
        with_links: bool = False,
    ) -> list[Incident]:
        """Consolidated events matching the filters (as ``events``), by date then id."""
        from redline.store import incidents

        clauses, parameters = self._event_filters(actor, event_type, since, until)
        return incidents.read(
            self, clauses=clauses, parameters=parameters, limit=limit, with_links=with_links
        )

    def failures(self) -> list[Failure]:
        """Every recorded failure, newest first."""
        rows = self._query(
            'SELECT stage, item, kind, message, "at" FROM failures ORDER BY "at" DESC, item'
        )
        return [
            Failure(
                stage=row["stage"],
                item=row["item"],
                kind=row["kind"],
                message=row["message"],
                at=_aware(row["at"]) or datetime.now(UTC),
            )
            for row in rows
        ]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        return {
            table: int(self._query(f"SELECT count(*) AS n FROM {table}")[0]["n"])
            for table in ("articles", "events", "incidents", "failures")
        }

    def dyad_counts(
        self, *, rollup: bool = False, mentions: bool = False
    ) -> list[tuple[str, str, int]]:
        """(source id, target id, events) for every directed actor pair, most events first.

        Counts consolidated events; with ``mentions``, every coded report instead.

        With ``rollup``, each actor counts as the state its sponsor chain ends in (Kata'ib
        Hezbollah as IRN), as stored on the event when it was coded; an event counts once
        per pair even if several of its actors roll up to the same state.
        """
        table = "events" if mentions else "incidents"
        if not rollup:
            rows = self._query(
                f"""
                SELECT s AS source, t AS target, count(*) AS n
                FROM (SELECT unnest(source_ids) AS s, target_ids FROM {table})
                     CROSS JOIN LATERAL (SELECT unnest(target_ids) AS t)
                GROUP BY s, t ORDER BY n DESC, s, t
                """
            )
            return [(row["source"], row["target"], int(row["n"])) for row in rows]
        counts: dict[tuple[str, str], int] = {}
        for row in self._query(f"SELECT source, target FROM {table}"):
            sources = {rolled(actor_from_dict(a)) for a in json.loads(row["source"])}
            targets = {rolled(actor_from_dict(a)) for a in json.loads(row["target"])}
            for pair in {(s, t) for s in sources for t in targets}:
                counts[pair] = counts.get(pair, 0) + 1
        return sorted(
            ((s, t, n) for (s, t), n in counts.items()), key=lambda x: (-x[2], x[0], x[1])
        )
