"""Read PETRARCH/Phoenix ``.actors.txt`` dictionaries into redline actor rows.

The format: a line ``NAME_ [CODE]`` starts an actor (underscores are spaces); ``+SYNONYM``
lines add names; indented ``[CODE date-range]`` lines give dated codes (``>d`` from,
``<d`` until, ``d1-d2`` between, dates as YYMMDD or YYYYMMDD); ``#`` and ``<!-- -->`` are
comments. Codes are CAMEO actor codes: a three-letter country (or group) code, then
optional three-letter sector codes (``IRNGOV``). Each code becomes one actor row with id =
code, so "the Calenardhon government" can resolve to ``CAL`` + sector ``GOV``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from redline.errors import ConfigError

_CODE = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True, slots=True)
class PhoenixActor:
    """One dated code of one dictionary entry."""

    names: tuple[str, ...]
    code: str
    valid_from: date | None
    valid_to: date | None


def _date(text: str) -> date:
    digits = text.strip()
    if len(digits) == 6:
        year = int(digits[:2])
        digits = f"{1900 + year if year > 30 else 2000 + year}{digits[2:]}"
    if len(digits) != 8 or not digits.isdigit():
        raise ValueError(text)
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def _dated(spec: str) -> tuple[str, date | None, date | None]:
    parts = spec.split(None, 1)
    code = parts[0].strip()
    if len(parts) == 1:
        return code, None, None
    rest = parts[1].replace(" ", "")
    if rest.startswith(">"):
        return code, _date(rest[1:]), None
    if rest.startswith("<"):
        return code, None, _date(rest[1:])
    start, _, end = rest.partition("-")
    return code, _date(start), _date(end)


def _name(raw: str) -> str:
    return raw.strip().rstrip("_").replace("_", " ").strip()


def parse(
    text: str, origin: str = "dictionary", *, problems: list[str] | None = None
) -> list[PhoenixActor]:
    """All (names, code, dates) entries of a Phoenix actor dictionary.

    A code line whose date cannot be read (the published files have a few typos such as
    ``9008223``) raises ``ConfigError``; pass a ``problems`` list to skip such lines and
    collect one message for each instead.
    """
    text = re.sub(r"<!--.*?(-->|$)", "", text, flags=re.MULTILINE)
    actors: list[PhoenixActor] = []
    names: list[str] = []
    codes: list[tuple[str, date | None, date | None]] = []

    def flush() -> None:
        for code, start, end in codes:
            if code and not code.startswith("-"):
                actors.append(PhoenixActor(tuple(names), code.upper(), start, end))

    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].rstrip()
        if not content.strip():
            continue
        try:
            if content[0].isspace():
                codes += [_dated(m) for m in _CODE.findall(content)]
            elif content.startswith("+"):
                names.append(_name(content[1:]))
            else:
                flush()
                head = _CODE.split(content, maxsplit=1)[0]
                names = [_name(head)]
                codes = [_dated(m) for m in _CODE.findall(content)]
        except ValueError:
            message = f"{origin}, line {number}: cannot read the date in {line.strip()!r}."
            if problems is None:
                raise ConfigError(message) from None
            problems.append(message)
    flush()
    return [a for a in actors if a.names and a.names[0]]


def to_csv_rows(actors: list[PhoenixActor]) -> list[dict[str, str]]:
    """Rows in redline's ``actors.csv`` format (id = code, country = first three letters)."""
    rows = []
    for actor in actors:
        country = actor.code[:3] if re.fullmatch(r"[A-Z]{3}", actor.code[:3]) else ""
        rows.append(
            {
                "id": actor.code,
                "name": actor.names[0].title(),
                "aliases": "|".join(actor.names),
                "country": country,
                "sector": actor.code[3:6],
                "type": "state" if len(actor.code) == 3 else "organisation",
                "sponsors": "",
                "valid_from": actor.valid_from.isoformat() if actor.valid_from else "",
                "valid_to": actor.valid_to.isoformat() if actor.valid_to else "",
                "note": "imported from a Phoenix/PETRARCH dictionary",
            }
        )
    return rows


_AGENT = re.compile(r"^([^\[{#]+?)\s*(?:\{([^}]*)\})?\s*\[~([A-Z]{3})")


def parse_agents(text: str) -> list[tuple[str, str]]:
    """(term, sector) pairs of a Phoenix agents dictionary (``PRESIDENT [~GOV]``).

    Macro lines (``!PERSON! = MAN, MEN``) and terms that use macros are skipped.
    """
    text = re.sub(r"<!--.*?(-->|$)", "", text, flags=re.MULTILINE)
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = _AGENT.match(line.strip())
        if not match or "!" in match.group(1):
            continue
        sector = match.group(3)
        for term in [match.group(1), *(match.group(2) or "").split(",")]:
            term = _name(term).lower()
            if term:
                pairs.append((term, sector))
    return pairs


def write_csv(dictionary: Path, out: Path, problems: list[str] | None = None) -> int:
    """Convert a Phoenix actors file to an actors CSV, each row noting where it came from.

    Example:
        >>> write_csv(Path("Phoenix.Countries.actors.txt"), Path("phoenix.csv"))  # doctest: +SKIP
        18390
    """
    import csv

    text = dictionary.read_text("utf-8", errors="replace")
    rows = to_csv_rows(parse(text, str(dictionary), problems=problems))
    columns = [
        "id",
        "name",
        "aliases",
        "country",
        "sector",
        "type",
        "sponsors",
        "valid_from",
        "valid_to",
        "note",
    ]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "note": f"imported from {dictionary.name}"})
    return len(rows)


PHOENIX_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
)


def breadth_rows(folder: Path, countries: set[str], problems: list[str]) -> list[dict[str, str]]:
    """Rows for the fallback layer: every coded person and organisation of the Phoenix files.

    Bare country codes are left out: the curated countries file covers states, and the
    Phoenix country entries also name cities, which are places, not actors. Each row keeps
    the file and code it came from; persons roll up to their country.
    """
    rows: list[dict[str, str]] = []
    for name in PHOENIX_FILES:
        path = folder / name
        for actor in parse(path.read_text("utf-8", errors="replace"), str(path), problems=problems):
            if len(actor.code) <= 3:
                continue
            country = actor.code[:3] if actor.code[:3] in countries else ""
            slug = re.sub(r"[^a-z0-9]+", "-", actor.names[0].lower()).strip("-")
            rows.append(
                {
                    "id": f"phoenix:{slug}",
                    "name": actor.names[0].title(),
                    "aliases": "|".join(actor.names),
                    "country": country,
                    "sector": actor.code[3:6] if country else actor.code[:3],
                    "type": "person" if name == PHOENIX_FILES[0] else "organisation",
                    "sponsors": country,
                    "valid_from": actor.valid_from.isoformat() if actor.valid_from else "",
                    "valid_to": actor.valid_to.isoformat() if actor.valid_to else "",
                    "note": f"{name} code {actor.code}",
                }
            )
    return rows
