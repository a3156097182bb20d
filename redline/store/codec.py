"""Records to plain dicts and back: the stable JSON shape of events and failures.

``event_to_dict`` is the ``redline events --format jsonl`` interface: keys listed there are
stable; new keys may be added, and a key whose stage does not exist yet is ``null``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from redline.model import ActorRef, Event, EventDate, Evidence, Failure, Place, Realis


def actor_to_dict(actor: ActorRef) -> dict[str, Any]:
    """An actor as JSON-ready dict."""
    return {
        "id": actor.id,
        "name": actor.name,
        "country": actor.country,
        "sector": actor.sector,
        "sponsors": list(actor.sponsors),
        "text": actor.text,
        "reason": actor.reason,
    }


def actor_from_dict(data: dict[str, Any]) -> ActorRef:
    """Inverse of ``actor_to_dict``."""
    return ActorRef(
        id=data["id"],
        name=data["name"],
        country=data.get("country"),
        sector=data.get("sector"),
        sponsors=tuple(data.get("sponsors") or ()),
        text=data.get("text"),
        reason=data.get("reason"),
    )


def place_to_dict(place: Place | None) -> dict[str, Any] | None:
    """A place as JSON-ready dict, or ``None``."""
    if place is None:
        return None
    return {
        "name": place.name,
        "country": place.country,
        "admin1": place.admin1,
        "lat": place.lat,
        "lon": place.lon,
        "precision": place.precision,
        "raw": place.raw,
        "basis": place.basis,
    }


def place_from_dict(data: dict[str, Any] | None) -> Place | None:
    """Inverse of ``place_to_dict``."""
    return None if data is None else Place(**data)


def event_to_dict(event: Event) -> dict[str, Any]:
    """The stable JSON shape of an event (see module docstring)."""
    return {
        "id": event.id,
        "date": event.date.value.isoformat(),
        "date_precision": event.date.precision,
        "date_raw": event.date.raw,
        "date_fallback": event.date.fallback,
        "date_end": event.date.end.isoformat() if event.date.end else None,
        "date_basis": event.date.basis,
        "event_type": event.event_type,
        "mode": event.mode,
        "context": list(event.context),
        "realis": str(event.realis),
        "source": [actor_to_dict(a) for a in event.source],
        "target": [actor_to_dict(a) for a in event.target],
        "location": place_to_dict(event.location),
        "fatalities": event.fatalities,
        "evidence": {
            "article_id": event.evidence.article_id,
            "sentence": event.evidence.sentence,
            "start": event.evidence.start,
            "end": event.evidence.end,
            "quote": event.evidence.quote,
            "trigger": event.evidence.trigger,
        },
        "cameo": event.cameo,
        "intensity": event.intensity,
        "coder": event.coder,
        "confidence": event.confidence,
    }


def event_from_dict(data: dict[str, Any]) -> Event:
    """Inverse of ``event_to_dict``."""
    evidence = data["evidence"]
    return Event(
        id=data["id"],
        article_id=evidence["article_id"],
        date=EventDate(
            value=date.fromisoformat(data["date"]),
            precision=data.get("date_precision", "day"),
            raw=data.get("date_raw"),
            fallback=bool(data.get("date_fallback", False)),
            end=date.fromisoformat(data["date_end"]) if data.get("date_end") else None,
            basis=data.get("date_basis") or "publication",
        ),
        event_type=data["event_type"],
        mode=data.get("mode"),
        context=tuple(data.get("context") or ()),
        realis=Realis(data["realis"]),
        source=tuple(actor_from_dict(a) for a in data["source"]),
        target=tuple(actor_from_dict(a) for a in data["target"]),
        location=place_from_dict(data.get("location")),
        fatalities=data.get("fatalities"),
        evidence=Evidence(
            article_id=evidence["article_id"],
            sentence=evidence["sentence"],
            start=evidence["start"],
            end=evidence["end"],
            quote=evidence["quote"],
            trigger=evidence.get("trigger"),
        ),
        coder=data["coder"],
        confidence=data.get("confidence"),
        cameo=data.get("cameo"),
        intensity=data.get("intensity"),
    )


def failure_to_dict(failure: Failure) -> dict[str, Any]:
    """A failure as JSON-ready dict."""
    return {
        "stage": failure.stage,
        "item": failure.item,
        "kind": failure.kind,
        "message": failure.message,
        "at": failure.at.isoformat(),
    }


def json_default(value: Any) -> Any:
    """``json.dumps`` fallback for dates and datetimes."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
