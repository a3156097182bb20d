"""Exports: every format on a hand-built store, golden files, and round trips through pyarrow.

The store holds two reports of the K-1 attack (one a wire copy), the US strikes and a mob at
the US embassy; consolidation merges the K-1 reports, so events and mentions differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from redline.cli import cli
from redline.consolidate.update import consolidate
from redline.interop.export import (
    FLAT_SCHEMA,
    FORMATS,
    acled_row,
    flat,
    gdelt_id,
    plover,
    records,
    write,
)
from redline.interop.imports import ACLED_COLUMNS, GDELT_COLUMNS
from redline.model import (
    ActorRef,
    Article,
    Event,
    EventDate,
    Evidence,
    Place,
    Realis,
    RunResult,
)
from redline.store import Store

GOLDEN = Path(__file__).parent / "golden" / "export"
KH = ActorRef(id="kataib-hezbollah", name="Kata'ib Hezbollah", country="IRQ", sector="PRM",
              sponsors=("irgc-quds-force", "irgc", "IRN"), text="Kataib Hezbollah")  # fmt: skip
USA = ActorRef(id="USA", name="United States", country="USA", sector="GOV", text="U.S.")
CIVILIANS = ActorRef(id="civilians", name="Civilians", sector="CVL", text="protesters")
K1 = Place(name="K-1 Air Base", country="IRQ", admin1="Kirkuk", lat=35.5, lon=44.29, precision=1,
           raw="K1 base")  # fmt: skip
QAIM = Place(name="Al-Qaim", country="IRQ", admin1="Anbar", lat=34.37, lon=41.09, precision=2,
             raw="near al-Qaim")  # fmt: skip
EMBASSY = Place(name="U.S. Embassy in Baghdad", country="IRQ", admin1="Baghdad", lat=33.2989,
                lon=44.3953, precision=1, raw="U.S. embassy in Baghdad")  # fmt: skip


def _article(ident: str, text: str, day: int, site: str, url: str) -> Article:
    return Article(
        id=ident, origin=f"{ident}.html", text=text, url=url, site=site,
        published_at=datetime(2019, 12, day, 18, 0, tzinfo=UTC),
        ingested_at=datetime(2020, 1, 2, tzinfo=UTC),
    )  # fmt: skip


def _mention(ident: str, article: Article, day: date, kind: str, mode: str | None,
             source: tuple[ActorRef, ...], target: tuple[ActorRef, ...], place: Place,
             trigger: str, dead: int | None = None, cameo: str = "190",
             intensity: float = -10.0, context: tuple[str, ...] = ()) -> Event:  # fmt: skip
    start = article.text.index(trigger.split("@")[0])
    return Event(
        id=ident, article_id=article.id, date=EventDate(value=day, raw="on Friday"),
        event_type=kind, mode=mode, realis=Realis.ASSERTED, source=source, target=target,
        evidence=Evidence(article_id=article.id, sentence=0, start=0, end=len(article.text),
                          quote=article.text, trigger=f"{trigger}@{start}"),
        coder="test", location=place, fatalities=dead, cameo=cameo, intensity=intensity,
        context=context,
    )  # fmt: skip


def build(store: Store) -> None:
    wire = _article(
        "a-k1", "Kataib Hezbollah fired rockets at the K1 base near Kirkuk, killing a U.S. "
        "contractor.", 27, "Gulf Wire", "https://gulfwire.example/k1")  # fmt: skip
    copy = _article(
        "a-k1-copy", "Kataib Hezbollah fired rockets at the K1 base near Kirkuk, killing a U.S. "
        "contractor, officials said.", 28, "Ledger", "https://ledger.example/k1")  # fmt: skip
    strikes = _article(
        "a-strikes", "U.S. jets struck Kataib Hezbollah sites near al-Qaim, killing 25 "
        "fighters.", 29, "Ledger", "https://ledger.example/strikes")  # fmt: skip
    mob = _article(
        "a-embassy", "Protesters broke into the U.S. embassy in Baghdad.", 31, "Gulf Wire",
        "https://gulfwire.example/embassy")  # fmt: skip
    mentions = (
        _mention("m1", wire, date(2019, 12, 27), "ASSAULT", "heavy-weapons", (KH,), (USA,), K1,
                 "fired", dead=1, cameo="190", context=("military",)),
        _mention("m2", copy, date(2019, 12, 27), "ASSAULT", "heavy-weapons", (KH,), (USA,), K1,
                 "fired", dead=1, cameo="190"),
        _mention("m3", strikes, date(2019, 12, 29), "ASSAULT", "aerial", (USA,), (KH,), QAIM,
                 "struck", dead=25, cameo="195"),
        _mention("m4", mob, date(2019, 12, 31), "PROTEST", "riot", (CIVILIANS,), (USA,),
                 EMBASSY, "broke", cameo="145", intensity=-7.5),
    )  # fmt: skip
    store.append(RunResult(articles=(wire, copy, strikes, mob), events=mentions), coded_by="test")
    consolidate(store)


@pytest.fixture
def filled() -> Iterator[Store]:
    with Store(":memory:") as store:
        build(store)
        yield store


def test_events_not_mentions_by_default(filled: Store) -> None:
    events = list(records(filled))
    assert len(events) == 3, "the two K-1 reports are one event"
    k1 = next(r for r in events if r.event.event_type == "ASSAULT" and r.event.date.value.day == 27)
    assert [r.url for r in k1.reports] == [
        "https://gulfwire.example/k1",
        "https://ledger.example/k1",
    ]
    assert len(list(records(filled, mentions=True))) == 4
    assert len(list(records(filled, actor="IRN"))) == 2, "filters are those of `redline events`"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("plover-jsonl", "events.plover.jsonl"), ("csv", "events.csv"), ("gdelt", "events.gdelt.tsv"),
     ("acled", "events.acled.csv")],
)  # fmt: skip
def test_golden_exports(
    filled: Store, fmt: str, name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    out = tmp_path / name
    assert write(records(filled), fmt, out) == 3
    text = out.read_text("utf-8")
    golden = GOLDEN / name
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, "utf-8")
    assert golden.exists(), f"no golden file {golden}: run pytest --update-golden and review it"
    assert text == golden.read_text("utf-8"), (
        f"{fmt} export changed; if deliberate, run pytest --update-golden and review the diff"
    )


def test_plover_jsonl_round_trip(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    write(records(filled), "plover-jsonl", out)
    loaded = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert loaded == [plover(r) for r in records(filled)]
    k1 = loaded[0]
    assert k1["event"] == "ASSAULT" and k1["mode"] == "heavy-weapons" and k1["eventText"] == "fired"
    assert k1["source"][0]["code"] == "kataib-hezbollah" and k1["magnitude"]["dead"] == 1
    assert k1["eventLoc"]["name"] == "K-1 Air Base" and len(k1["evidence"]) == 2
    assert k1["context"] == ["military"]


def test_csv_and_parquet_round_trip_with_types(filled: Store, tmp_path: Path) -> None:
    expected = [flat(r) for r in records(filled)]
    write(records(filled), "parquet", tmp_path / "e.parquet")
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.schema.equals(FLAT_SCHEMA), "Parquet columns keep their types"
    assert table.to_pylist() == expected
    write(records(filled), "csv", tmp_path / "e.csv")
    strings = pacsv.ConvertOptions(column_types={n: pa.string() for n in FLAT_SCHEMA.names})
    rows = pacsv.read_csv(tmp_path / "e.csv", convert_options=strings).to_pylist()
    assert [r["id"] for r in rows] == [e["id"] for e in expected]
    k1 = rows[0]
    assert k1["date"] == "2019-12-27" and k1["dead_best"] == "1" and k1["latitude"] == "35.5"
    assert k1["source_ids"] == "kataib-hezbollah" and k1["url"] == "https://gulfwire.example/k1"
    typed = pacsv.read_csv(tmp_path / "e.csv").to_pylist()
    assert typed[1]["dead_best"] == 25 and typed[1]["goldstein"] == -10.0


def test_gdelt_round_trip(filled: Store, tmp_path: Path) -> None:
    write(records(filled), "gdelt", tmp_path / "e.tsv")
    options = pacsv.ReadOptions(column_names=list(GDELT_COLUMNS))
    parse = pacsv.ParseOptions(delimiter="\t")
    strings = pacsv.ConvertOptions(column_types={n: pa.string() for n in GDELT_COLUMNS})
    rows = pacsv.read_csv(tmp_path / "e.tsv", read_options=options, parse_options=parse,
                          convert_options=strings).to_pylist()  # fmt: skip
    assert len(GDELT_COLUMNS) == 61 and len(rows) == 3
    k1, strike, mob = rows
    assert k1["GlobalEventID"] == str(gdelt_id(next(records(filled)).event.id))
    assert (k1["Day"], k1["EventCode"], k1["EventRootCode"], k1["QuadClass"]) == (
        "20191227",
        "190",
        "19",
        "4",
    )
    assert k1["Actor1Code"] == "IRQUAF" and k1["Actor2Code"] == "USA"
    assert k1["NumArticles"] == "2" and k1["NumSources"] == "1", "the wire copy is one source"
    assert k1["ActionGeo_Lat"] == "35.5000" and k1["SOURCEURL"] == "https://gulfwire.example/k1"
    assert strike["ActionGeo_Type"] == "5", "a place near a town is a region-level point"
    assert mob["EventCode"] == "145" and mob["QuadClass"] == "3"


def test_acled_round_trip(filled: Store, tmp_path: Path) -> None:
    write(records(filled), "acled", tmp_path / "e.csv")
    strings = pacsv.ConvertOptions(column_types={n: pa.string() for n in ACLED_COLUMNS})
    table = pacsv.read_csv(tmp_path / "e.csv", convert_options=strings)
    assert tuple(table.column_names) == ACLED_COLUMNS
    k1, strike, mob = table.to_pylist()
    assert (k1["event_type"], k1["actor1"], k1["inter1"], k1["actor2"], k1["inter2"]) == (
        "Explosions/Remote violence",
        "Kata'ib Hezbollah",
        "3",
        "United States",
        "1",
    )
    assert k1["interaction"] == "13" and k1["fatalities"] == "1" and k1["country"] == "Iraq"
    assert k1["notes"].startswith("Kataib Hezbollah fired rockets")
    assert k1["source"] == "Gulf Wire; Ledger"
    assert strike["fatalities"] == "25" and strike["sub_event_type"] == "Air/drone strike"
    assert mob["disorder_type"] == "Demonstrations" and mob["inter1"] == "6"
    assert [acled_row(r)["event_id_cnty"] for r in records(filled)] == [
        k1["event_id_cnty"],
        strike["event_id_cnty"],
        mob["event_id_cnty"],
    ]


def test_export_command_writes_each_format(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        build(store)
    runner = CliRunner()
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(cli, ["export", "--db", str(db), "--format", fmt, "--out", str(out),
                                     "--type", "ASSAULT"])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "wrote 2 events" in result.output and out.stat().st_size > 0
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "--mentions"])
    assert result.exit_code == 0 and result.output.count("\n") == 5, "header and four reports"
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "parquet"])
    assert result.exit_code != 0 and "give --out FILE.parquet" in result.output
    assert not list(tmp_path.glob(".out.*")), "no temporary files left behind"


def test_parquet_partitioned_by_month(filled: Store, tmp_path: Path) -> None:
    import pyarrow.dataset as ds

    from redline.interop.export import write_partitioned

    folder = tmp_path / "parts"
    assert write_partitioned(records(filled), folder) == {"2019-12": 3}
    assert (folder / "month=2019-12" / "events.parquet").exists()
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == 3 and set(table.column("month").to_pylist()) == {"2019-12"}
    assert write_partitioned(records(filled), folder) == {"2019-12": 3}, "a rerun replaces"
    assert len(list(folder.rglob("*.parquet"))) == 1 and not list(folder.rglob("*.tmp"))


def test_export_and_run_write_month_folders(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        build(store)
    runner = CliRunner()
    out = tmp_path / "parts"
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "parquet",
                                 "--partition", "month", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote 3 events" in result.output and (out / "month=2019-12").is_dir()
    wrong = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "--partition",
                                "month", "--out", str(out)])  # fmt: skip
    assert wrong.exit_code != 0 and "needs --format parquet" in wrong.output
    bad = runner.invoke(cli, ["run", str(tmp_path), "--db", str(db), "--out", "csv:x"])
    assert bad.exit_code != 0 and "parquet:DIR" in bad.output


@pytest.mark.model
def test_run_writes_parquet_by_month_and_a_rerun_skips(tmp_path: Path) -> None:
    example = (
        Path(__file__).parent.parent / "examples" / "19-k1-rocket-attack-contractor-killed.html"
    )
    db, out = tmp_path / "store.duckdb", tmp_path / "parts"
    runner = CliRunner()
    first = runner.invoke(cli, ["run", str(example), "--db", str(db), "--out", f"parquet:{out}"])
    assert first.exit_code == 0, first.output
    assert (out / "month=2019-12" / "events.parquet").exists() and "months)" in first.output
    again = runner.invoke(cli, ["run", str(example), "--db", str(db), "--out", f"parquet:{out}"])
    assert again.exit_code == 0 and "already stored" in again.output, again.output
