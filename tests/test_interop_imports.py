"""Reading ACLED, GDELT 2.0 and POLECAT files, and refusing bad ones with a message that says where.

The fixtures in ``tests/fixtures/interop`` are invented rows written from each codebook about
the December 2019 – January 2020 US–Iran events, plus bad variants of them.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from redline.errors import ConfigError
from redline.interop.imports import (
    DATASETS,
    FAMILIES,
    GDELT_COLUMNS,
    DatasetError,
    ForeignEvent,
    family_of_plover,
    read,
    read_acled,
    read_gdelt,
    read_polecat,
)
from redline.model import EVENT_TYPES

FIXTURES = Path(__file__).parent / "fixtures" / "interop"


def _summary(events: list[ForeignEvent]) -> list[tuple[object, ...]]:
    return [
        (e.row, e.id, e.date, e.family, e.event_type, e.actor1_country, e.actor2_country, e.country)
        for e in events
    ]


# -- ACLED -----------------------------------------------------------------------------------


def test_acled_fixture_gives_the_expected_events() -> None:
    events = read_acled(FIXTURES / "acled.csv")
    expl = "Explosions/Remote violence"
    assert _summary(events) == [
        (1, "IRQ90001", date(2019, 12, 27), "violence", expl, "IRQ", "USA", "IRQ"),
        (2, "IRQ90002", date(2019, 12, 29), "violence", expl, "USA", None, "IRQ"),
        (3, "SYR90001", date(2019, 12, 29), "violence", expl, "USA", None, "SYR"),
        (4, "IRQ90003", date(2019, 12, 31), "protest", "Riots", "IRQ", None, "IRQ"),
        (5, "IRQ90004", date(2020, 1, 3), "violence", expl, "USA", "IRN", "IRQ"),
        (6, "IRQ90005", date(2020, 1, 5), "other", "Strategic developments", "IRQ", None, "IRQ"),
        (7, "IRQ90006", date(2020, 1, 8), "violence", expl, "IRN", "USA", "IRQ"),
        (8, "IND90001", date(2019, 12, 19), "protest", "Protests", "IND", None, "IND"),
    ]
    assert [e.fatalities for e in events] == [1, 19, 6, 0, 10, 0, 0, None]
    assert all(e.dataset == "acled" and e.url is None for e in events)


def test_acled_record_keeps_place_actors_and_notes() -> None:
    strike = read_acled(FIXTURES / "acled.csv")[4]
    assert strike == ForeignEvent(
        dataset="acled",
        id="IRQ90004",
        row=5,
        date=date(2020, 1, 3),
        family="violence",
        event_type="Explosions/Remote violence",
        sub_type="Air/drone strike",
        actor1="Military Forces of the United States (2017-2021)",
        actor1_country="USA",
        actor2="Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps",
        actor2_country="IRN",
        country="IRQ",
        admin1="Baghdad",
        location="Baghdad International Airport",
        lat=33.2625,
        lon=44.2346,
        fatalities=10,
        text=strike.text,
    )
    assert strike.text is not None and "Qassem Soleimani" in strike.text
    assert hash(strike) == hash(read_acled(FIXTURES / "acled.csv")[4])


def test_acled_notes_spanning_lines_keep_row_numbers_by_data_row() -> None:
    embassy = read_acled(FIXTURES / "acled.csv")[3]
    assert embassy.text is not None
    assert embassy.text.endswith('chanting "Death to America".\n[size=thousands]')
    assert embassy.row == 4


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2019-12-27", date(2019, 12, 27)),
        ("27 December 2019", date(2019, 12, 27)),
        ("8 January 2020", date(2020, 1, 8)),
        ("08 Jan 2020", date(2020, 1, 8)),
        ("08-January-2020", date(2020, 1, 8)),
    ],
)
def test_acled_dates_in_either_export_spelling(
    tmp_path: Path, written: str, expected: date
) -> None:
    path = _acled_with(tmp_path, row=1, column="event_date", value=written)
    assert read_acled(path)[0].date == expected


@pytest.mark.parametrize(
    ("actor", "country"),
    [
        ("Military Forces of Russia (2000-)", "RUS"),
        ("Protesters (India)", "IND"),
        ("Police Forces of Iraq (2018-2022) Prison Guards", "IRQ"),
        ("Government of the Democratic Republic of Congo (2019-)", "COD"),
        ("Civilians (Syria)", "SYR"),
        ("Kata'ib Hezbollah", None),
        ("Protesters (International)", None),
    ],
)
def test_acled_actor_country_from_the_name(tmp_path: Path, actor: str, country: str | None) -> None:
    path = _acled_with(tmp_path, row=1, column="actor1", value=actor)
    assert read_acled(path)[0].actor1_country == country


def test_acled_header_case_bom_crlf_and_column_order_do_not_matter(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO((FIXTURES / "acled.csv").read_text(encoding="utf-8"))))
    header = [name.upper() for name in rows[0]]
    reordered = [[row[-1], *row[:-1]] for row in [header, *rows[1:]]]
    path = tmp_path / "acled-excel.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerows(reordered)
    assert read_acled(path) == read_acled(FIXTURES / "acled.csv")


def test_acled_needs_only_the_columns_it_uses(tmp_path: Path) -> None:
    path = tmp_path / "slim.csv"
    path.write_text("event_id_cnty,event_date,event_type,country\nX1,2020-01-03,Battles,Iraq\n")
    (event,) = read_acled(path)
    assert (event.id, event.family, event.country, event.lat, event.actor1) == (
        "X1",
        "violence",
        "IRQ",
        None,
        None,
    )


def test_acled_header_only_file_has_no_events(tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    path.write_text((FIXTURES / "acled.csv").read_text().splitlines()[0] + "\n")
    assert read_acled(path) == []


def test_acled_old_event_types_are_mapped(tmp_path: Path) -> None:
    path = _acled_with(tmp_path, row=1, column="event_type", value="Battle-No change of territory")
    assert read_acled(path)[0].family == "violence"


# -- GDELT -----------------------------------------------------------------------------------


def test_gdelt_columns_follow_the_codebook() -> None:
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:2] == ("GlobalEventID", "Day")
    assert GDELT_COLUMNS[26:29] == ("EventCode", "EventBaseCode", "EventRootCode")
    assert GDELT_COLUMNS[51:53] == ("ActionGeo_Type", "ActionGeo_FullName")
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")


def test_gdelt_fixture_gives_the_expected_events() -> None:
    events = read_gdelt(FIXTURES / "gdelt.tsv")
    assert _summary(events) == [
        (1, "893400101", date(2019, 12, 27), "violence", "190", None, "USA", "IRQ"),
        (2, "893512202", date(2019, 12, 29), "violence", "195", "USA", "IRQ", "IRQ"),
        (3, "893512203", date(2019, 12, 29), "violence", "195", "USA", "SYR", "SYR"),
        (4, "893640404", date(2019, 12, 31), "protest", "145", "IRQ", "USA", "IRQ"),
        (5, "893812305", date(2020, 1, 3), "violence", "186", "USA", "IRN", "IRQ"),
        (6, "893850106", date(2020, 1, 4), "threat", "138", "USA", "IRN", None),
        (7, "893922207", date(2020, 1, 6), "cooperation", "036", "DEU", "IRN", "DEU"),
        (8, "894011008", date(2020, 1, 8), "violence", "190", "IRN", "USA", "IRQ"),
    ]
    assert all(e.fatalities is None and e.text is None for e in events)
    soleimani = events[4]
    assert (soleimani.lat, soleimani.lon, soleimani.admin1) == (33.2625, 44.2346, "Baghdad")
    assert soleimani.location == "Baghdad International Airport, Baghdad, Iraq"
    assert soleimani.url == "https://news.example.com/2020/01/03/soleimani-killed-baghdad-airport"
    threat = events[5]
    assert (threat.lat, threat.lon, threat.location, threat.admin1) == (None, None, None, None)


@pytest.mark.parametrize(
    ("root", "family"),
    [
        ("01", "cooperation"),
        ("09", "cooperation"),
        ("10", "statement"),
        ("12", "statement"),
        ("13", "threat"),
        ("14", "protest"),
        ("15", "coercion"),
        ("17", "coercion"),
        ("18", "violence"),
        ("20", "violence"),
        ("4", "cooperation"),
    ],
)
def test_gdelt_family_from_the_cameo_root(tmp_path: Path, root: str, family: str) -> None:
    path = _gdelt_with(tmp_path, row=1, column="EventRootCode", value=root)
    assert read_gdelt(path)[0].family == family


def test_gdelt_root_code_falls_back_to_the_event_code(tmp_path: Path) -> None:
    path = _gdelt_with(tmp_path, row=1, column="EventRootCode", value="")
    assert read_gdelt(path)[0].family == "violence"


def test_gdelt_accepts_iso3_place_codes_as_our_exporter_writes_them(tmp_path: Path) -> None:
    path = _gdelt_with(tmp_path, row=1, column="ActionGeo_CountryCode", value="IRQ")
    assert read_gdelt(path)[0].country == "IRQ"
    unknown = _gdelt_with(tmp_path, row=1, column="ActionGeo_CountryCode", value="QQ")
    assert read_gdelt(unknown)[0].country is None


def test_gdelt_header_row_of_column_names_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "with-header.tsv"
    text = (FIXTURES / "gdelt.tsv").read_text(encoding="utf-8")
    path.write_text("\t".join(GDELT_COLUMNS) + "\n" + text, encoding="utf-8")
    assert read_gdelt(path) == read_gdelt(FIXTURES / "gdelt.tsv")


# -- POLECAT ---------------------------------------------------------------------------------


def test_polecat_fixture_gives_the_expected_events() -> None:
    events = read_polecat(FIXTURES / "polecat.tsv")
    assert _summary(events) == [
        (1, "rlx-20191227-01", date(2019, 12, 27), "violence", "ASSAULT", None, "USA", "IRQ"),
        (2, "rlx-20191229-02", date(2019, 12, 29), "violence", "ASSAULT", "USA", "IRQ", "IRQ"),
        (3, "rlx-20191231-03", date(2019, 12, 31), "protest", "PROTEST", "IRQ", "USA", "IRQ"),
        (4, "rlx-20200103-04", date(2020, 1, 3), "violence", "ASSAULT", "USA", "IRN", "IRQ"),
        (5, "rlx-20200104-05", date(2020, 1, 4), "threat", "THREATEN", "USA", "IRN", "USA"),
        (6, "rlx-20200108-06", date(2020, 1, 8), "violence", "ASSAULT", "IRN", "USA", "IRQ"),
        (7, "rlx-20200110-07", date(2020, 1, 10), "coercion", "SANCTION", "USA", "IRN", None),
        (8, "rlx-20200111-08", date(2020, 1, 11), "cooperation", "CONSULT", "DEU", "RUS", "RUS"),
    ]
    soleimani = events[3]
    assert (soleimani.sub_type, soleimani.actor2, soleimani.lat, soleimani.lon) == (
        "assassinate",
        "Qassem Soleimani",
        33.2625,
        44.2346,
    )
    assert soleimani.location == "Baghdad International Airport"
    assert events[2].url == "https://news.example.com/2019/12/31/embassy"
    assert events[0].url is None  # a publisher name, not a link
    assert (events[6].lat, events[6].country, events[6].sub_type) == (None, None, None)
    assert all(e.fatalities is None and e.text is None for e in events)


def test_polecat_headers_match_in_any_case_and_spacing(tmp_path: Path) -> None:
    lines = (FIXTURES / "polecat.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].replace("Event Intensity", "Intensity")
    header = re.sub(r"[^\t\n]+", lambda m: m.group().lower().replace(" ", "_"), header)
    path = tmp_path / "snake.tsv"
    path.write_text(header + "".join(lines[1:]), encoding="utf-8")
    assert header.startswith("event_id\tevent_date\tevent_type")
    assert read_polecat(path) == read_polecat(FIXTURES / "polecat.tsv")


def test_polecat_needs_only_the_columns_it_uses(tmp_path: Path) -> None:
    path = tmp_path / "slim.tsv"
    path.write_text("Event Type\tEvent ID\tEvent Date\nagree\tp1\t2020-01-03 10:00:00\n")
    (event,) = read_polecat(path)
    assert (event.id, event.date, event.event_type, event.family) == (
        "p1",
        date(2020, 1, 3),
        "AGREE",
        "cooperation",
    )


# -- dispatch --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name"), [("acled", "acled.csv"), ("GDELT", "gdelt.tsv"), ("polecat", "polecat.tsv")]
)
def test_read_dispatches_on_the_format(fmt: str, name: str) -> None:
    events = read(str(FIXTURES / name), fmt)
    assert len(events) == 8
    assert {e.dataset for e in events} == {fmt.lower()}
    assert {e.family for e in events} <= set(FAMILIES)


def test_read_refuses_an_unknown_format() -> None:
    with pytest.raises(DatasetError, match=r"unknown dataset format 'ucdp'.*acled, gdelt, polecat"):
        read(FIXTURES / "acled.csv", "ucdp")
    assert DATASETS == ("acled", "gdelt", "polecat")


# -- gzip ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "name"),
    [(read_acled, "acled.csv"), (read_gdelt, "gdelt.tsv"), (read_polecat, "polecat.tsv")],
)
def test_gzip_files_read_the_same(tmp_path: Path, reader: object, name: str) -> None:
    assert callable(reader)
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress((FIXTURES / name).read_bytes()))
    assert reader(packed) == reader(FIXTURES / name)


def test_truncated_gzip_is_a_dataset_error(tmp_path: Path) -> None:
    data = gzip.compress((FIXTURES / "gdelt.tsv").read_bytes())
    packed = tmp_path / "gdelt.tsv.gz"
    packed.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match=r"gdelt\.tsv\.gz: cannot be read past line"):
        read_gdelt(packed)


def test_a_plain_file_named_gz_is_a_dataset_error(tmp_path: Path) -> None:
    packed = tmp_path / "acled.csv.gz"
    packed.write_bytes((FIXTURES / "acled.csv").read_bytes())
    with pytest.raises(DatasetError, match="damaged"):
        read_acled(packed)


# -- bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "name", "row", "column", "message"),
    [
        (
            read_acled,
            "acled_wrong_columns.csv",
            None,
            "event_date",
            "header (line 1): missing column(s) 'event_date', 'event_type' of an ACLED CSV "
            "export; not in its codebook: 'date', 'type'",
        ),
        (
            read_acled,
            "acled_latin1.csv",
            2,
            "notes",
            "row 2, column 'notes': byte 0xE9 (line 3, byte offset",
        ),
        (
            read_acled,
            "acled_truncated.csv",
            3,
            "notes",
            "row 3, column 'notes': a quoted value is never closed",
        ),
        (
            read_acled,
            "acled_bad_date.csv",
            3,
            "event_date",
            "row 3, column 'event_date': '2019-13-40' is not a date (YYYY-MM-DD or DD Month YYYY)",
        ),
        (
            read_gdelt,
            "gdelt_truncated.tsv",
            4,
            "Actor1Type1Code",
            "row 4 has 12 of 61 columns: column 13 'Actor1Type1Code' onward is missing",
        ),
        (
            read_gdelt,
            "gdelt_bad_date.tsv",
            2,
            "Day",
            "row 2, column 'Day': '20191232' is not a date (YYYYMMDD)",
        ),
        (
            read_polecat,
            "polecat_wrong_columns.tsv",
            None,
            "Event Date",
            "header (line 1): missing column(s) 'Event Date' of a POLECAT weekly file; "
            "not in its codebook: 'Date'",
        ),
        (
            read_polecat,
            "polecat_bad_date.tsv",
            3,
            "Event Date",
            "row 3, column 'Event Date': '2019-12-32' is not a date (YYYY-MM-DD)",
        ),
    ],
)
def test_bad_fixture_names_the_row_and_column(
    reader: object, name: str, row: int | None, column: str, message: str
) -> None:
    assert callable(reader)
    with pytest.raises(DatasetError) as caught:
        reader(FIXTURES / name)
    error = caught.value
    assert str(error).startswith(str(FIXTURES / name))
    assert message in str(error)
    assert (error.row, error.column, error.path) == (row, column, str(FIXTURES / name))
    assert isinstance(error, ConfigError)


def test_not_utf8_offset_points_at_the_bad_byte() -> None:
    with pytest.raises(DatasetError) as caught:
        read_acled(FIXTURES / "acled_latin1.csv")
    offset = int(re.search(r"byte offset (\d+)", str(caught.value)).group(1))  # type: ignore[union-attr]
    assert (FIXTURES / "acled_latin1.csv").read_bytes()[offset] == 0xE9


@pytest.mark.parametrize(
    ("reader", "name", "looks_like"),
    [
        (read_acled, "gdelt.tsv", "a GDELT 2.0 events file"),
        (read_acled, "polecat.tsv", "a POLECAT weekly file"),
        (read_gdelt, "acled.csv", "an ACLED CSV export"),
        (read_gdelt, "polecat.tsv", "a POLECAT weekly file"),
        (read_polecat, "acled.csv", "an ACLED CSV export"),
        (read_polecat, "gdelt.tsv", "a GDELT 2.0 events file"),
    ],
)
def test_a_file_of_another_dataset_is_named(reader: object, name: str, looks_like: str) -> None:
    assert callable(reader)
    with pytest.raises(DatasetError, match=f"this looks like {looks_like}"):
        reader(FIXTURES / name)


def test_gdelt_1_file_is_named(tmp_path: Path) -> None:
    first = (FIXTURES / "gdelt.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    path = tmp_path / "gdelt1.tsv"
    path.write_text("\t".join(first[:57]) + "\n", encoding="utf-8")
    with pytest.raises(
        DatasetError, match=r"row 1 has 57 of 61 columns; this looks like a GDELT 1\.0"
    ):
        read_gdelt(path)


def test_gdelt_extra_columns_are_named(tmp_path: Path) -> None:
    path = _gdelt_with(tmp_path, row=2, column="SOURCEURL", value="https://x.example/a\tb")
    with pytest.raises(DatasetError, match=r"row 2 has 62 columns.*column 62 is extra"):
        read_gdelt(path)


def test_gdelt_not_utf8_names_the_column(tmp_path: Path) -> None:
    text = (FIXTURES / "gdelt.tsv").read_text(encoding="utf-8").replace("GERMANY", "DEUTSCHLÄND")
    path = tmp_path / "latin1.tsv"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(DatasetError, match=r"row 7, column 'Actor1Name': byte 0xC4 \(line 7"):
        read_gdelt(path)


def test_bad_date_after_a_multiline_row_gives_the_line_too(tmp_path: Path) -> None:
    path = _acled_with(tmp_path, row=5, column="event_date", value="3 Janvier 2020")
    with pytest.raises(DatasetError) as caught:
        read_acled(path)
    assert "row 5 (line 7), column 'event_date': '3 Janvier 2020' is not a date" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("latitude", "north", "'north' is not a latitude (-90 to 90)"),
        ("latitude", "95.2", "'95.2' is not a latitude (-90 to 90)"),
        ("longitude", "inf", "'inf' is not a longitude (-180 to 180)"),
        ("fatalities", "many", "'many' is not a count of fatalities"),
        ("fatalities", "-3", "'-3' is not a count of fatalities"),
        ("event_type", "Skirmishes", "'Skirmishes' is not an ACLED event type"),
        ("event_id_cnty", "", "is empty"),
        ("event_date", "", "is empty"),
    ],
)
def test_acled_bad_values_name_row_and_column(
    tmp_path: Path, column: str, value: str, problem: str
) -> None:
    path = _acled_with(tmp_path, row=2, column=column, value=value)
    with pytest.raises(DatasetError) as caught:
        read_acled(path)
    assert f"row 2, column {column!r}: {problem}" in str(caught.value)
    assert (caught.value.row, caught.value.column) == (2, column)


def test_acled_truncated_unquoted_row_names_the_first_missing_column(tmp_path: Path) -> None:
    text = (FIXTURES / "acled.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    path = tmp_path / "cut.csv"
    path.write_text("".join(lines[:3]) + ",".join(lines[3].split(",")[:14]) + "\n")
    with pytest.raises(
        DatasetError, match=r"row 3 has 14 of 31 columns: column 15 'civilian_targeting' onward"
    ):
        read_acled(path)


def test_acled_unbalanced_quote_names_the_column_it_opened_in(tmp_path: Path) -> None:
    lines = (FIXTURES / "acled.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "unbalanced.csv"
    path.write_text(lines[0] + lines[1] + lines[2].replace('killed."', "killed.") + lines[3])
    with pytest.raises(DatasetError, match=r"row 2, column 'notes': malformed CSV"):
        read_acled(path)


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("Event Type", "SKIRMISH", "'SKIRMISH' is not a PLOVER event type"),
        ("Latitude", "33,29", "'33,29' is not a latitude"),
        ("Event ID", "", "is empty"),
    ],
)
def test_polecat_bad_values_name_row_and_column(
    tmp_path: Path, column: str, value: str, problem: str
) -> None:
    lines = (FIXTURES / "polecat.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split("\t")
    cells = lines[3].rstrip("\n").split("\t")
    cells[header.index(column)] = value
    path = tmp_path / "bad.tsv"
    path.write_text("".join(lines[:3]) + "\t".join(cells) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=re.escape(f"row 3, column {column!r}: {problem}")):
        read_polecat(path)


@pytest.mark.parametrize("reader", [read_acled, read_gdelt, read_polecat])
@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_a_dataset_error(tmp_path: Path, reader: object, content: bytes) -> None:
    assert callable(reader)
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=r"empty\.txt: the file is empty \(expected "):
        reader(path)


@pytest.mark.parametrize("reader", [read_acled, read_gdelt, read_polecat])
def test_missing_file_is_a_dataset_error(tmp_path: Path, reader: object) -> None:
    assert callable(reader)
    with pytest.raises(DatasetError, match=r"nothing\.csv: no such file"):
        reader(tmp_path / "nothing.csv")


def test_a_directory_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot be read"):
        read_acled(tmp_path)


# -- families --------------------------------------------------------------------------------

PLOVER_FAMILIES = {
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


def test_family_table_covers_all_plover_types() -> None:
    assert set(PLOVER_FAMILIES) == set(EVENT_TYPES)
    assert set(PLOVER_FAMILIES.values()) == set(FAMILIES) - {"other"}


@pytest.mark.parametrize(("event_type", "family"), sorted(PLOVER_FAMILIES.items()))
def test_family_of_plover(event_type: str, family: str) -> None:
    assert family_of_plover(event_type) == family
    assert family_of_plover(f" {event_type.lower()} ") == family


def test_family_of_plover_refuses_other_names() -> None:
    with pytest.raises(ValueError, match="'FIGHT' is not a PLOVER event type"):
        family_of_plover("FIGHT")


# -- the FIPS table --------------------------------------------------------------------------


def test_fips_table_maps_to_known_iso3_codes() -> None:
    countries = (resources.files("redline.data") / "actors" / "countries.csv").read_text("utf-8")
    known = {row["iso3"] for row in csv.DictReader(countries.splitlines())}
    text = (resources.files("redline.data") / "fips.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    table = {row["fips"]: row["iso3"] for row in rows}
    assert len(table) == len(rows)
    assert set(table.values()) <= known
    middle_east = {
        "IZ": "IRQ", "IR": "IRN", "SY": "SYR", "LE": "LBN", "IS": "ISR", "JO": "JOR",
        "SA": "SAU", "KU": "KWT", "BA": "BHR", "QA": "QAT", "AE": "ARE", "MU": "OMN",
        "YM": "YEM", "TU": "TUR", "EG": "EGY", "WE": "PSE", "GZ": "PSE",
    }  # fmt: skip
    g20 = {
        "AR": "ARG", "AS": "AUS", "BR": "BRA", "CA": "CAN", "CH": "CHN", "FR": "FRA",
        "GM": "DEU", "IN": "IND", "ID": "IDN", "IT": "ITA", "JA": "JPN", "KS": "KOR",
        "MX": "MEX", "RS": "RUS", "SF": "ZAF", "UK": "GBR", "US": "USA",
    }  # fmt: skip
    assert {**middle_east, **g20}.items() <= table.items()


# -- helpers ---------------------------------------------------------------------------------


def _acled_with(tmp_path: Path, *, row: int, column: str, value: str) -> Path:
    """The ACLED fixture with one cell changed (``row`` counts data rows from 1)."""
    with (FIXTURES / "acled.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[row][rows[0].index(column)] = value
    path = tmp_path / "acled-edited.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)
    return path


def _gdelt_with(tmp_path: Path, *, row: int, column: str, value: str) -> Path:
    """The GDELT fixture with one cell changed (``row`` counts lines from 1)."""
    lines = [
        line.split("\t")
        for line in (FIXTURES / "gdelt.tsv").read_text(encoding="utf-8").splitlines()
    ]
    lines[row - 1][GDELT_COLUMNS.index(column)] = value
    path = tmp_path / f"gdelt-{column}-{len(value)}.tsv"
    path.write_text("".join("\t".join(cells) + "\n" for cells in lines), encoding="utf-8")
    return path
