"""Comparison with other datasets: one-to-one matching by family, date, place and dyad."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from redline.consolidate.cluster import Casualties, Incident
from redline.interop.compare import Settings, compare, dyads_agree, plot, write_csv
from redline.interop.imports import ForeignEvent
from redline.model import ActorRef, EventDate, Place, Realis

KH = ActorRef(id="kataib-hezbollah", name="Kata'ib Hezbollah", country="IRQ", sector="PRM",
              sponsors=("irgc-quds-force", "irgc", "IRN"))  # fmt: skip
USA = ActorRef(id="USA", name="United States", country="USA", sector="GOV")
K1 = Place(name="K-1 Air Base", country="IRQ", lat=35.5, lon=44.29, precision=1)
BAGHDAD = Place(name="Baghdad", country="IRQ", lat=33.31, lon=44.37, precision=1)
DAY = date(2019, 12, 27)


def ours(ident: str, day: int = 0, *, kind: str = "ASSAULT", place: Place | None = K1,
         source: tuple[ActorRef, ...] = (KH,), target: tuple[ActorRef, ...] = (USA,),
         realis: Realis = Realis.ASSERTED, precision: str = "day") -> Incident:  # fmt: skip
    return Incident(
        id=ident, event_type=kind, mode=None, realis=realis, source=source, target=target,
        date=EventDate(value=DAY + timedelta(days=day), precision=precision), location=place,
        fatalities=Casualties(1, 1, 1, "m", "m", "m"), mentions=("m",), articles=1, sources=1,
        first_reported=None, cameo="190", intensity=-10.0, quote=f"our report {ident}",
    )  # fmt: skip


def theirs(ident: str, day: int = 0, *, family: str = "violence", lat: float | None = 35.47,
           lon: float | None = 44.35, country: str | None = "IRQ", a1: str | None = "IRN",
           a2: str | None = "USA", row: int = 1) -> ForeignEvent:  # fmt: skip
    return ForeignEvent(
        dataset="acled", id=ident, date=DAY + timedelta(days=day), family=family,
        event_type="Explosions/Remote violence", sub_type=None, actor1="Militia",
        actor1_country=a1, actor2="Military Forces of the United States", actor2_country=a2,
        country=country, admin1=None, location=None, lat=lat, lon=lon, fatalities=1,
        text=f"their note {ident}", url=None, row=row,
    )  # fmt: skip


def test_matching_needs_family_date_place_and_dyad() -> None:
    result = compare(
        [ours("k1"), ours("far", 0, place=BAGHDAD), ours("late", 5), ours("words", 0, kind="ACCUSE")],
        [theirs("t-k1"), theirs("t-protest", 0, family="protest"), theirs("t-late", 1),
         theirs("t-end", 6, family="protest")],
        "acled",
    )  # fmt: skip
    assert [(m.ours.id, m.theirs.id) for m in result.matches] == [("k1", "t-k1")]
    assert result.matches[0].km is not None and result.matches[0].km < 10
    assert {o.id for o in result.ours_only} == {"far", "late"}, (
        "Baghdad is 240 km from K-1; 5 days later is outside the window; "
        "statements are not compared with ACLED, which does not code them"
    )
    assert {t.id for t in result.theirs_only} == {"t-protest", "t-late", "t-end"}
    assert result.total.both == 1 and result.recall_of_theirs() == 1 / 4
    outside = compare([ours("before", -30)], [theirs("t-k1")], "acled")
    assert outside.ours_only == (), "our events outside their file's dates are not counted"


def test_one_to_one_and_closest_first() -> None:
    result = compare([ours("a"), ours("b", 1)], [theirs("x", 1), theirs("y", 0)], "acled")
    assert sorted((m.ours.id, m.theirs.id) for m in result.matches) == [("a", "y"), ("b", "x")]


def test_dyads_map_actors_to_countries_in_either_order() -> None:
    assert dyads_agree(ours("k1"), theirs("t")), "KH rolls up to Iran"
    assert dyads_agree(ours("k1"), theirs("t", a1="USA", a2="IRN")), "sides may be swapped"
    assert dyads_agree(ours("k1"), theirs("t", a1=None, a2=None)), "unknown sides do not block"
    assert not dyads_agree(ours("k1"), theirs("t", a1="SYR", a2="TUR"))


def test_week_precision_and_realis() -> None:
    weekly = ours("w", 0, precision="week")
    result = compare([weekly, ours("h", 0, realis=Realis.HYPOTHETICAL)], [theirs("t", 5)], "acled")
    assert [m.ours.id for m in result.matches] == ["w"], "a week-precise date spans the week"
    assert result.ours_only == (), "a hypothetical attack is not an event to compare"


def test_without_coordinates_the_country_decides() -> None:
    result = compare([ours("k1", place=Place(name="Iraq", country="IRQ", precision=3))],
                     [theirs("t", lat=None, lon=None)], "acled")  # fmt: skip
    assert len(result.matches) == 1
    result = compare([ours("k1")], [theirs("t", lat=None, lon=None, country="SYR")], "acled")
    assert result.matches == ()


def test_rows_per_week_and_dyad(tmp_path: Path) -> None:
    result = compare([ours("k1"), ours("x", 9)], [theirs("t"), theirs("u", 10, a1="SYR")], "acled")
    weeks = {r.key: (r.both, r.ours_only, r.theirs_only) for r in result.weeks}
    assert weeks == {"2019-12-23": (1, 0, 0), "2019-12-30": (0, 1, 0), "2020-01-06": (0, 0, 1)}
    dyads = {r.key: (r.both, r.ours_only, r.theirs_only) for r in result.dyads}
    assert dyads["IRN - USA"] == (1, 1, 0) and dyads["SYR - USA"] == (0, 0, 1)
    write_csv(result, tmp_path / "c.csv")
    lines = (tmp_path / "c.csv").read_text("utf-8").splitlines()
    assert lines[1].startswith("both,k1") and any("their note u" in line for line in lines), (
        "unmatched events keep their evidence"
    )
    plot(result, tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["a", "b"])), max_size=12),
       st.lists(st.integers(0, 20), max_size=12), st.randoms())  # fmt: skip
def test_matching_is_one_to_one_and_order_free(
    mine: list[tuple[int, str]], others: list[int], rng: random.Random
) -> None:
    ours_list = [
        ours(f"o{i}", d, place=K1 if p == "a" else BAGHDAD) for i, (d, p) in enumerate(mine)
    ]
    theirs_list = [theirs(f"t{i}", d, row=i + 1) for i, d in enumerate(others)]
    result = compare(ours_list, theirs_list, "acled", Settings(days=1), their_dates_only=False)
    shuffled_ours, shuffled_theirs = list(ours_list), list(theirs_list)
    rng.shuffle(shuffled_ours)
    rng.shuffle(shuffled_theirs)
    again = compare(
        shuffled_ours, shuffled_theirs, "acled", Settings(days=1), their_dates_only=False
    )
    assert again == result
    assert len({m.ours.id for m in result.matches}) == len(result.matches)
    assert len({m.theirs.id for m in result.matches}) == len(result.matches)
    assert len(result.matches) + len(result.ours_only) == len(ours_list)
    assert len(result.matches) + len(result.theirs_only) == len(theirs_list)


FIXTURES = Path(__file__).parent / "fixtures" / "interop"


def test_compare_command_on_each_format(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from test_interop_export import build

    from redline.cli import cli
    from redline.store import Store

    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        build(store)
    runner = CliRunner()
    for fmt, name in (("acled", "acled.csv"), ("gdelt", "gdelt.tsv"), ("polecat", "polecat.tsv")):
        out = tmp_path / f"{fmt}.csv"
        result = runner.invoke(cli, ["compare", str(FIXTURES / name), "--format", fmt, "--db",
                                     str(db), "--csv", str(out), "--png", str(tmp_path / "c.png")])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "matched" in result.output and "per week" in result.output, result.output
        statuses = [line.split(",")[0] for line in out.read_text("utf-8").splitlines()[1:]]
        assert "both" in statuses, f"the K-1 attack should match in the {fmt} fixture"
    result = runner.invoke(cli, ["compare", str(FIXTURES / "acled_truncated.csv"), "--format",
                                 "acled", "--db", str(db)])  # fmt: skip
    assert result.exit_code != 0 and "row" in result.output and "column" in result.output
