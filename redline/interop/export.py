"""Exports in the formats analysts load: PLOVER JSON lines, flat CSV, Parquet, GDELT, ACLED.

Every format is built from the same ``Record`` (an event with the reports behind it and their
articles), so the formats agree with each other and with ``redline events``. Events (the
consolidated incidents) are exported by default; ``mentions=True`` exports every coded report
as its own one-report event. Field-by-field documentation: ``docs/exports.md``.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from redline.coding.mappings import acled as acled_types
from redline.coding.mappings import lookup
from redline.consolidate.cluster import Incident, Rules, Source, build
from redline.errors import ConfigError
from redline.interop.imports import ACLED_COLUMNS
from redline.model import ActorRef, Event
from redline.store.db import Store

FORMATS = ("plover-jsonl", "csv", "parquet", "gdelt", "acled")


@dataclass(frozen=True, slots=True)
class Report:
    """One report behind an exported event: the mention and where it was published."""

    mention: Event
    url: str | None
    site: str | None
    title: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Record:
    """An event to export, with its reports (first published first)."""

    event: Incident
    reports: tuple[Report, ...]

    @property
    def first(self) -> Report | None:
        """The report whose sentence is the event's quote, else the first published."""
        for report in self.reports:
            if report.mention.evidence.quote == self.event.quote:
                return report
        return self.reports[0] if self.reports else None

    @property
    def context(self) -> list[str]:
        return sorted({c for r in self.reports for c in r.mention.context})


def _when(report: Report) -> datetime:
    return report.published_at or datetime.max.replace(tzinfo=UTC)


def records(
    store: Store,
    *,
    actor: str | None = None,
    event_type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    mentions: bool = False,
    batch: int = 5000,
) -> Iterator[Record]:
    """Events matching the filters (those of ``redline events``), with their reports.

    Reads in batches, so an export of millions of events holds one batch at a time.
    """
    if mentions:
        raw = store.events(
            actor=actor, event_type=event_type, since=since, until=until, limit=limit
        )
        for start in range(0, len(raw), batch):
            part = raw[start : start + batch]
            meta = store.article_metadata(m.article_id for m in part)
            for mention in part:
                info = meta.get(mention.article_id, {})
                source = Source(mention.article_id, info.get("site"), info.get("published_at"))
                single = build(
                    [mention], {mention.id: "first report"}, {mention.article_id: source}, Rules()
                )
                single = _renamed(single, mention.id)
                yield Record(single, (_report(mention, info),))
        return
    merged = store.incidents(
        actor=actor, event_type=event_type, since=since, until=until, limit=limit
    )
    for start in range(0, len(merged), batch):
        chunk = merged[start : start + batch]
        reports = {m.id: m for m in store.mentions(i for e in chunk for i in e.mentions)}
        meta = store.article_metadata(m.article_id for m in reports.values())
        for incident in chunk:
            mine = [
                _report(reports[i], meta.get(reports[i].article_id, {}))
                for i in incident.mentions
                if i in reports
            ]
            mine.sort(key=lambda r: (_when(r), r.mention.id))
            yield Record(incident, tuple(mine))


def _renamed(incident: Incident, ident: str) -> Incident:
    from dataclasses import replace

    return replace(incident, id=ident)


def _report(mention: Event, info: dict[str, Any]) -> Report:
    return Report(
        mention, info.get("url"), info.get("site"), info.get("title"), info.get("published_at")
    )


# -- shared pieces ---------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _names(actors: Sequence[ActorRef]) -> str:
    return "; ".join(a.name for a in actors)


def _join(values: Iterable[str | None]) -> str:
    return "|".join(v for v in values if v)


def _deaths(event: Incident) -> tuple[int | None, int | None, int | None]:
    c = event.fatalities
    return (c.low, c.best, c.high) if c else (None, None, None)


@cache
def country_names() -> dict[str, str]:
    """ISO3 -> English name, from the actor knowledge base's country table."""
    text = resources.files("redline.data").joinpath("actors/countries.csv").read_text("utf-8")
    return {row["iso3"]: row["name"] for row in csv.DictReader(text.splitlines())}


# -- PLOVER JSON lines -------------------------------------------------------------------------


def _plover_actor(actor: ActorRef) -> dict[str, Any]:
    return {
        "actorText": actor.text or actor.name,
        "code": actor.id,
        "name": actor.name,
        "country": actor.country,
        "sector": actor.sector,
        "sponsors": list(actor.sponsors),
    }


def _trigger_text(trigger: str | None) -> str | None:
    # Stored triggers carry their offset ("condemned@547"); PLOVER's eventText is the words.
    return trigger.rsplit("@", 1)[0] if trigger else None


def plover(record: Record) -> dict[str, Any]:
    """A PLOVER-style event: PLOVER's field names, plus redline's evidence and sources."""
    event = record.event
    low, best, high = _deaths(event)
    place = event.location
    first = record.first
    return {
        "id": event.id,
        "date": event.date.value.isoformat(),
        "date_precision": event.date.precision,
        "date_end": event.date.end.isoformat() if event.date.end else None,
        "event": event.event_type,
        "mode": event.mode,
        "context": record.context,
        "realis": str(event.realis),
        "source": [_plover_actor(a) for a in event.source],
        "target": [_plover_actor(a) for a in event.target],
        "eventText": _trigger_text(first.mention.evidence.trigger) if first else None,
        "text": event.quote,
        "magnitude": {"dead": best, "dead_low": low, "dead_high": high},
        "eventLoc": None
        if place is None
        else {
            "name": place.name,
            "country": place.country,
            "admin1": place.admin1,
            "lat": place.lat,
            "lon": place.lon,
            "geo_precision": place.precision,
            "raw": place.raw,
            "basis": place.basis,
        },
        "cameo": event.cameo,
        "goldstein": event.intensity,
        "mentions": len(event.mentions),
        "articles": event.articles,
        "sources": event.sources,
        "first_reported": _iso(event.first_reported),
        "evidence": [
            {
                "article_id": r.mention.article_id,
                "url": r.url,
                "site": r.site,
                "published": _iso(r.published_at),
                "sentence": r.mention.evidence.sentence,
                "start": r.mention.evidence.start,
                "end": r.mention.evidence.end,
                "quote": r.mention.evidence.quote,
                "trigger": r.mention.evidence.trigger,
                "realis": str(r.mention.realis),
            }
            for r in record.reports
        ],
    }


# -- flat table (CSV and Parquet) ----------------------------------------------------------------

FLAT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("date", pa.date32()),
        ("date_precision", pa.string()),
        ("date_end", pa.date32()),
        ("event_type", pa.string()),
        ("mode", pa.string()),
        ("context", pa.list_(pa.string())),
        ("realis", pa.string()),
        ("source_ids", pa.list_(pa.string())),
        ("source_names", pa.list_(pa.string())),
        ("source_countries", pa.list_(pa.string())),
        ("target_ids", pa.list_(pa.string())),
        ("target_names", pa.list_(pa.string())),
        ("target_countries", pa.list_(pa.string())),
        ("place", pa.string()),
        ("country", pa.string()),
        ("admin1", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("geo_precision", pa.int8()),
        ("dead_low", pa.int32()),
        ("dead_best", pa.int32()),
        ("dead_high", pa.int32()),
        ("cameo", pa.string()),
        ("goldstein", pa.float64()),
        ("mentions", pa.int32()),
        ("articles", pa.int32()),
        ("sources", pa.int32()),
        ("first_reported", pa.timestamp("us", tz="UTC")),
        ("quote", pa.string()),
        ("url", pa.string()),
    ]
)
"""Columns of the CSV and Parquet exports (lists are ``|``-joined in CSV)."""


def flat(record: Record) -> dict[str, Any]:
    """One row of the flat table, typed as ``FLAT_SCHEMA``."""
    event = record.event
    low, best, high = _deaths(event)
    place = event.location
    first = record.first
    return {
        "id": event.id,
        "date": event.date.value,
        "date_precision": event.date.precision,
        "date_end": event.date.end,
        "event_type": event.event_type,
        "mode": event.mode,
        "context": record.context,
        "realis": str(event.realis),
        "source_ids": [a.id for a in event.source],
        "source_names": [a.name for a in event.source],
        "source_countries": [a.country or "" for a in event.source],
        "target_ids": [a.id for a in event.target],
        "target_names": [a.name for a in event.target],
        "target_countries": [a.country or "" for a in event.target],
        "place": place.name if place else None,
        "country": place.country if place else None,
        "admin1": place.admin1 if place else None,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "geo_precision": place.precision if place else None,
        "dead_low": low,
        "dead_best": best,
        "dead_high": high,
        "cameo": event.cameo,
        "goldstein": event.intensity,
        "mentions": len(event.mentions),
        "articles": event.articles,
        "sources": event.sources,
        "first_reported": event.first_reported,
        "quote": event.quote,
        "url": first.url if first else None,
    }


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# -- GDELT 2.0 event table -------------------------------------------------------------------


_CAMEO_TYPES = {"JRN": "MED", "PRM": "UAF", "IGO": "IGO", "PTY": "OPP"}
"""redline sectors whose CAMEO actor type code is spelled differently."""


def _gdelt_actor(actors: Sequence[ActorRef]) -> list[str]:
    if not actors:
        return [""] * 10
    actor = actors[0]
    kind = _CAMEO_TYPES.get(actor.sector or "", actor.sector or "")
    country = actor.country or ""
    code = actor.id if len(actor.id) == 3 and actor.id.isupper() else country + kind
    return [
        code,
        actor.name.upper(),
        country,
        "IGO" if kind == "IGO" else "",
        "",
        "",
        "",
        kind,
        "",
        "",
    ]


def _quad(cameo: str | None) -> str:
    if not cameo:
        return ""
    root = int(cameo[:2])
    return "1" if root <= 5 else "2" if root <= 9 else "3" if root <= 14 else "4"


def _geo_type(country: str | None, precision: int | None) -> str:
    if precision == 3 or precision is None:
        return "1"
    if precision == 2:
        return "2" if country == "USA" else "5"
    return "3" if country == "USA" else "4"


def gdelt(record: Record) -> list[str]:
    """One GDELT-2.0-style row (strings, tab-separated on output)."""
    event = record.event
    day = event.date.value
    place = event.location
    # GDELT rows always carry a CAMEO code: the type's default when the coder gave none.
    cameo = event.cameo or lookup(event.event_type, event.mode).cameo
    first = record.first
    fraction = day.year + (day.timetuple().tm_yday - 1) / 365
    action = ["", "", "", "", "", "", "", ""]
    if place is not None:
        full = ", ".join(
            x
            for x in (
                place.name,
                place.admin1 if place.admin1 != place.name else None,
                country_names().get(place.country or ""),
            )
            if x
        )
        action = [
            _geo_type(place.country, place.precision),
            full,
            place.country or "",
            "",
            "",
            "" if place.lat is None else f"{place.lat:.4f}",
            "" if place.lon is None else f"{place.lon:.4f}",
            "",
        ]
    added = event.first_reported
    return [
        str(gdelt_id(event.id)),
        day.strftime("%Y%m%d"),
        day.strftime("%Y%m"),
        str(day.year),
        f"{fraction:.4f}",
        *_gdelt_actor(event.source),
        *_gdelt_actor(event.target),
        "1" if first and first.mention.evidence.sentence == 0 else "0",
        cameo,
        cameo[:3],
        cameo[:2],
        _quad(cameo),
        "" if event.intensity is None else f"{event.intensity:g}",
        str(len(event.mentions)),
        str(event.sources),
        str(event.articles),
        "",
        *([""] * 16),
        *action,
        added.astimezone(UTC).strftime("%Y%m%d%H%M%S") if added else "",
        (first.url or "") if first else "",
    ]


def gdelt_id(ident: str) -> int:
    """A numeric GlobalEventID from redline's hex id (stable; 60 bits, so it fits BIGINT)."""
    digits = "".join(ch for ch in ident if ch in "0123456789abcdef")[:15]
    return int(digits or "0", 16)


# -- ACLED-style CSV ---------------------------------------------------------------------------


_INTER = {"GOV": 1, "MIL": 1, "COP": 1, "SPY": 1, "REB": 2, "PRM": 3, "UAF": 3, "CRM": 3,
          "ETH": 4, "CVL": 7, "REF": 7, "JRN": 7, "EDU": 7, "MED": 7, "REL": 7, "BUS": 7,
          "NGO": 7, "LAB": 7, "AGR": 7, "IGO": 8}  # fmt: skip
"""ACLED actor type (inter) codes: 1 state forces, 2 rebels, 3 political militias, 4 identity
militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces."""

_TIME_PRECISION = {"day": 1, "week": 2}


def _inter(actors: Sequence[ActorRef], event_type: str) -> int | None:
    if not actors:
        return None
    if event_type == "PROTEST":
        return 6
    return _INTER.get(actors[0].sector or "", 8 if actors[0].country is None else 7)


def acled_row(record: Record) -> dict[str, Any]:
    """One ACLED-style row: ACLED's columns, our evidence quote as ``notes``."""
    event = record.event
    place = event.location
    target_sectors = {a.sector for a in event.target if a.sector}
    kind, sub = acled_types(event.event_type, event.mode, target_sectors)
    if kind in ("Protests",) or sub == "Violent demonstration":
        disorder = "Demonstrations"
    elif kind == "Strategic developments":
        disorder = "Strategic developments"
    else:
        disorder = "Political violence"
    inter1 = _inter(event.source, event.event_type)
    inter2 = _inter(event.target, "")
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    reported = event.first_reported
    _, best, _ = _deaths(event)
    return {
        "event_id_cnty": event.id,
        "event_date": event.date.value.isoformat(),
        "year": event.date.value.year,
        "time_precision": _TIME_PRECISION.get(event.date.precision, 3),
        "disorder_type": disorder,
        "event_type": kind,
        "sub_event_type": sub,
        "actor1": event.source[0].name if event.source else "",
        "assoc_actor_1": _names(event.source[1:]),
        "inter1": "" if inter1 is None else inter1,
        "actor2": event.target[0].name if event.target else "",
        "assoc_actor_2": _names(event.target[1:]),
        "inter2": "" if inter2 is None else inter2,
        "interaction": "".join(str(c) for c in codes),
        "civilian_targeting": "Civilian targeting"
        if event.event_type == "ASSAULT" and "CVL" in target_sectors
        else "",
        "iso": "",
        "region": "",
        "country": country_names().get(place.country or "", "") if place else "",
        "admin1": (place.admin1 or "") if place else "",
        "admin2": "",
        "admin3": "",
        "location": place.name if place else "",
        "latitude": "" if place is None or place.lat is None else place.lat,
        "longitude": "" if place is None or place.lon is None else place.lon,
        "geo_precision": "" if place is None or place.precision is None else place.precision,
        "source": "; ".join(dict.fromkeys(r.site for r in record.reports if r.site)),
        "source_scale": "",
        "notes": event.quote,
        "fatalities": best or 0,
        "tags": "",
        "timestamp": int(reported.timestamp()) if reported else "",
    }


# -- writing -------------------------------------------------------------------------------------


def write(
    rows: Iterable[Record],
    fmt: str,
    out: str | Path | None = None,
    *,
    stdout: IO[str] | None = None,
) -> int:
    """Write records in ``fmt`` to ``out`` (atomically) or to ``stdout``; return the count.

    Parquet needs a file. A file is written to a temporary name beside it and renamed when
    complete, so an interrupted export never leaves half a file under the real name.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if fmt == "parquet" and out is None:
        raise ConfigError("Parquet is binary: give --out FILE.parquet.")
    if out is None:
        stream = stdout if stdout is not None else sys.stdout
        count = _write_text(rows, fmt, stream)
        stream.flush()
        return count
    target = Path(out)
    handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
    os.close(handle)
    try:
        if fmt == "parquet":
            count = _write_parquet(rows, temporary)
        else:
            with open(temporary, "w", encoding="utf-8", newline="") as stream:
                count = _write_text(rows, fmt, stream)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def _write_text(rows: Iterable[Record], fmt: str, stream: IO[str]) -> int:
    count = 0
    if fmt == "plover-jsonl":
        for record in rows:
            stream.write(json.dumps(plover(record), ensure_ascii=False) + "\n")
            count += 1
        return count
    writers: dict[str, tuple[Sequence[str] | None, Callable[[Record], Sequence[Any]], str]] = {
        "csv": (FLAT_SCHEMA.names, lambda r: [_csv_cell(v) for v in flat(r).values()], ","),
        "acled": (ACLED_COLUMNS, lambda r: list(acled_row(r).values()), ","),
        "gdelt": (None, gdelt, "\t"),
    }
    header, row, delimiter = writers[fmt]
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    for record in rows:
        writer.writerow(row(record))
        count += 1
    return count


def write_partitioned(rows: Iterable[Record], folder: str | Path) -> dict[str, int]:
    """Parquet files partitioned by the month of the event date: ``month=YYYY-MM/events.parquet``.

    The Hive-style folder names let DuckDB, Spark, BigQuery or pyarrow read the folder as one
    table with a ``month`` column. Each month's file is written under a temporary name and
    renamed, so a rerun replaces whole months and never leaves half a file.
    """
    by_month: dict[str, list[dict[str, Any]]] = {}
    for record in rows:
        by_month.setdefault(record.event.date.value.strftime("%Y-%m"), []).append(flat(record))
    root = Path(folder)
    for month, chunk in sorted(by_month.items()):
        target = root / f"month={month}" / "events.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(".events.parquet.tmp")
        pq.write_table(pa.Table.from_pylist(chunk, schema=FLAT_SCHEMA), temporary)
        os.replace(temporary, target)
    return {month: len(chunk) for month, chunk in sorted(by_month.items())}


def _write_parquet(rows: Iterable[Record], path: str) -> int:
    count = 0
    with pq.ParquetWriter(path, FLAT_SCHEMA) as writer:
        chunk: list[dict[str, Any]] = []
        for record in rows:
            chunk.append(flat(record))
            count += 1
            if len(chunk) >= 10_000:
                writer.write_table(pa.Table.from_pylist(chunk, schema=FLAT_SCHEMA))
                chunk = []
        if chunk or count == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=FLAT_SCHEMA))
    return count
