"""Consolidation: reports of one real-world event become one event, whatever their order."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from redline.consolidate.cluster import Rules, Source, cluster, independent_sources, shingles
from redline.model import ActorRef, Event, EventDate, Evidence, Place, Realis

KH = ActorRef(id="kataib-hezbollah", name="Kata'ib Hezbollah", sponsors=("irgc-qf", "IRN"))
IRN = ActorRef(id="IRN", name="Iran")
USA = ActorRef(id="USA", name="United States")
K1 = Place(name="K-1 Air Base", country="IRQ", lat=35.50, lon=44.29, precision=1)
KIRKUK = Place(name="Kirkuk", country="IRQ", lat=35.468, lon=44.392, precision=1)
BALAD = Place(name="Balad Air Base", country="IRQ", lat=33.94, lon=44.36, precision=1)
IRAQ = Place(name="Iraq", country="IRQ", precision=3)


def mention(
    ident: str,
    article: str,
    day: date,
    *,
    source: tuple[ActorRef, ...] = (KH,),
    target: tuple[ActorRef, ...] = (USA,),
    place: Place | None = K1,
    dead: int | None = None,
    realis: Realis = Realis.ASSERTED,
    precision: str = "day",
    quote: str | None = None,
    mode: str | None = None,
    fallback: bool = False,
) -> Event:
    return Event(
        id=ident,
        article_id=article,
        date=EventDate(value=day, precision=precision, fallback=fallback),
        event_type="ASSAULT",
        mode=mode,
        realis=realis,
        source=source,
        target=target,
        location=place,
        fatalities=dead,
        evidence=Evidence(
            article_id=article, sentence=0, start=0, end=10, quote=quote or f"report {ident}"
        ),
        coder="test",
    )


def sources(*specs: tuple[str, str, int, str]) -> dict[str, Source]:
    return {
        a: Source(a, site, datetime(2019, 12, day, tzinfo=UTC), shingles(text))
        for a, site, day, text in specs
    }


WIRE = (
    "Rockets struck the K1 base near Kirkuk on Friday, killing a U.S. contractor and "
    "wounding several service members, officials said. No group claimed the attack."
)


def groups(events: list[Event], articles: dict[str, Source] | None = None) -> set[frozenset[str]]:
    return {frozenset(i.mentions) for i in cluster(events, articles or {})}


def test_consolidate_syndicated_copies_count_as_one_source() -> None:
    articles = sources(
        ("a1", "gulfwire.example", 27, WIRE),
        (
            "a2",
            "northstar.example",
            28,
            WIRE.replace("officials said", "officials said (Gulf Wire)"),
        ),
        (
            "a3",
            "meridian.example",
            28,
            "An entirely different write-up of the K1 attack by our reporter in Erbil.",
        ),
    )
    events = [
        mention("m1", "a1", date(2019, 12, 27)),
        mention("m2", "a2", date(2019, 12, 27), place=KIRKUK),
        mention("m3", "a3", date(2019, 12, 27)),
    ]
    (incident,) = cluster(events, articles)
    assert incident.articles == 3, incident
    assert incident.sources == 2, "the wire copy must not count as an independent source"
    assert incident.first_reported == datetime(2019, 12, 27, tzinfo=UTC)


def test_consolidate_rising_casualties_keep_low_best_high_with_their_reports() -> None:
    articles = sources(
        ("a1", "one.example", 27, "first"),
        ("a2", "two.example", 28, "second"),
        ("a3", "three.example", 29, "third"),
    )
    events = [
        mention("m1", "a1", date(2019, 12, 27), dead=2),
        mention("m2", "a2", date(2019, 12, 27), dead=5),
        mention("m3", "a3", date(2019, 12, 27), dead=4),
    ]
    (incident,) = cluster(events, articles)
    assert incident.fatalities is not None
    dead = incident.fatalities
    assert (dead.low, dead.best, dead.high) == (2, 4, 5), "best is the latest report's figure"
    assert (dead.low_mention, dead.best_mention, dead.high_mention) == ("m1", "m3", "m2")


def test_consolidate_same_day_same_dyad_different_places_stay_apart() -> None:
    events = [
        mention("m1", "a1", date(2020, 1, 4), place=K1),
        mention("m2", "a1", date(2020, 1, 4), place=BALAD),
        mention("m3", "a2", date(2020, 1, 4), place=BALAD),
    ]
    assert groups(events) == {frozenset({"m1"}), frozenset({"m2", "m3"})}


def test_consolidate_sponsor_counts_as_its_proxy_but_opposite_sides_do_not_merge() -> None:
    events = [
        mention("m1", "a1", date(2019, 12, 27), source=(KH,)),
        mention("m2", "a2", date(2019, 12, 27), source=(IRN,)),
        mention("m3", "a3", date(2019, 12, 27), source=(USA,), target=(KH,)),
    ]
    assert groups(events) == {frozenset({"m1", "m2"}), frozenset({"m3"})}


def test_consolidate_dates_match_by_their_precision() -> None:
    events = [
        mention("m1", "a1", date(2019, 5, 12)),
        mention("m2", "a2", date(2019, 5, 1), precision="month"),
        mention("m3", "a3", date(2019, 6, 20)),
        mention("m4", "a4", date(2019, 5, 13)),  # one day later: time zones, late reports
        mention("m5", "a5", date(2019, 5, 16)),  # four days later: another event
    ]
    found = groups(events)
    assert frozenset({"m1", "m2", "m4"}) in found, found
    assert frozenset({"m3"}) in found and frozenset({"m5"}) in found, found


def test_consolidate_never_merges_a_hypothetical_or_negated_report_with_a_real_one() -> None:
    events = [
        mention("m1", "a1", date(2019, 12, 27)),
        mention("m2", "a2", date(2019, 12, 27), realis=Realis.HYPOTHETICAL),
        mention("m3", "a3", date(2019, 12, 27), realis=Realis.NEGATED),
        mention("m4", "a4", date(2019, 12, 27), realis=Realis.CLAIMED),
    ]
    assert groups(events) == {frozenset({"m1", "m4"}), frozenset({"m2"}), frozenset({"m3"})}


def test_consolidate_report_without_a_precise_place_joins_the_event_it_fits() -> None:
    events = [
        mention("m1", "a1", date(2020, 1, 4), place=K1, source=(KH,)),
        mention("m2", "a2", date(2020, 1, 4), place=BALAD, source=(IRN,), target=(IRN,)),
        mention("m3", "a3", date(2020, 1, 4), place=IRAQ, source=(KH,)),
    ]
    (joined,) = [i for i in cluster(events, {}) if "m3" in i.mentions]
    assert set(joined.mentions) == {"m1", "m3"}
    reason = dict((link.mention, link.reason) for link in joined.links)["m3"]
    assert "not precise" in reason and "kataib-hezbollah" in reason, reason


def test_consolidate_independent_sources_merge_one_outlet() -> None:
    same = [Source("a", "x.example", None), Source("b", "x.example", None), Source("c", None, None)]
    assert independent_sources(same, 0.5) == 2


_POOL = [
    mention("m01", "a1", date(2020, 1, 4), place=K1, dead=1),
    mention("m02", "a2", date(2020, 1, 5), place=KIRKUK, dead=2),
    mention("m03", "a3", date(2020, 1, 4), place=BALAD),
    mention("m04", "a4", date(2020, 1, 4), place=IRAQ, source=(IRN,)),
    mention("m05", "a5", date(2020, 1, 4), place=None, source=()),
    mention("m06", "a6", date(2020, 1, 1), precision="month", place=None),
    mention("m07", "a7", date(2020, 1, 4), source=(USA,), target=(KH,), place=BALAD),
    mention("m08", "a8", date(2020, 1, 4), realis=Realis.THREATENED, place=None),
    mention("m09", "a9", date(2020, 1, 6), place=IRAQ, quote="report m05"),
    mention("m10", "a1", date(2020, 1, 4), place=None),
]


@settings(max_examples=60, deadline=None)
@given(st.permutations(_POOL), st.integers(min_value=1, max_value=len(_POOL)))
def test_consolidate_any_arrival_order_gives_the_same_events(order: list[Event], cut: int) -> None:
    expected = {(i.id, frozenset(i.mentions)) for i in cluster(_POOL, {})}
    assert {(i.id, frozenset(i.mentions)) for i in cluster(order, {})} == expected
    # Arriving in two parts: the second part regroups with what the first formed.
    first = cluster(order[:cut], {})
    again = cluster([e for e in _POOL if any(e.id in i.mentions for i in first)] + order[cut:], {})
    assert {(i.id, frozenset(i.mentions)) for i in again} == expected


def test_consolidate_a_country_agrees_with_the_actors_based_there() -> None:
    iraq = ActorRef(id="IRQ", name="Iraq", country="IRQ")
    taji = ActorRef(id="camp-taji", name="Camp Taji", country="IRQ")
    militia = ActorRef(id="kataib-hezbollah", name="Kata'ib Hezbollah", country="IRQ")
    events = [
        # "rockets hit Camp Taji, wounding Iraqi soldiers" / "rockets struck Camp Taji"
        mention("m1", "a1", date(2020, 3, 14), source=(), target=(iraq,)),
        mention("m2", "a2", date(2020, 3, 14), source=(), target=(taji,)),
        # An attack on the United States there that day is another event.
        mention("m3", "a3", date(2020, 3, 14), source=(militia,), target=(USA,)),
    ]
    assert groups(events) == {frozenset({"m1", "m2"}), frozenset({"m3"})}


def test_consolidate_placeless_reports_merge_on_one_actor_means_and_day() -> None:
    houthis = ActorRef(id="houthis", name="Houthis")
    day = date(2020, 1, 18)
    drone = mention("m1", "a1", day, source=(houthis,), target=(), place=None, mode="drone")
    missile = mention(
        "m2", "a2", day, source=(houthis,), target=(), place=None, mode="heavy-weapons"
    )
    assert groups([drone, missile]) == {frozenset({"m1", "m2"})}
    # Not by other means, not on a day the report only guesses (a fallback date).
    gunfire = mention("m3", "a3", day, source=(houthis,), target=(), place=None, mode="firearms")
    guessed = mention(
        "m4", "a4", day, source=(houthis,), target=(), place=None, mode="drone", fallback=True
    )
    found = groups([drone, missile, gunfire, guessed])
    assert {frozenset({"m3"}), frozenset({"m4"})} <= found, found


def test_consolidate_an_assassination_fits_any_means() -> None:
    events = [
        mention("m1", "a1", date(2019, 11, 12), place=K1, mode="aerial"),
        mention("m2", "a2", date(2019, 11, 12), place=K1, mode="assassinate"),
        mention("m3", "a3", date(2019, 11, 12), place=K1, mode="firearms"),
    ]
    # The assassination joins the air strike; the shooting (close, not remote) does not.
    found = groups(events)
    assert frozenset({"m3"}) in found and len(found) == 2, found


def test_consolidate_rules_are_settings() -> None:
    events = [
        mention("m1", "a1", date(2020, 1, 4), place=K1),
        mention("m2", "a2", date(2020, 1, 4), place=KIRKUK),
    ]
    assert len(cluster(events, {}, Rules(radius_km=5))) == 2
    assert len(cluster(events, {}, Rules(radius_km=15))) == 1
