"""Build redline/data/actors/phoenix.csv.gz, the fallback actor layer, from Phoenix files.

Usage: python scripts/build_phoenix.py DICTIONARY_FOLDER   (run by `make phoenix`)

The Phoenix/PETRARCH actor dictionaries are MIT-licensed (Open Event Data Alliance); each
row written keeps the file and code it came from.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

from redline.coding.actors import ActorDictionary
from redline.coding.phoenix import breadth_rows

COLUMNS = [
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


def main() -> None:
    folder = Path(sys.argv[1])
    countries = {e.id for e in ActorDictionary.builtin().search("") if e.type == "state"}
    problems: list[str] = []
    rows = breadth_rows(folder, countries, problems)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target = Path(__file__).parent.parent / "redline" / "data" / "actors" / "phoenix.csv.gz"
    # mtime=0 keeps the archive byte-identical across rebuilds.
    with gzip.GzipFile(target, "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    print(f"{len(rows)} rows written to {target} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
