"""Red-line rules: declarative selectors over events, read from TOML and checked strictly.

A rule selects events (type, mode, realis, actors with or without roll-up, deaths, the kind
and host of the site hit, place, independent sources) and says when the selection is an
alert: every match, the ``first`` match (once, ever), or a ``threshold`` of matches within a
window of days. Evaluation is a pure function of the rules and the events, so running it
twice gives the same alerts with the same ids, and storing them is idempotent.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from redline.analyze.sides import Site, on_side, site_of, sites
from redline.analyze.timeline import COUNTED
from redline.consolidate.cluster import Incident
from redline.errors import ConfigError
from redline.model import EVENT_TYPES, ActorRef, Realis

SEVERITIES = ("info", "warning", "critical")


class RuleError(ConfigError):
    """A rule file is malformed; the message names the file, the rule and the key."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """``count`` or more matching events within ``days`` consecutive days."""

    count: int
    days: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One red line. Empty selectors match anything; lists match any of their values."""

    id: str
    title: str
    severity: str = "warning"
    description: str = ""
    event_type: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    realis: tuple[Realis, ...] = COUNTED
    source: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    """The target is one of these, or the site hit hosts their people ("US sites")."""
    rollup: bool = True
    """Match actors by their sponsors and state too (Kata'ib Hezbollah is ``IRN``)."""
    min_fatalities: int | None = None
    place_kind: tuple[str, ...] = ()
    place_country: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    min_sources: int = 1
    since: date | None = None
    until: date | None = None
    first: bool = False
    threshold: Threshold | None = None

    def matches(self, incident: Incident) -> bool:
        """Whether one event is selected by every selector of the rule."""
        if self.event_type and incident.event_type not in self.event_type:
            return False
        if self.mode and incident.mode not in self.mode:
            return False
        if incident.realis not in self.realis:
            return False
        if self.since and incident.date.value < self.since:
            return False
        if self.until and incident.date.value > self.until:
            return False
        if incident.sources < self.min_sources:
            return False
        if self.min_fatalities is not None:
            deaths = incident.fatalities.best if incident.fatalities else 0
            if deaths < self.min_fatalities:
                return False
        if self.source and not self._side(incident.source, self.source):
            return False
        if self.target and not self._side(incident.target, self.target):
            return False
        site = site_of(incident.location, incident.target)
        if self.against and not self._against(incident, site):
            return False
        if self.place_kind and (site is None or site.kind not in self.place_kind):
            return False
        place = incident.location
        if self.place_country and (place is None or place.country not in self.place_country):
            return False
        if self.place:
            names = {(place.name or "").lower(), (place.admin1 or "").lower()} if place else set()
            if not names & {p.lower() for p in self.place}:
                return False
        return True

    def _against(self, incident: Incident, site: Site | None) -> bool:
        # An actor does not attack its own side: US strikes reported at the US embassy are
        # not an attack on the embassy.
        if self._side(incident.source, self.against):
            return False
        if self._side(incident.target, self.against):
            return True
        return site is not None and any(h in self.against for h in site.hosts)

    def _side(self, actors: Sequence[ActorRef], wanted: Sequence[str]) -> bool:
        return bool(on_side(actors, wanted, self.rollup))


@dataclass(frozen=True, slots=True)
class Alert:
    """A rule that fired, on which events (ids, oldest first), and when they happened."""

    id: str
    rule: str
    title: str
    severity: str
    date: date
    incidents: tuple[str, ...]
    message: str


# -- reading rules ---------------------------------------------------------------------------

_KEYS = {f for f in Rule.__dataclass_fields__}
_LISTS = {
    "event_type",
    "mode",
    "realis",
    "source",
    "target",
    "against",
    "place_kind",
    "place_country",
    "place",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def default_rules_path() -> Path:
    """The US–Iran example rule set shipped with redline."""
    return Path(str(resources.files("redline.data").joinpath("rules/us-iran.toml")))


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Read and check a TOML rule file (``[[rule]]`` tables); the default set when ``None``."""
    path = Path(path) if path is not None else default_rules_path()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RuleError(f"No rule file at {path}.") from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: not valid TOML ({exc}).") from None
    return parse_rules(data, origin=str(path))


def parse_rules(data: Mapping[str, Any], *, origin: str = "rules") -> list[Rule]:
    """Rules from parsed TOML; every problem is reported with the rule and key it is in."""
    extra = sorted(set(data) - {"rule"})
    if extra:
        raise RuleError(f"{origin}: unknown top-level key {extra[0]!r}; rules go in [[rule]].")
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RuleError(f"{origin}: 'rule' must be an array of tables ([[rule]]).")
    rules: list[Rule] = []
    for index, table in enumerate(tables, start=1):
        rule = _rule(table, f"{origin}: rule {table.get('id', f'#{index}')!r}")
        if any(r.id == rule.id for r in rules):
            raise RuleError(f"{origin}: rule id {rule.id!r} is used twice; ids must be unique.")
        rules.append(rule)
    return rules


def _rule(table: Mapping[str, Any], where: str) -> Rule:
    for key in table:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, sorted(_KEYS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise RuleError(f"{where}: unknown key {key!r}{hint}.")
    for key in ("id", "title"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise RuleError(f"{where}: {key!r} is required and must be a non-empty string.")
    if not _ID.match(table["id"]):
        raise RuleError(
            f"{where}: id must be lower-case letters, digits and hyphens, got {table['id']!r}."
        )
    values: dict[str, Any] = {"id": table["id"], "title": table["title"].strip()}
    for key, value in table.items():
        if key in ("id", "title"):
            continue
        if key in _LISTS:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise RuleError(f"{where}: {key!r} must be a string or a list of strings.")
            values[key] = tuple(items)
        elif key in ("severity", "description"):
            if not isinstance(value, str):
                raise RuleError(f"{where}: {key!r} must be a string.")
            values[key] = value
        elif key in ("rollup", "first"):
            if not isinstance(value, bool):
                raise RuleError(f"{where}: {key!r} must be true or false, got {value!r}.")
            values[key] = value
        elif key in ("min_fatalities", "min_sources"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise RuleError(f"{where}: {key!r} must be a whole number >= 0, got {value!r}.")
            values[key] = value
        elif key in ("since", "until"):
            values[key] = _date(value, f"{where}: {key!r}")
        elif key == "threshold":
            values[key] = _threshold(value, where)
    _check_values(values, where)
    return Rule(**values)


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        raise RuleError(f"{where} must be a date like 2019-12-27, not a date and time {value!r}.")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RuleError(f"{where} must be a date like 2019-12-27, got {value!r}.")


def _threshold(value: Any, where: str) -> Threshold:
    if not isinstance(value, dict) or set(value) != {"count", "days"}:
        raise RuleError(f"{where}: 'threshold' must be a table with 'count' and 'days'.")
    count, days = value["count"], value["days"]
    for name, number in (("count", count), ("days", days)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise RuleError(f"{where}: threshold {name} must be a whole number >= 1.")
    return Threshold(count=count, days=days)


def _check_values(values: dict[str, Any], where: str) -> None:
    from redline.coding.lexicon import MODES

    def known(key: str, allowed: Iterable[str], what: str) -> None:
        allowed = sorted(allowed)
        for value in values.get(key, ()):
            if value not in allowed:
                close = difflib.get_close_matches(value, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; one of {allowed}"
                raise RuleError(f"{where}: {key} {value!r} is not a {what}{hint}.")

    values["event_type"] = tuple(v.upper() for v in values.get("event_type", ()))
    known("event_type", EVENT_TYPES, "PLOVER event type")
    modes = {
        m for event_type in values["event_type"] or EVENT_TYPES for m in MODES.get(event_type, ())
    }
    known("mode", modes, "mode of the rule's event types")
    known("realis", [str(r) for r in Realis], "realis value")
    values["realis"] = tuple(Realis(r) for r in values.get("realis", COUNTED))
    known("place_kind", {s.kind for s in sites().values()}, "kind of named site")
    severity = values.get("severity", "warning")
    if severity not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)}.")
    if values.get("first") and values.get("threshold"):
        raise RuleError(f"{where}: a rule is either 'first' or has a 'threshold', not both.")
    since, until = values.get("since"), values.get("until")
    if since and until and until < since:
        raise RuleError(f"{where}: 'until' ({until}) is before 'since' ({since}).")


# -- evaluating ----------------------------------------------------------------------------


def _alert_id(rule: Rule, key: str) -> str:
    return "al-" + hashlib.sha256(f"{rule.id}\x1f{key}".encode()).hexdigest()[:16]


def _describe(incident: Incident) -> str:
    def side(actors: Sequence[ActorRef]) -> str:
        return ", ".join(a.name for a in actors) or "unknown"

    text = f"{side(incident.source)} -> {side(incident.target)}, {incident.event_type}"
    if incident.mode:
        text += f"/{incident.mode}"
    if incident.location is not None:
        text += f" at {incident.location.name}"
    text += f" on {incident.date.value.isoformat()}"
    if incident.fatalities and incident.fatalities.best:
        text += f", {incident.fatalities.best} killed"
    return text


def evaluate(rules: Iterable[Rule], incidents: Iterable[Incident]) -> list[Alert]:
    """Every alert the rules raise over the events, sorted by date, rule and id.

    A plain rule raises one alert per matching event; a ``first`` rule one alert for the
    earliest match (its id depends only on the rule, so it is never raised twice even if an
    earlier event turns up later); a ``threshold`` rule one alert per burst: when ``count``
    matches fall within ``days`` days, and again only after the window has emptied.
    """
    ordered = sorted(incidents, key=lambda i: (i.date.value, i.id))
    alerts: list[Alert] = []
    for rule in rules:
        matched = [i for i in ordered if rule.matches(i)]
        if not matched:
            continue
        if rule.first:
            hit = matched[0]
            alerts.append(
                Alert(
                    _alert_id(rule, "first"),
                    rule.id,
                    rule.title,
                    rule.severity,
                    hit.date.value,
                    (hit.id,),
                    f"{rule.title}: {_describe(hit)}",
                )
            )
        elif rule.threshold is not None:
            alerts.extend(_bursts(rule, rule.threshold, matched))
        else:
            alerts.extend(
                Alert(
                    _alert_id(rule, hit.id),
                    rule.id,
                    rule.title,
                    rule.severity,
                    hit.date.value,
                    (hit.id,),
                    f"{rule.title}: {_describe(hit)}",
                )
                for hit in matched
            )
    return sorted(alerts, key=lambda a: (a.date, a.rule, a.id))


def _bursts(rule: Rule, threshold: Threshold, matched: Sequence[Incident]) -> list[Alert]:
    found: list[Alert] = []
    span = timedelta(days=threshold.days - 1)
    active = False
    for end, last in enumerate(matched):
        window = [i for i in matched[: end + 1] if i.date.value >= last.date.value - span]
        if len(window) < threshold.count:
            active = False
            continue
        if active:
            # Still the same burst: one alert per burst, not one per event in it.
            continue
        active = True
        ids = tuple(i.id for i in window)
        message = (
            f"{rule.title}: {len(window)} events from {window[0].date.value.isoformat()} "
            f"to {last.date.value.isoformat()} (latest: {_describe(last)})"
        )
        found.append(
            Alert(
                _alert_id(rule, "|".join(ids)),
                rule.id,
                rule.title,
                rule.severity,
                last.date.value,
                ids,
                message,
            )
        )
    return found
