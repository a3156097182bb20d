"""Read other event datasets (ACLED, GDELT 2.0, POLECAT) into one record for comparison.

Each reader turns a file, laid out as its dataset's codebook defines it, into
``ForeignEvent`` records that share our vocabulary: a date, a type *family* (the coarse
level at which the datasets' typologies can be compared), ISO3 countries and coordinates.
The dataset's own labels are kept beside the family so nothing is lost in the mapping.

A file that is not what it claims to be stops the import with a ``DatasetError`` that names
the file, the row and the column, because a half-read dataset would skew a comparison
silently. Rows are numbered from 1 and do not count the header, so ``row 1`` is the first
event in every format; when a quoted field spans lines the physical line is given too.
Files are decoded line by line as they are read, so a large export is never held in memory
as text, and a ``.gz`` path is read through gzip.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gzip
import io
import math
import os
import re
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from redline.errors import ConfigError

_T = TypeVar("_T")

DATASETS: tuple[str, ...] = ("acled", "gdelt", "polecat")
"""The formats ``read`` understands."""

FAMILIES: tuple[str, ...] = (
    "violence",
    "protest",
    "coercion",
    "threat",
    "statement",
    "cooperation",
    "other",
)
"""Type families: the level at which PLOVER, CAMEO and ACLED types can be compared."""

GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor{n}{f}" for n in (1, 2) for f in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{who}Geo_{f}" for who in ("Actor1", "Actor2", "Action") for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
"""The 61 columns of a GDELT 2.0 events file, in codebook order (the file has no header)."""


ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
"""The columns of an ACLED CSV export, in codebook order. Only some are required: see
``read_acled``."""

POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code",
    "Contexts",
    *(f"{who} {f}" for who in ("Actor", "Recipient") for f in (
        "Name", "Country", "COW", "Title", "Name Raw")),
    "Primary Actor Sector", "Actor Sectors", "Wikipedia Actor ID", "Wikipedia Actor Type",
    "Primary Recipient Sector", "Recipient Sectors", "Wikipedia Recipient ID",
    "Wikipedia Recipient Type",
    "Placename", "City", "District", "Province", "Country", "Latitude", "Longitude",
    "GeoNames ID", "Raw Placename", "Feature Type", "Source", "Publication Date",
    "Story People", "Story Organizations", "Story Locations", "Language", "Version",
)  # fmt: skip
"""The columns of a POLECAT weekly file (the file's own order may differ; headers are
matched ignoring case, spaces and underscores)."""


class DatasetError(ConfigError):
    """A dataset file cannot be read as the format it was given as.

    The message names the file, the row (data rows count from 1, the header not counted)
    and the column. ``row`` is ``None`` for problems with the header or the whole file, and
    ``column`` is ``None`` when no single column is at fault.
    """

    def __init__(
        self, message: str, *, path: str, row: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.row = row
        self.column = column


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignEvent:
    """One event from another dataset, in terms we can compare with our own events.

    ``event_type`` and ``sub_type`` are the dataset's own labels; ``family`` is one of
    ``FAMILIES``. Countries are ISO3 codes where the file gives or implies one, else
    ``None``. ``row`` is the event's data row in its file (1 = first row after any header),
    so an analyst can look the original up; ``text`` is ACLED's notes, ``url`` GDELT's
    source URL.
    """

    dataset: str
    id: str
    row: int
    date: date
    family: str
    event_type: str
    sub_type: str | None = None
    actor1: str | None = None
    actor1_country: str | None = None
    actor2: str | None = None
    actor2_country: str | None = None
    country: str | None = None
    admin1: str | None = None
    location: str | None = None
    lat: float | None = None
    lon: float | None = None
    fatalities: int | None = None
    text: str | None = None
    url: str | None = None


_PLOVER_FAMILY: Mapping[str, str] = {
    "ASSAULT": "violence",
    "PROTEST": "protest",
    "COERCE": "coercion",
    "SANCTION": "coercion",
    "MOBILIZE": "coercion",
    "THREATEN": "threat",
    "ACCUSE": "statement",
    "REJECT": "statement",
    "REQUEST": "statement",
    "AGREE": "cooperation",
    "CONSULT": "cooperation",
    "SUPPORT": "cooperation",
    "CONCEDE": "cooperation",
    "COOPERATE": "cooperation",
    "AID": "cooperation",
    "RETREAT": "cooperation",
}


def family_of_plover(event_type: str) -> str:
    """The type family of a PLOVER event type (ours and POLECAT's); any letter case.

    Raises ``ValueError`` for a name that is not one of the 16 PLOVER types.
    """
    try:
        return _PLOVER_FAMILY[event_type.strip().upper()]
    except KeyError:
        raise ValueError(f"{event_type!r} is not a PLOVER event type") from None


_ACLED_FAMILY: Mapping[str, str] = {
    "battles": "violence",
    "explosions/remote violence": "violence",
    "violence against civilians": "violence",
    "protests": "protest",
    "riots": "protest",
    "strategic developments": "other",
    # Types ACLED used before its 2019 revision; old exports still carry them.
    "battle-no change of territory": "violence",
    "battle-government regains territory": "violence",
    "battle-non-state actor overtakes territory": "violence",
    "remote violence": "violence",
    "riots/protests": "protest",
    "strategic development": "other",
    "non-violent transfer of territory": "other",
    "headquarters or base established": "other",
}


_ACLED_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)


def _cameo_family(root: int) -> str:
    if root >= 18:
        return "violence"
    if root == 14:
        return "protest"
    if root >= 15:
        return "coercion"
    if root == 13:
        return "threat"
    if root >= 10:
        return "statement"
    return "cooperation"


# -- reference tables ------------------------------------------------------------------------


@functools.cache
def _countries() -> tuple[frozenset[str], Mapping[str, str]]:
    """Known ISO3 codes, and lower-cased country names and aliases to ISO3."""
    text = (resources.files("redline.data") / "actors" / "countries.csv").read_text("utf-8")
    codes: set[str] = set()
    names: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        codes.add(row["iso3"])
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            names.setdefault(name.lower(), row["iso3"])
    return frozenset(codes), names


@functools.cache
def _fips() -> Mapping[str, str]:
    """FIPS 10-4 country codes (GDELT's geography) to ISO3."""
    text = (resources.files("redline.data") / "fips.csv").read_text("utf-8")
    return {row["fips"]: row["iso3"] for row in csv.DictReader(text.splitlines())}


def _country_named(name: str) -> str | None:
    key = name.strip().lower().removeprefix("the ")
    return _countries()[1].get(key)


_PARENTHESES = re.compile(r"\(([^()]*)\)")
_OF = re.compile(r"\bof (?:the )?")


def _acled_actor_country(name: str) -> str | None:
    """The country an ACLED actor name states: "Protesters (India)", "Military Forces of Iran"."""
    for inside in _PARENTHESES.findall(name):
        code = _country_named(inside)
        if code:
            return code
    for found in _OF.finditer(name):
        # The country runs up to the bracketed years, as in "of Iraq (2018-2022) Police".
        words = name[found.end() :].split("(")[0].split()
        for count in range(len(words), 0, -1):
            code = _country_named(" ".join(words[:count]))
            if code:
                return code
    return None


def _iso3(value: str | None) -> str | None:
    """An ISO3 code from a code or a country name; the first of a list (``;``, ``|``, ``,``)."""
    if value is None:
        return None
    first = re.split(r"[;|,]", value)[0].strip()
    if re.fullmatch(r"[A-Za-z]{3}", first):
        return first.upper()
    return _country_named(first) if first else None


# -- reading delimited files -----------------------------------------------------------------


class _Lines:
    """Decodes a byte stream one line at a time, remembering the first bad byte.

    A line that is not UTF-8 is passed on with its bad bytes as surrogates, so the caller
    can finish parsing the row and name the column they fall in.
    """

    def __init__(self, stream: Iterable[bytes]) -> None:
        self.stream = stream
        self.number = 0
        self.offset = 0
        self.bad: tuple[int, int, int] | None = None  # line, byte offset in file, byte
        self.record: list[str] = []  # lines of the record being parsed, for error messages

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            self.number += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                if self.bad is None:
                    self.bad = (self.number, self.offset + exc.start, raw[exc.start])
                text = raw.decode("utf-8", "surrogateescape")
            if self.number == 1:
                # Spreadsheet programs start UTF-8 CSV files with a byte-order mark.
                text = text.removeprefix("\ufeff")
            self.offset += len(raw)
            self.record.append(text)
            yield text


def _has_surrogate(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "_", name.strip().lower())


_BLANK = frozenset({"", "nan", "none", "null", "n/a"})
"""Cell values that mean "not given": pandas writes a missing value as "nan", Python as "None"."""


def _where(path: str, number: int, line: int, header_lines: int) -> str:
    """``path row N``, with the line too when a value spanning lines has set them apart."""
    apart = line != number + header_lines
    return f"{path} row {number}" + (f" (line {line})" if apart else "")


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row with what an error message needs: where it is and what its columns are."""

    path: str
    number: int
    line: int
    header_lines: int
    fields: Sequence[str]
    index: Mapping[str, int]
    labels: Sequence[str]

    def error(self, key: str, problem: str) -> DatasetError:
        label = self.labels[self.index[key]]
        where = _where(self.path, self.number, self.line, self.header_lines)
        return DatasetError(
            f"{where}, column {label!r}: {problem}",
            path=self.path,
            row=self.number,
            column=label,
        )

    def get(self, key: str) -> str | None:
        position = self.index.get(key)
        if position is None:
            return None
        value = self.fields[position].strip()
        return None if value.lower() in _BLANK else value

    def need(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise self.error(key, "is empty")
        return value

    def parse(self, key: str, parse: Callable[[str], _T | None], expected: str) -> _T | None:
        value = self.get(key)
        if value is None:
            return None
        result = parse(value)
        if result is None:
            raise self.error(key, f"{value!r} is not {expected}")
        return result


@dataclass(frozen=True, slots=True)
class _Format:
    """How one dataset's file is laid out."""

    title: str
    delimiter: str
    quoted: bool  # whether values may be quoted; GDELT never quotes
    required: tuple[str, ...]  # as the codebook spells them
    known: tuple[str, ...] = ()  # every codebook column, to point out misspelt ones
    columns: tuple[str, ...] | None = None  # fixed columns when the file has no header
    aliases: Mapping[str, str] | None = None  # other header spellings -> our key


def _open(path: Path, label: str) -> io.BufferedIOBase:
    try:
        if path.suffix == ".gz":
            return gzip.GzipFile(path, "rb")
        return path.open("rb")
    except FileNotFoundError:
        raise DatasetError(f"{label}: no such file", path=label) from None
    except OSError as exc:
        raise DatasetError(f"{label}: cannot be read ({exc.strerror})", path=label) from None


def _looks_like(line: str) -> str | None:
    """Which dataset a first line belongs to, to say so when a file is read as another."""
    for separator in ("\t", ","):
        cells = [_normalise(cell.strip('"')) for cell in line.rstrip("\r\n").split(separator)]
        keys = set(cells)
        if "event_id_cnty" in keys or {"sub_event_type", "event_date"} <= keys:
            return "an ACLED CSV export"
        if "event_id" in keys and keys & {"recipient_name", "quad_code", "event_mode"}:
            return "a POLECAT weekly file"
        if "globaleventid" in keys:
            return "a GDELT 2.0 events file"
        if separator == "\t" and len(cells) >= 57 and re.fullmatch(r"\d{8}", cells[1]):
            size = "2.0" if len(cells) == len(GDELT_COLUMNS) else "1.0"
            return f"a GDELT {size} events file"
    return None


def _rows(path_like: str | os.PathLike[str], spec: _Format) -> Generator[_Row, None, None]:
    """The data rows of a file, checked against the format's columns as they stream by."""
    label = os.fspath(path_like)
    with _open(Path(path_like), label) as stream:
        lines = _Lines(stream)
        quoting: Literal[0, 3] = csv.QUOTE_MINIMAL if spec.quoted else csv.QUOTE_NONE
        reader = csv.reader(lines, delimiter=spec.delimiter, quoting=quoting, strict=True)
        labels: Sequence[str] = spec.columns or ()
        index: Mapping[str, int] = {_normalise(name): i for i, name in enumerate(labels)}
        first_line: str | None = None
        header_lines = 0
        number = 0
        start = 1
        while True:
            lines.record = []
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row = (number + 1, start, header_lines)
                raise _broken(label, spec, lines, labels, row, exc) from None
            except (OSError, EOFError, zlib.error) as exc:
                raise DatasetError(
                    f"{label}: cannot be read past line {lines.number} ({exc}); "
                    "is it a truncated or damaged file?",
                    path=label,
                ) from None
            if not any(field.strip() for field in fields):
                start = reader.line_num + 1
                continue
            if first_line is None:
                first_line = "".join(lines.record)
                header = _header(label, spec, fields, lines, first_line, start)
                if header is not None:
                    labels, index = header
                    header_lines = reader.line_num
                    start = reader.line_num + 1
                    continue
            number += 1
            if lines.bad is not None:
                raise _not_utf8(label, lines.bad, fields, labels, number)
            if len(fields) != len(labels):
                raise _ragged(label, spec, fields, labels, number, start, header_lines, first_line)
            yield _Row(label, number, start, header_lines, fields, index, labels)
            start = reader.line_num + 1
        if first_line is None:
            raise DatasetError(f"{label}: the file is empty (expected {spec.title})", path=label)


def _header(
    label: str, spec: _Format, fields: list[str], lines: _Lines, first_line: str, line: int
) -> tuple[Sequence[str], Mapping[str, int]] | None:
    """The header's labels and column positions; ``None`` for a headerless row of data."""
    if spec.columns is not None:
        # Some tools write GDELT's column names as a first row; skip it rather than fail.
        if [_normalise(f) for f in fields] == [_normalise(c) for c in spec.columns]:
            return spec.columns, {_normalise(c): i for i, c in enumerate(spec.columns)}
        return None
    if lines.bad is not None:
        bad_line, offset, byte = lines.bad
        column = str(next((i for i, f in enumerate(fields) if _has_surrogate(f)), 0) + 1)
        raise DatasetError(
            f"{label} header (line {bad_line}), column {column}: byte 0x{byte:02X} at byte "
            f"offset {offset} is not UTF-8; the file must be saved as UTF-8",
            path=label,
            column=column,
        )
    labels = [field.strip() for field in fields]
    index: dict[str, int] = {}
    for position, name in enumerate(labels):
        key = _normalise(name)
        key = (spec.aliases or {}).get(key, key)
        index.setdefault(key, position)
    missing = [name for name in spec.required if _normalise(name) not in index]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        looks = _looks_like(first_line)
        if looks and looks != spec.title:
            hint = f"; this looks like {looks}"
        else:
            known = {_normalise(name) for name in spec.known}
            strange = [name for name in labels if _normalise(name) not in known][:5]
            hint = f"; not in its codebook: {', '.join(map(repr, strange))}" if strange else ""
        raise DatasetError(
            f"{label} header (line {line}): missing column(s) {names} of {spec.title}{hint}",
            path=label,
            column=missing[0],
        )
    return labels, index


def _not_utf8(
    label: str, bad: tuple[int, int, int], fields: list[str], labels: Sequence[str], number: int
) -> DatasetError:
    line, offset, byte = bad
    position = next((i for i, f in enumerate(fields) if _has_surrogate(f)), None)
    column = (
        labels[position]
        if position is not None and position < len(labels)
        else str((position or 0) + 1)
    )
    return DatasetError(
        f"{label} row {number}, column {column!r}: byte 0x{byte:02X} (line {line}, byte offset "
        f"{offset}) is not UTF-8; the file is in another encoding (Latin-1 or Windows-1252?) "
        "and must be saved as UTF-8",
        path=label,
        row=number,
        column=column,
    )


def _ragged(
    label: str,
    spec: _Format,
    fields: list[str],
    labels: Sequence[str],
    number: int,
    line: int,
    header_lines: int,
    first_line: str,
) -> DatasetError:
    where = _where(label, number, line, header_lines)
    if number == 1 and spec.columns is not None:
        looks = _looks_like(first_line)
        if looks and looks != spec.title:
            return DatasetError(
                f"{where} has {len(fields)} of {len(labels)} columns; this looks like {looks}, "
                f"not {spec.title}",
                path=label,
                row=number,
            )
    if len(fields) < len(labels):
        column = labels[len(fields)]
        return DatasetError(
            f"{where} has {len(fields)} of {len(labels)} columns: column {len(fields) + 1} "
            f"{column!r} onward is missing (is the file truncated?)",
            path=label,
            row=number,
            column=column,
        )
    return DatasetError(
        f"{where} has {len(fields)} columns, {len(fields) - len(labels)} more than the "
        f"{len(labels)} expected: column {len(labels) + 1} is extra after {labels[-1]!r} "
        f"(a stray {'tab' if spec.delimiter == chr(9) else 'comma'} in an unquoted value?)",
        path=label,
        row=number,
        column=str(len(labels) + 1),
    )


def _broken(
    label: str,
    spec: _Format,
    lines: _Lines,
    labels: Sequence[str],
    row: tuple[int, int, int],
    exc: csv.Error,
) -> DatasetError:
    """A row the CSV parser gave up on; re-read leniently to find the column it broke in."""
    number, line, header_lines = row
    where = _where(label, number, line, header_lines)
    partial = next(csv.reader(lines.record or [""], delimiter=spec.delimiter), [])
    # A value that swallowed a line break is where an unbalanced quote began.
    spanning = [i for i, value in enumerate(partial) if "\n" in value or "\r" in value]
    position = spanning[0] if spanning else max(len(partial) - 1, 0)
    column = labels[position] if position < len(labels) else str(position + 1)
    if "unexpected end of data" in str(exc):
        problem = "a quoted value is never closed (is the file truncated?)"
    elif "field larger than field limit" in str(exc):
        problem = f"a value runs on too long ({exc}); is a quote opened and never closed?"
    else:
        problem = f"malformed {'CSV' if spec.delimiter == ',' else 'TSV'} ({exc})"
    return DatasetError(
        f"{where}, column {column!r}: {problem}",
        path=label,
        row=number,
        column=column,
    )


# -- values ----------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, full in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for name in (full, full[:3])
}
"""English month names, spelled out here because ``strptime``'s ``%B`` follows the locale."""


def _make_date(year: str, month: str | int, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _iso_date(value: str) -> date | None:
    """``2022-06-08``, optionally followed by a time, as POLECAT and our exports write it."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", value)
    return _make_date(*match.groups()) if match else None


def _acled_date(value: str) -> date | None:
    """ACLED writes ``2022-06-08`` or ``08 June 2022`` depending on the export tool."""
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})", value)
    if match:
        month = _MONTHS.get(match.group(2).lower())
        return _make_date(match.group(3), month, match.group(1)) if month else None
    return _iso_date(value)


def _gdelt_date(value: str) -> date | None:
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value)
    return _make_date(*match.groups()) if match else None


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _latitude(value: str) -> float | None:
    number = _number(value)
    return number if number is not None and -90 <= number <= 90 else None


def _longitude(value: str) -> float | None:
    number = _number(value)
    return number if number is not None and -180 <= number <= 180 else None


def _count(value: str) -> int | None:
    return int(value) if re.fullmatch(r"\d+", value) else None


def _cameo_root(value: str) -> int | None:
    return int(value) if re.fullmatch(r"\d{1,2}", value) and 1 <= int(value) <= 20 else None


def _url(value: str | None) -> str | None:
    return value if value and re.match(r"https?://", value) else None


# -- the three readers -----------------------------------------------------------------------

_ACLED = _Format(
    title="an ACLED CSV export",
    delimiter=",",
    quoted=True,
    required=("event_id_cnty", "event_date", "event_type", "country"),
    known=ACLED_COLUMNS,
)

_GDELT = _Format(
    title="a GDELT 2.0 events file",
    delimiter="\t",
    # GDELT never quotes, and names and URLs can contain a bare '"'.
    quoted=False,
    required=(),
    columns=GDELT_COLUMNS,
)

_POLECAT = _Format(
    title="a POLECAT weekly file",
    delimiter="\t",
    quoted=True,
    required=("Event ID", "Event Date", "Event Type"),
    known=(*POLECAT_COLUMNS, "Intensity"),
    aliases={"intensity": "event_intensity"},
)


def _acled_event(row: _Row) -> ForeignEvent:
    event_type = row.need("event_type")
    family = _ACLED_FAMILY.get(event_type.lower())
    if family is None:
        known = ", ".join(_ACLED_TYPES)
        raise row.error("event_type", f"{event_type!r} is not an ACLED event type ({known})")
    actor1, actor2 = row.get("actor1"), row.get("actor2")
    country = row.get("country")
    return ForeignEvent(
        dataset="acled",
        id=row.need("event_id_cnty"),
        row=row.number,
        date=_required_date(row, "event_date", _acled_date, "YYYY-MM-DD or DD Month YYYY"),
        family=family,
        event_type=event_type,
        sub_type=row.get("sub_event_type"),
        actor1=actor1,
        actor1_country=_acled_actor_country(actor1) if actor1 else None,
        actor2=actor2,
        actor2_country=_acled_actor_country(actor2) if actor2 else None,
        country=_country_named(country) if country else None,
        admin1=row.get("admin1"),
        location=row.get("location"),
        lat=row.parse("latitude", _latitude, "a latitude (-90 to 90)"),
        lon=row.parse("longitude", _longitude, "a longitude (-180 to 180)"),
        fatalities=row.parse("fatalities", _count, "a count of fatalities"),
        text=row.get("notes"),
    )


def _required_date(row: _Row, key: str, parse: Callable[[str], date | None], expected: str) -> date:
    value = row.parse(key, parse, f"a date ({expected})")
    if value is None:
        raise row.error(key, "is empty")
    return value


def _gdelt_admin1(geo_type: str | None, full_name: str | None) -> str | None:
    """The first-level region from a GDELT place name, as ACLED's ``admin1`` would give it.

    GDELT spells places "City, Region, Country" (types 3 and 4) or "Region, Country"
    (types 2 and 5); its ADM1 column holds a FIPS code, which no other dataset uses.
    """
    if not full_name:
        return None
    parts = [part.strip() for part in full_name.split(",")]
    if geo_type in ("2", "5"):
        return parts[0]
    if geo_type in ("3", "4") and len(parts) >= 3:
        return parts[-2]
    return None


def _gdelt_country(code: str | None) -> str | None:
    """ISO3 from GDELT's FIPS 10-4 place code; our own exports already write ISO3."""
    if code is None:
        return None
    code = code.upper()
    if code in _countries()[0]:
        return code
    return _fips().get(code)


def _gdelt_event(row: _Row) -> ForeignEvent:
    code = row.need("eventcode")
    root = row.parse("eventrootcode", _cameo_root, "a CAMEO root code (01 to 20)")
    if root is None:
        root = _cameo_root(code[:2])
        if root is None:
            raise row.error("eventcode", f"{code!r} is not a CAMEO event code")
    return ForeignEvent(
        dataset="gdelt",
        id=row.need("globaleventid"),
        row=row.number,
        date=_required_date(row, "day", _gdelt_date, "YYYYMMDD"),
        family=_cameo_family(root),
        event_type=code,
        actor1=row.get("actor1name"),
        actor1_country=_upper(row.get("actor1countrycode")),
        actor2=row.get("actor2name"),
        actor2_country=_upper(row.get("actor2countrycode")),
        country=_gdelt_country(row.get("actiongeo_countrycode")),
        admin1=_gdelt_admin1(row.get("actiongeo_type"), row.get("actiongeo_fullname")),
        location=row.get("actiongeo_fullname"),
        lat=row.parse("actiongeo_lat", _latitude, "a latitude (-90 to 90)"),
        lon=row.parse("actiongeo_long", _longitude, "a longitude (-180 to 180)"),
        url=row.get("sourceurl"),
    )


def _upper(value: str | None) -> str | None:
    return value.upper() if value else None


def _polecat_event(row: _Row) -> ForeignEvent:
    event_type = row.need("event_type")
    try:
        family = family_of_plover(event_type)
    except ValueError as exc:
        raise row.error("event_type", str(exc)) from None
    return ForeignEvent(
        dataset="polecat",
        id=row.need("event_id"),
        row=row.number,
        date=_required_date(row, "event_date", _iso_date, "YYYY-MM-DD"),
        family=family,
        event_type=event_type.upper(),
        sub_type=row.get("event_mode"),
        actor1=row.get("actor_name"),
        actor1_country=_iso3(row.get("actor_country")),
        actor2=row.get("recipient_name"),
        actor2_country=_iso3(row.get("recipient_country")),
        country=_iso3(row.get("country")),
        admin1=row.get("province"),
        location=row.get("placename") or row.get("city"),
        lat=row.parse("latitude", _latitude, "a latitude (-90 to 90)"),
        lon=row.parse("longitude", _longitude, "a longitude (-180 to 180)"),
        url=_url(row.get("source")),
    )


def _read(
    path: str | os.PathLike[str], spec: _Format, event: Callable[[_Row], ForeignEvent]
) -> list[ForeignEvent]:
    # Closing the row stream at once releases the file even when a row raises.
    with contextlib.closing(_rows(path, spec)) as rows:
        return [event(row) for row in rows]


def read_acled(path: str | os.PathLike[str]) -> list[ForeignEvent]:
    """Events from an ACLED CSV export (comma-separated, header row, codebook columns).

    Only ``event_id_cnty``, ``event_date``, ``event_type`` and ``country`` must be present,
    so a narrowed export (ACLED's ``fields=`` option) still reads; absent columns give
    ``None``. Countries come from the country name, actors' countries from their names.
    """
    return _read(path, _ACLED, _acled_event)


def read_gdelt(path: str | os.PathLike[str]) -> list[ForeignEvent]:
    """Events from a GDELT 2.0 events file (tab-separated, no header, 61 columns).

    A first row of column names is skipped. The place country is mapped from FIPS 10-4 to
    ISO3; actors' CAMEO country codes are kept as they are.
    """
    return _read(path, _GDELT, _gdelt_event)


def read_polecat(path: str | os.PathLike[str]) -> list[ForeignEvent]:
    """Events from a POLECAT weekly file (tab-separated, header names in any case/spacing).

    Only ``Event ID``, ``Event Date`` and ``Event Type`` must be present.
    """
    return _read(path, _POLECAT, _polecat_event)


_READERS: Mapping[str, Callable[[str | os.PathLike[str]], list[ForeignEvent]]] = {
    "acled": read_acled,
    "gdelt": read_gdelt,
    "polecat": read_polecat,
}


def read(path: str | os.PathLike[str], fmt: str) -> list[ForeignEvent]:
    """Events from a file in one of ``DATASETS``."""
    reader = _READERS.get(fmt.lower())
    if reader is None:
        raise DatasetError(
            f"{os.fspath(path)}: unknown dataset format {fmt!r}; expected one of "
            + ", ".join(DATASETS),
            path=os.fspath(path),
        )
    return reader(path)
