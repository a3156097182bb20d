"""Schema migrations: plain functions, applied in order, recorded in ``_migrations``.

A new column is a field on a record in ``model.py`` plus one function here; never edit a
migration that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Migration = Callable[[Any], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration function under a unique, never-reused name."""

    def register(function: Migration) -> Migration:
        if any(existing == name for existing, _ in MIGRATIONS):
            raise ValueError(f"Migration {name!r} is registered twice.")
        MIGRATIONS.append((name, function))
        return function

    return register


@migration("0001_initial")
def _initial(connection: Any) -> None:
    connection.execute(
        """
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            origin VARCHAR NOT NULL,
            url VARCHAR,
            title VARCHAR,
            author VARCHAR,
            site VARCHAR,
            published_at TIMESTAMP,
            ingested_at TIMESTAMP NOT NULL,
            language VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            coded_by VARCHAR,
            coded_at TIMESTAMP
        )
        """
    )
    connection.execute(
        """
        CREATE TABLE events (
            id VARCHAR PRIMARY KEY,
            article_id VARCHAR NOT NULL,
            date DATE NOT NULL,
            date_precision VARCHAR NOT NULL,
            date_raw VARCHAR,
            date_fallback BOOLEAN NOT NULL,
            event_type VARCHAR NOT NULL,
            mode VARCHAR,
            context VARCHAR[] NOT NULL,
            realis VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            target VARCHAR NOT NULL,
            source_ids VARCHAR[] NOT NULL,
            target_ids VARCHAR[] NOT NULL,
            location VARCHAR,
            fatalities INTEGER,
            sentence INTEGER NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            quote VARCHAR NOT NULL,
            trigger VARCHAR,
            coder VARCHAR NOT NULL,
            confidence DOUBLE
        )
        """
    )
    connection.execute(
        """
        CREATE TABLE failures (
            id VARCHAR PRIMARY KEY,
            stage VARCHAR NOT NULL,
            item VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            message VARCHAR NOT NULL,
            "at" TIMESTAMP NOT NULL
        )
        """
    )


@migration("0002_event_cameo_intensity")
def _event_cameo_intensity(connection: Any) -> None:
    connection.execute("ALTER TABLE events ADD COLUMN cameo VARCHAR")
    connection.execute("ALTER TABLE events ADD COLUMN intensity DOUBLE")


@migration("0003_event_date_end_basis")
def _event_date_end_basis(connection: Any) -> None:
    connection.execute("ALTER TABLE events ADD COLUMN date_end DATE")
    connection.execute("ALTER TABLE events ADD COLUMN date_basis VARCHAR")


@migration("0004_incidents")
def _incidents(connection: Any) -> None:
    # An incident is one real-world event; the events table holds its mentions.
    connection.execute(
        """
        CREATE TABLE incidents (
            id VARCHAR PRIMARY KEY,
            event_type VARCHAR NOT NULL,
            mode VARCHAR,
            realis VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            target VARCHAR NOT NULL,
            source_ids VARCHAR[] NOT NULL,
            target_ids VARCHAR[] NOT NULL,
            date DATE NOT NULL,
            date_precision VARCHAR NOT NULL,
            date_end DATE,
            date_fallback BOOLEAN NOT NULL,
            location VARCHAR,
            fatalities VARCHAR,
            fatalities_best INTEGER,
            mentions INTEGER NOT NULL,
            articles INTEGER NOT NULL,
            sources INTEGER NOT NULL,
            first_reported TIMESTAMP,
            cameo VARCHAR,
            intensity DOUBLE,
            quote VARCHAR NOT NULL
        )
        """
    )
    connection.execute(
        """
        CREATE TABLE incident_mentions (
            incident_id VARCHAR NOT NULL,
            mention_id VARCHAR NOT NULL PRIMARY KEY,
            reason VARCHAR NOT NULL
        )
        """
    )


@migration("0005_sides_alerts")
def _sides_alerts(connection: Any) -> None:
    # Roll-up readings of each side (actor ids, sponsors, states), so analysis selects a
    # dyad "at group level or rolled up" with one list lookup instead of parsing JSON.
    import json

    from redline.analyze.sides import side_readings
    from redline.store.codec import actor_from_dict

    for table in ("events", "incidents"):
        connection.execute(f"ALTER TABLE {table} ADD COLUMN source_rollup VARCHAR[]")
        connection.execute(f"ALTER TABLE {table} ADD COLUMN target_rollup VARCHAR[]")
        rows = connection.execute(f"SELECT id, source, target FROM {table}").fetchall()
        for ident, source, target in rows:
            connection.execute(
                f"UPDATE {table} SET source_rollup = ?, target_rollup = ? WHERE id = ?",
                [
                    side_readings(actor_from_dict(a) for a in json.loads(source)),
                    side_readings(actor_from_dict(a) for a in json.loads(target)),
                    ident,
                ],
            )
    connection.execute(
        """
        CREATE TABLE alerts (
            id VARCHAR PRIMARY KEY,
            rule VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            date DATE NOT NULL,
            incident_ids VARCHAR[] NOT NULL,
            message VARCHAR NOT NULL,
            evidence VARCHAR NOT NULL,
            fired_at TIMESTAMP NOT NULL
        )
        """
    )


def apply(connection: Any) -> list[str]:
    """Apply pending migrations in one transaction each; return the names applied."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)"
    )
    done = {row[0] for row in connection.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, function in MIGRATIONS:
        if name in done:
            continue
        connection.execute("BEGIN TRANSACTION")
        try:
            function(connection)
            connection.execute(
                "INSERT INTO _migrations VALUES (?, ?)",
                [name, datetime.now(UTC).replace(tzinfo=None)],
            )
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def pending(connection: Any) -> list[str]:
    """Migrations this version knows that the store has not had (an older writer)."""
    done = {row[0] for row in connection.execute("SELECT name FROM _migrations").fetchall()}
    return [name for name, _ in MIGRATIONS if name not in done]


def unknown(connection: Any) -> list[str]:
    """Migrations recorded in the store that this version does not know (a newer writer)."""
    known = {name for name, _ in MIGRATIONS}
    rows = connection.execute("SELECT name FROM _migrations").fetchall()
    return sorted(row[0] for row in rows if row[0] not in known)
