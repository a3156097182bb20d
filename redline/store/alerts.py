"""Alerts in the store: written once by id, read back as their delivered payloads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from redline.errors import StoreError

if TYPE_CHECKING:
    from redline.analyze.rules import Alert
    from redline.store.db import Store


def known(store: Store, ids: Sequence[str]) -> set[str]:
    """Which alert ids are stored already."""
    if not ids:
        return set()
    rows = store._query("SELECT id FROM alerts WHERE list_contains(?, id)", [list(ids)])
    return {row["id"] for row in rows}


def save(store: Store, alerts: Sequence[tuple[Alert, dict[str, Any]]], fired_at: datetime) -> None:
    """Insert new alerts in one transaction; an id already stored is left as it was."""
    if not alerts:
        return
    if store.read_only:
        raise StoreError(f"Store {store.path} is open read-only; alerts cannot be stored.")
    at = fired_at.astimezone(UTC).replace(tzinfo=None) if fired_at.tzinfo else fired_at
    connection = store.connection
    connection.execute("BEGIN TRANSACTION")
    try:
        for alert, payload in alerts:
            connection.execute(
                "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [
                    alert.id,
                    alert.rule,
                    alert.title,
                    alert.severity,
                    alert.date,
                    list(alert.incidents),
                    alert.message,
                    json.dumps(payload["evidence"], ensure_ascii=False),
                    at,
                ],
            )
        connection.execute("COMMIT")
    except Exception as exc:
        connection.execute("ROLLBACK")
        raise StoreError(f"Writing alerts to {store.path} failed: {exc}") from exc


def read(store: Store, *, rule: str | None = None) -> list[dict[str, Any]]:
    """Stored alerts as payload dicts, by event date then rule and id."""
    sql = "SELECT * FROM alerts"
    parameters: list[Any] = []
    if rule:
        sql += " WHERE rule = ?"
        parameters.append(rule)
    sql += " ORDER BY date, rule, id"
    return [
        {
            "id": row["id"],
            "rule": row["rule"],
            "title": row["title"],
            "severity": row["severity"],
            "date": row["date"].isoformat(),
            "summary": row["message"],
            "incidents": list(row["incident_ids"]),
            "fired_at": row["fired_at"].replace(tzinfo=UTC).isoformat(),
            "evidence": json.loads(row["evidence"]),
        }
        for row in store._query(sql, parameters)
    ]


def count(store: Store) -> int:
    """How many alerts are stored."""
    return int(store._query("SELECT count(*) AS n FROM alerts")[0]["n"])
