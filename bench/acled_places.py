"""Where the coder's places for the ACLED notes go wrong, one outcome per note.

``redline eval acled-sample`` gives the three place figures (country, admin1, within 25 km);
this script says why the rest miss, so work goes where the notes are:

    python bench/acled_places.py [FILE] [--misses misses.jsonl] [--limit N]

FILE defaults to the ACLED dev notes beside the checkout. Each note gets one outcome: no event,
no place, a place without a country, another country, within 25 km (whatever the region, as
``redline eval`` counts it), the right country but another region, or the right region but
further than 25 km. With
``--misses`` every note that is not within 25 km is written out with the gold place and
ours, for reading.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from redline.coding.places import kilometres
from redline.evaluate.coder import TextCoder, main_event

DEFAULT = Path(__file__).parent.parent.parent / "shared" / "data" / "acled-sample"
OUTCOMES = (
    "within 25 km",
    "right region, further",
    "right country, another region",
    "another country",
    "place without a country",
    "no place",
    "no event",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT / "events.dev.jsonl"))
    parser.add_argument("--misses", help="write every note not within 25 km here (JSONL)")
    parser.add_argument("--limit", type=int, help="score only the first N notes")
    options = parser.parse_args()
    path = Path(options.file)
    if not path.exists():
        sys.exit(f"{path}: no such file (the labelled data lives beside the checkout)")
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    records = records[: options.limit] if options.limit else records
    coder = TextCoder()
    gazetteer = coder.coder.gazetteer
    uploaded = [
        datetime.fromtimestamp(int(r["timestamp"]), tz=UTC).date() if r.get("timestamp") else None
        for r in records
    ]
    coded = coder.code([r["text"] for r in records], published=uploaded)
    outcomes: Counter[str] = Counter()
    by_country: dict[str, Counter[str]] = {}
    distances: dict[str, list[float]] = {}
    misses: list[dict[str, Any]] = []
    for record, result in zip(records, coded, strict=True):
        event = main_event(result, prefer="hostile")
        place = event.location if event is not None else None
        gold_country = gazetteer.countries.get((record.get("country") or "").lower())
        distance = None
        if event is None:
            outcome = "no event"
        elif place is None:
            outcome = "no place"
        elif not place.country:
            outcome = "place without a country"
        elif place.country != gold_country:
            outcome = "another country"
        else:
            if place.lat is not None and place.lon is not None and record.get("latitude"):
                distance = kilometres(
                    place.lat, place.lon, float(record["latitude"]), float(record["longitude"])
                )
            # As `redline eval` counts: a point within 25 km counts whatever its region.
            if distance is not None and distance <= 25:
                outcome = "within 25 km"
            elif not gazetteer.same_region(place.country, place.admin1, record.get("admin1") or ""):
                outcome = "right country, another region"
            else:
                outcome = "right region, further"
                if distance is not None:
                    distances.setdefault(f"precision {place.precision}", []).append(distance)
        outcomes[outcome] += 1
        by_country.setdefault(record.get("country") or "?", Counter())[outcome] += 1
        if outcome != "within 25 km":
            misses.append(
                {
                    "outcome": outcome,
                    "id": record.get("id"),
                    "text": record["text"],
                    "gold": {
                        k: record.get(k)
                        for k in ("country", "admin1", "admin2", "location", "geo_precision")
                    },
                    "ours": {
                        "raw": place.raw,
                        "name": place.name,
                        "country": place.country,
                        "admin1": place.admin1,
                        "precision": place.precision,
                    }
                    if place
                    else None,
                    "km": round(distance) if distance is not None else None,
                }
            )
    total = len(records)
    print(f"{total} ACLED notes from {path}")
    for outcome in OUTCOMES:
        print(f"  {outcome:32} {outcomes[outcome]:6}  {outcomes[outcome] / total:6.1%}")
    for precision, values in sorted(distances.items()):
        print(f"  right region further than 25 km, {precision}: median {median(values):.0f} km")
    print("countries with the most notes not within 25 km:")
    worst = sorted(
        by_country.items(), key=lambda item: -(item[1].total() - item[1]["within 25 km"])
    )
    for country, counts in worst[:12]:
        missed = counts.total() - counts["within 25 km"]
        detail = ", ".join(f"{o} {n}" for o, n in counts.most_common() if o != "within 25 km")
        print(f"  {country:24} {missed:4} of {counts.total():4}  ({detail})")
    if options.misses:
        with open(options.misses, "w", encoding="utf-8") as out:
            for miss in misses:
                out.write(json.dumps(miss, ensure_ascii=False) + "\n")
        print(f"{len(misses)} misses written to {options.misses}")


if __name__ == "__main__":
    main()
