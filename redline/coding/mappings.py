"""Mappings from PLOVER events to the codes other systems use: CAMEO, Goldstein, ACLED.

``mappings.csv`` maps an event type and mode to one CAMEO code and to an ACLED
``event_type``/``sub_event_type``; ``cameo.csv`` gives each CAMEO code its Goldstein value
(−10 most hostile … +10 most cooperative), which is also the event's intensity score.
A row with an empty mode is the default for its type. Both files are data, validated here.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from redline.coding.lexicon import MODES
from redline.errors import ConfigError
from redline.model import EVENT_TYPES

PENTACLASS = (
    "make_statement",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)
"""CAMEO's five-way grouping by root code: 01–02, 03–05, 06–08, 09–13, 14–20."""

ACLED_CIVILIAN_TARGET = ("Violence against civilians", "Attack")


@dataclass(frozen=True, slots=True)
class Mapping:
    """What one PLOVER type/mode corresponds to elsewhere."""

    cameo: str
    goldstein: float
    cameo_label: str
    acled_event_type: str
    acled_sub_event_type: str


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("redline.data") / name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def table() -> dict[tuple[str, str | None], Mapping]:
    """The validated mapping table, keyed by (event type, mode or None)."""
    cameo: dict[str, tuple[float, str]] = {}
    for number, row in enumerate(_rows("cameo.csv"), start=2):
        try:
            cameo[row["code"]] = (float(row["goldstein"]), row["label"])
        except (TypeError, ValueError):
            raise ConfigError(
                f"cameo.csv, row {number}: field 'goldstein' is not a number."
            ) from None
    mappings: dict[tuple[str, str | None], Mapping] = {}
    for number, row in enumerate(_rows("mappings.csv"), start=2):
        where = f"mappings.csv, row {number}"
        event_type, mode = row["event_type"], row["mode"] or None
        if event_type not in EVENT_TYPES:
            raise ConfigError(f"{where}: unknown event type {event_type!r}.")
        if mode and mode not in MODES[event_type]:
            raise ConfigError(f"{where}: mode {mode!r} is not a mode of {event_type}.")
        if row["cameo"] not in cameo:
            raise ConfigError(f"{where}: CAMEO code {row['cameo']!r} is not in cameo.csv.")
        goldstein, label = cameo[row["cameo"]]
        mappings[(event_type, mode)] = Mapping(
            row["cameo"], goldstein, label, row["acled_event_type"], row["acled_sub_event_type"]
        )
    missing = [t for t in EVENT_TYPES if (t, None) not in mappings]
    if missing:
        raise ConfigError(f"mappings.csv: no default row for {', '.join(missing)}.")
    return mappings


def lookup(event_type: str, mode: str | None) -> Mapping:
    """The mapping of a type and mode, falling back to the type's default row.

    Example:
        >>> lookup("ASSAULT", "aerial").acled_sub_event_type
        'Air/drone strike'
    """
    mappings = table()
    return mappings.get((event_type, mode)) or mappings[(event_type, None)]


def acled(event_type: str, mode: str | None, target_sectors: set[str]) -> tuple[str, str]:
    """ACLED event type and sub-event type; violence aimed at civilians is ACLED's VAC."""
    mapping = lookup(event_type, mode)
    armed = {"MIL", "REB", "PRM", "UAF", "COP"}
    if (
        event_type == "ASSAULT"
        and mapping.acled_event_type == "Battles"
        and "CVL" in target_sectors
        and not target_sectors & armed
    ):
        return ACLED_CIVILIAN_TARGET
    return mapping.acled_event_type, mapping.acled_sub_event_type


def pentaclass(cameo_code: str) -> str:
    """The CAMEO PentaClass of a code, by its two-digit root."""
    root = int(cameo_code[:2])
    if root <= 2:
        return PENTACLASS[0]
    if root <= 5:
        return PENTACLASS[1]
    if root <= 8:
        return PENTACLASS[2]
    if root <= 13:
        return PENTACLASS[3]
    return PENTACLASS[4]
