"""Analysis: sides and roll-up, timelines, rules and alerts, the escalation ladder.

Built from hand-made events in an in-memory store, so no NLP model is needed; the example
corpus is checked end to end in ``test_analyze_examples.py``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.analyze import alerts as alert_api
from redline.analyze.escalation import (
    RUNGS,
    change_points,
    climbs,
    current,
    escalation,
    rung,
    steps,
)
from redline.analyze.rules import (
    Rule,
    RuleError,
    Threshold,
    evaluate,
    load_rules,
    parse_rules,
)
from redline.analyze.sides import hostility, is_proxy, readings, rolled, site_of, state
from redline.analyze.timeline import (
    HOSTILITY_SQL,
    Bucket,
    check_freq,
    fill,
    periods,
    timeline,
)
from redline.consolidate.cluster import Casualties, Incident, Link
from redline.errors import ConfigError
from redline.model import ActorRef, EventDate, Place, Realis
from redline.store import Store
from redline.store import incidents as stored

USA = ActorRef(id="USA", name="United States", country="USA")
IRN = ActorRef(id="IRN", name="Iran", country="IRN")
TRUMP = ActorRef(id="donald-trump", name="Donald Trump", country="USA", sector="GOV")
IRGC = ActorRef(id="irgc", name="IRGC", country="IRN", sector="MIL", sponsors=("IRN",))
KH = ActorRef(
    id="kataib-hezbollah",
    name="Kata'ib Hezbollah",
    country="IRQ",
    sector="PRM",
    sponsors=("irgc-quds-force", "irgc", "IRN"),
)
ISIS = ActorRef(id="isis", name="Islamic State", sector="REB")
K1 = Place(name="K-1 Air Base", country="IRQ", lat=35.5, lon=44.29, precision=1, raw="K1 base")
EMBASSY = Place(
    name="U.S. Embassy in Baghdad", country="IRQ", precision=1, raw="U.S. embassy in Baghdad"
)
TEHRAN = Place(name="Tehran", country="IRN", precision=1, raw="Tehran")
DAY = date(2019, 12, 27)


def incident(
    ident: str,
    day: date | int = 0,
    *,
    event_type: str = "ASSAULT",
    mode: str | None = None,
    source: tuple[ActorRef, ...] = (KH,),
    target: tuple[ActorRef, ...] = (USA,),
    realis: Realis = Realis.ASSERTED,
    place: Place | None = K1,
    dead: int | None = None,
    intensity: float | None = -10.0,
    quote: str | None = None,
    sources: int = 1,
) -> Incident:
    when = day if isinstance(day, date) else DAY + timedelta(days=day)
    casualties = None if dead is None else Casualties(dead, dead, dead, "m", "m", "m")
    return Incident(
        id=ident,
        event_type=event_type,
        mode=mode,
        realis=realis,
        source=source,
        target=target,
        date=EventDate(value=when),
        location=place,
        fatalities=casualties,
        mentions=(f"m-{ident}",),
        links=(Link(f"m-{ident}", "first report"),),
        articles=1,
        sources=sources,
        first_reported=None,
        cameo=None,
        intensity=intensity,
        quote=quote or f"report {ident} at {place.raw if place and place.raw else 'somewhere'}",
    )


def filled(*events: Incident) -> Store:
    store = Store(":memory:")
    stored.replace(store, [], list(events))
    return store


# -- sides -----------------------------------------------------------------------------------


def test_actors_read_as_their_sponsors_and_state() -> None:
    assert state(KH) == "IRN" and rolled(KH) == "IRN", "a proxy answers to its sponsor state"
    assert readings(KH) == ("kataib-hezbollah", "irgc-quds-force", "irgc", "IRN")
    assert state(TRUMP) == "USA", "a government person with no sponsor is still the state"
    assert state(ISIS) is None and rolled(ISIS) == "isis", "a group with no state stays itself"
    assert is_proxy(KH) and not is_proxy(IRGC) and not is_proxy(IRN)


def test_hostility_is_the_negative_part_of_goldstein() -> None:
    assert [hostility(v) for v in (-10.0, -2.5, 0.0, 4.0, None)] == [10.0, 2.5, 0.0, 0.0, 0.0]


def test_hostility_sql_agrees_with_python() -> None:
    with Store(":memory:") as store:
        for value in (-12.0, -10.0, -2.5, 0.0, 3.4, None):
            got = store._query(f"SELECT {HOSTILITY_SQL} AS h FROM (SELECT ? AS intensity)", [value])
            assert got[0]["h"] == pytest.approx(min(10.0, hostility(value))), value


def test_sites_know_whose_people_they_host() -> None:
    site = site_of(K1)
    assert site is not None and site.kind == "military base" and "USA" in site.hosts
    embassy = site_of(EMBASSY)
    assert embassy is not None and embassy.kind == "embassy" and embassy.hosts == ("USA",)
    assert site_of(TEHRAN) is None


def test_stored_events_carry_rollup_readings() -> None:
    with filled(incident("a")) as store:
        row = store._query("SELECT source_rollup, target_rollup FROM incidents")[0]
    assert row["source_rollup"] == sorted(readings(KH)) and row["target_rollup"] == ["USA"]


# -- timelines -------------------------------------------------------------------------------


def test_periods_cross_month_and_year_boundaries() -> None:
    assert periods(date(2019, 12, 30), date(2020, 1, 6), "W") == [
        date(2019, 12, 30),
        date(2020, 1, 6),
    ], "weeks start on Monday"
    assert periods(date(2019, 11, 15), date(2020, 2, 1), "M") == [
        date(2019, 11, 1),
        date(2019, 12, 1),
        date(2020, 1, 1),
        date(2020, 2, 1),
    ]
    assert periods(date(2019, 11, 15), date(2020, 2, 1), "Q") == [
        date(2019, 10, 1),
        date(2020, 1, 1),
    ]
    with pytest.raises(ConfigError, match="Unknown frequency 'X'"):
        check_freq("X")


def test_timeline_by_direction_with_and_without_rollup() -> None:
    events = [
        incident("kh", 0, dead=1),
        incident("us", 2, source=(USA,), target=(KH,), mode="aerial", dead=25),
        incident("iran-words", 3, event_type="ACCUSE", source=(IRN,), intensity=-2.0),
        incident("plan", 4, source=(USA,), target=(IRN,), realis=Realis.HYPOTHETICAL),
        incident("other", 4, source=(ISIS,), target=(USA,)),
    ]
    with filled(*events) as store:
        group = timeline(store, "USA", "IRN", freq="M")
        rolled_up = timeline(store, "USA", "IRN", freq="M", rollup=True)
        weekly = timeline(store, "USA", "IRN", freq="W", rollup=True, by="type")
    assert group.total() == 1, "without roll-up only Iran's own statement is USA-IRN"
    assert (rolled_up.total("A->B"), rolled_up.total("B->A"), rolled_up.total()) == (1, 2, 3), (
        "with roll-up KH's attack counts as Iran's; the hypothetical plan never counts"
    )
    december = {b.direction: b for b in rolled_up.series("both")}
    both = december["both"]
    assert (both.events, both.hostile, both.hostility_sum, both.hostility_max) == (3, 3, 22.0, 10.0)
    assert both.fatalities == 26
    types = {(b.direction, b.event_type): b.events for b in weekly.buckets}
    assert types[("B->A", "ASSAULT")] == 1 and types[("B->A", "ACCUSE")] == 1


def test_timeline_fill_gives_a_regular_series() -> None:
    buckets = [Bucket(date(2020, 1, 1), "both", 2, 2, 20.0, 10.0, 0)]
    series = fill(buckets, "M", date(2019, 11, 3), date(2020, 2, 2))
    assert [b.period for b in series] == [
        date(2019, 11, 1),
        date(2019, 12, 1),
        date(2020, 1, 1),
        date(2020, 2, 1),
    ]
    assert [b.events for b in series] == [0, 0, 2, 0]


def test_timeline_writes_csv_and_png(tmp_path: Path) -> None:
    with filled(incident("kh", 0), incident("us", 9, source=(USA,), target=(KH,))) as store:
        line = timeline(store, "USA", "IRN", freq="D", rollup=True)
    line.write_csv(tmp_path / "t.csv")
    line.plot(tmp_path / "t.png")
    rows = (tmp_path / "t.csv").read_text().splitlines()
    assert rows[0].startswith("period,direction,events")
    assert {r.split(",")[1] for r in rows[1:]} == {"USA -> IRN", "IRN -> USA", "USA <-> IRN"}
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"


_EVENT = st.builds(
    lambda n, day, kind, side, realis, value: (n, day, kind, side, realis, value),
    st.integers(0, 10_000),
    st.integers(0, 120),
    st.sampled_from(["ASSAULT", "ACCUSE", "AGREE", "THREATEN"]),
    st.sampled_from(["ab", "ba", "both", "none"]),
    st.sampled_from([Realis.ASSERTED, Realis.CLAIMED, Realis.HYPOTHETICAL, Realis.DENIED]),
    st.floats(-10, 10, allow_nan=False),
)


def _made(spec: tuple[int, int, str, str, Realis, float], suffix: str = "") -> Incident:
    n, day, kind, side, realis, value = spec
    sides = {
        "ab": ((USA,), (KH,)),
        "ba": ((KH,), (USA,)),
        "both": ((USA, IRN), (IRN, USA)),
        "none": ((ISIS,), (USA,)),
    }[side]
    return incident(
        f"e{n}{suffix}",
        day,
        event_type=kind,
        source=sides[0],
        target=sides[1],
        realis=realis,
        intensity=value,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EVENT, max_size=25, unique_by=lambda s: s[0]), st.sampled_from("DWMQY"))
def test_timeline_counts_sum_to_the_event_total(specs: list, freq: str) -> None:  # type: ignore[type-arg]
    events = [_made(s) for s in specs]
    counted = [e for e in events if e.realis in (Realis.ASSERTED, Realis.CLAIMED)]
    dyad = [e for e in counted if e.source[0].id != "isis"]
    with filled(*events) as store:
        line = timeline(store, "USA", "IRN", freq=freq, rollup=True, by="type")
    assert line.total() == len(dyad), "each event between the two counts once in 'both'"
    # A clash coded both ways ("both") runs in each direction.
    assert line.total("A->B") == sum(1 for e in dyad if USA in e.source)
    assert line.total("B->A") == sum(1 for e in dyad if USA in e.target)
    assert sum(b.events for b in line.series("both")) == line.total()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EVENT, max_size=15, unique_by=lambda s: s[0]), st.integers(0, 120))
def test_adding_a_hostile_event_never_lowers_intensity(specs: list, day: int) -> None:  # type: ignore[type-arg]
    events = [_made(s) for s in specs]
    extra = incident("hostile-extra", day, source=(KH,), target=(USA,), intensity=-7.0)
    with filled(*events) as store:
        before = {b.period: b for b in timeline(store, "USA", "IRN", rollup=True).series()}
    with filled(*events, extra) as store:
        after = {b.period: b for b in timeline(store, "USA", "IRN", rollup=True).series()}
    for period, old in before.items():
        assert after[period].hostility_sum >= old.hostility_sum
        assert after[period].hostility_max >= old.hostility_max
        assert after[period].events >= old.events


# -- rules -------------------------------------------------------------------------------------


def _rules(text: str) -> list[Rule]:
    import tomllib

    return parse_rules(tomllib.loads(text), origin="test.toml")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nevnt_type = "ASSAULT"',
            "unknown key 'evnt_type' \\(did you mean 'event_type'\\?\\)",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nevent_type = "ASSALT"',
            "event_type 'ASSALT' is not a PLOVER event type \\(did you mean 'ASSAULT'\\?\\)",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nrealis = "maybe"',
            "realis 'maybe' is not a realis value",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nevent_type = "ASSAULT"\nmode = "demo"',
            "mode 'demo' is not a mode",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nplace_kind = "castle"',
            "place_kind 'castle' is not a kind of named site",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nfirst = true\nthreshold = {count = 3, days = 7}',
            "either 'first' or has a 'threshold'",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nthreshold = {count = 0, days = 7}',
            "threshold count must be a whole number >= 1",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nsince = "27 Dec"',
            "'since' must be a date like 2019-12-27",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nmin_fatalities = -1',
            "'min_fatalities' must be a whole number >= 0",
        ),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\n[[rule]]\nid = "a"\ntitle = "B"',
            "rule id 'a' is used twice",
        ),
        ('[[rule]]\nid = "Bad Id"\ntitle = "A"', "id must be lower-case letters"),
        ('[[rule]]\nid = "a"', "'title' is required"),
        ('[rules]\nid = "a"', "unknown top-level key 'rules'"),
        (
            '[[rule]]\nid = "a"\ntitle = "A"\nsource = 3',
            "'source' must be a string or a list of strings",
        ),
    ],
)
def test_bad_rules_are_refused_with_where_and_why(toml: str, message: str) -> None:
    with pytest.raises(RuleError, match=message) as caught:
        _rules(toml)
    assert str(caught.value).startswith("test.toml"), "the error names the file"


def test_bad_rule_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="No rule file"):
        load_rules(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[rule]\nid = ", "utf-8")
    with pytest.raises(RuleError, match="not valid TOML"):
        load_rules(broken)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[[rule]]\nid = "a"\ntitle = "Kata\xefb"\n'.encode("latin-1"))
    with pytest.raises(RuleError, match="not UTF-8"):
        load_rules(latin)


def test_default_rules_load() -> None:
    rules = load_rules()
    ids = {r.id for r in rules}
    assert {"first-us-fatality-iran-aligned", "attack-on-us-embassy"} <= ids
    assert all(r.realis == (Realis.ASSERTED, Realis.CLAIMED, Realis.REPORTED) for r in rules)


def test_against_means_the_target_or_a_site_hosting_its_people() -> None:
    (rule,) = _rules('[[rule]]\nid = "x"\ntitle = "X"\nevent_type = "ASSAULT"\nagainst = "USA"')
    assert rule.matches(incident("direct", target=(USA,)))
    assert rule.matches(incident("site", target=(), place=EMBASSY)), "the embassy hosts USA"
    assert not rule.matches(incident("theirs", target=(ISIS,), place=TEHRAN))
    assert not rule.matches(incident("own", source=(USA,), target=(), place=EMBASSY)), (
        "US strikes reported at the US embassy are not an attack on it"
    )


def test_selectors_on_deaths_place_sources_and_rollup() -> None:
    (rule,) = _rules(
        '[[rule]]\nid = "x"\ntitle = "X"\nsource = "IRN"\nmin_fatalities = 1\n'
        'place_kind = "military base"\nmin_sources = 2\nplace_country = "IRQ"'
    )
    assert rule.matches(incident("yes", dead=1, sources=2))
    assert not rule.matches(incident("alive", dead=0, sources=2))
    assert not rule.matches(incident("one-source", dead=1, sources=1))
    assert not rule.matches(incident("elsewhere", dead=1, sources=2, place=TEHRAN))
    (group,) = _rules('[[rule]]\nid = "x"\ntitle = "X"\nsource = "IRN"\nrollup = false')
    assert not group.matches(incident("proxy")), "without roll-up a proxy is not its sponsor"
    assert group.matches(incident("own", source=(IRN,)))


def test_no_default_rule_fires_on_hypothetical_negated_or_denied_events() -> None:
    rules = load_rules()
    firing = [
        incident("kh-k1", dead=1),
        incident("embassy", event_type="ASSAULT", source=(KH,), target=(), place=EMBASSY),
        incident("irgc", source=(IRGC,), target=(USA,)),
        incident("us-tehran", source=(USA,), target=(IRN,), place=TEHRAN),
        incident(
            "sanction",
            event_type="SANCTION",
            source=(USA,),
            target=(ActorRef(id="ali-khamenei", name="Ali Khamenei", country="IRN", sector="GOV"),),
        ),
    ]
    fired = {a.rule for a in evaluate(rules, firing)}
    assert len(fired) >= 5, f"the probe events should fire most rules, fired {fired}"
    for realis in (Realis.HYPOTHETICAL, Realis.NEGATED, Realis.DENIED):
        unreal = [
            incident(
                e.id,
                e.date.value,
                event_type=e.event_type,
                source=e.source,
                target=e.target,
                place=e.location,
                dead=1,
                realis=realis,
            )
            for e in firing
        ]
        assert evaluate(rules, unreal) == [], f"a rule fired on a {realis} event"


def test_first_fires_once_for_the_earliest_match() -> None:
    (rule,) = _rules(
        '[[rule]]\nid = "f"\ntitle = "F"\nsource = "IRN"\nmin_fatalities = 1\nfirst = true'
    )
    late = incident("late", 5, dead=2)
    early = incident("early", 0, dead=1)
    (alert,) = evaluate([rule], [late, early, incident("no-deaths", -3)])
    assert alert.incidents == ("early",) and alert.date == DAY
    (again,) = evaluate([rule], [late])
    assert again.id == alert.id, "a first-time alert has one id whatever event it names"


def test_threshold_fires_once_per_burst() -> None:
    rule = Rule(id="burst", title="Burst", against=("USA",), threshold=Threshold(3, 7))
    days = [0, 2, 4, 5, 6, 30, 31, 32]
    events = [incident(f"r{d:02d}", d) for d in days]
    alerts = evaluate([rule], events)
    assert [a.incidents for a in alerts] == [("r00", "r02", "r04"), ("r30", "r31", "r32")], (
        "one alert when the third attack in 7 days lands, none while the burst goes on"
    )
    assert evaluate([rule], events[:2]) == []


@settings(max_examples=30, deadline=None)
@given(st.lists(_EVENT, max_size=30, unique_by=lambda s: s[0]), st.randoms())
def test_alert_evaluation_is_deterministic_and_order_free(specs: list, rng: random.Random) -> None:  # type: ignore[type-arg]
    rules = [
        *load_rules(),
        Rule(id="burst", title="Burst", event_type=("ASSAULT",), threshold=Threshold(2, 5)),
        Rule(id="words", title="Words", event_type=("ACCUSE",), first=True),
    ]
    events = [_made(s) for s in specs]
    shuffled = list(events)
    rng.shuffle(shuffled)
    assert evaluate(rules, events) == evaluate(rules, shuffled) == evaluate(rules, events)


def test_checking_twice_stores_each_alert_once() -> None:
    rules = load_rules()
    with filled(
        incident("kh-k1", dead=1), incident("embassy", 4, target=(), place=EMBASSY)
    ) as store:
        first = alert_api.check(store, rules)
        second = alert_api.check(store, rules)
        listed = alert_api.listed(store)
    assert {f.alert.rule for f in first.new} >= {
        "first-us-fatality-iran-aligned",
        "attack-on-us-embassy",
    }
    assert second.new == () and second.fired == first.fired, "a second run stores nothing new"
    assert [p["id"] for p in listed] == [f.alert.id for f in first.new]
    assert listed[0]["evidence"][0]["quote"].startswith("report kh-k1")


# -- escalation --------------------------------------------------------------------------------


def test_each_event_sits_on_its_rung() -> None:
    cases = {
        "statement": incident("s", event_type="ACCUSE", source=(IRN,)),
        "pressure": incident("p", event_type="SANCTION", source=(IRN,)),
        "threat": incident("t", event_type="THREATEN", source=(IRN,)),
        "mobilisation": incident("m", event_type="MOBILIZE", source=(IRN,)),
        "proxy attack": incident("x", source=(KH,)),
        "direct attack": incident("d", source=(IRGC,)),
        "attack causing deaths": incident("k", source=(KH,), dead=1),
    }
    for name, event in cases.items():
        assert RUNGS[rung(event, "IRN", "USA")] == name, name
    promised = incident("promised", realis=Realis.THREATENED)
    assert RUNGS[rung(promised, "IRN", "USA")] == "threat", "a promised attack is a threat"
    assert rung(incident("no", realis=Realis.NEGATED), "IRN", "USA") == 0
    assert rung(incident("coop", event_type="AGREE"), "IRN", "USA") == 0


def test_territory_needs_the_place_named_in_the_sentence() -> None:
    named = incident(
        "named", source=(USA,), target=(IRN,), place=TEHRAN, quote="Jets struck Tehran."
    )
    assert RUNGS[rung(named, "USA", "IRN")] == "attack on state territory"
    dateline = Place(name="Tehran", country="IRN", precision=1, raw="TEHRAN —")
    datelined = incident(
        "dl", source=(USA,), target=(IRN,), place=dateline, quote="TEHRAN — Jets struck."
    )
    assert RUNGS[rung(datelined, "USA", "IRN")] == "direct attack", "a dateline is not the scene"
    # Nor is a country read from the actors, though the actor is written in the sentence.
    actors = Place(name="Iran", country="IRN", precision=3, raw="Iranian", basis="actor")
    guessed = incident(
        "ac", source=(USA,), target=(IRN,), place=actors, quote="Jets struck Iranian troops."
    )
    assert RUNGS[rung(guessed, "USA", "IRN")] == "direct attack", "an actor's country is no scene"


def test_change_points_find_a_shift_in_level() -> None:
    assert change_points([0.0] * 6 + [20.0] * 6) == [6]
    assert change_points([1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 2.0, 1.0]) == [], "noise is not a shift"
    assert change_points([5.0] * 10) == [] and change_points([]) == []
    assert change_points([0.0] * 8 + [30.0] * 4 + [0.0] * 8) == [8, 12]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), max_size=40))
def test_change_points_are_ordered_inside_the_series(values: list[float]) -> None:
    points = change_points(values)
    assert points == sorted(set(points))
    assert all(2 <= p <= len(values) - 2 for p in points)


@settings(max_examples=30, deadline=None)
@given(st.lists(_EVENT, max_size=20, unique_by=lambda s: s[0]), st.integers(0, 120))
def test_adding_a_hostile_event_never_lowers_the_ladder(specs: list, day: int) -> None:  # type: ignore[type-arg]
    events = [_made(s) for s in specs]
    extra = incident("extra", day, source=(KH,), target=(USA,))
    before = steps(events, "USA", "IRN")
    after = steps([*events, extra], "USA", "IRN")
    assert max((s.rung for s in after), default=0) >= max((s.rung for s in before), default=0)
    last = DAY + timedelta(days=130)
    assert current(after, last, 200) >= current(before, last, 200)


def test_ladder_from_the_store() -> None:
    events = [
        incident("words", -30, event_type="ACCUSE", source=(USA,), target=(IRN,), intensity=-2.0),
        incident("kh", 0, dead=1),
        incident("strike", 2, source=(USA,), target=(KH,), mode="aerial", dead=25),
        incident("quiet", 60, event_type="ACCUSE", source=(IRN,), intensity=-2.0),
    ]
    with filled(*events) as store:
        ladder = escalation(store, "USA", "IRN", freq="W", window_days=30)
    assert [c.incident for c in ladder.climbs] == ["words", "kh"]
    assert ladder.peak() == RUNGS.index("attack causing deaths")
    assert ladder.current_name == "statement", "30 days after the strikes only words remain"
    assert ladder.as_of == DAY + timedelta(days=60)
    assert climbs(ladder.steps) == list(ladder.climbs)


def test_rule_dates_are_dates_not_times() -> None:
    with pytest.raises(RuleError, match="not a date and time"):
        _rules('[[rule]]\nid = "x"\ntitle = "X"\nsince = 2020-01-01T00:00:00\nuntil = 2019-01-01')
