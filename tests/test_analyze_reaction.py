"""Action and reaction: responses find their triggers, and what followed them is judged."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.analyze.reaction import (
    CUES,
    Reaction,
    cue,
    link,
    load,
    summarise,
)
from redline.analyze.timeline import COUNTED
from redline.consolidate.cluster import Casualties, Incident, Link
from redline.model import ActorRef, Article, Event, EventDate, Evidence, Realis, RunResult
from redline.store import Store
from redline.store import incidents as stored

KH = ActorRef(id="kataib-hezbollah", name="Kata'ib Hezbollah", sponsors=("irgc-qf", "IRN"))
IRN = ActorRef(id="IRN", name="Iran")
USA = ActorRef(id="USA", name="United States")
DAY = date(2019, 12, 1)


def incident(
    ident: str,
    day: int,
    *,
    source: tuple[ActorRef, ...] = (KH,),
    target: tuple[ActorRef, ...] = (USA,),
    intensity: float | None = -10.0,
    dead: int | None = None,
    realis: Realis = Realis.ASSERTED,
    quote: str | None = None,
    mentions: tuple[str, ...] = (),
) -> Incident:
    """An incident ``day`` days after 1 December 2019 (KH attacks USA unless told otherwise)."""
    deaths = None if dead is None else Casualties(dead, dead, dead, "m", "m", "m")
    return Incident(
        id=ident,
        event_type="ASSAULT",
        mode=None,
        realis=realis,
        source=source,
        target=target,
        date=EventDate(value=DAY + timedelta(days=day)),
        location=None,
        fatalities=deaths,
        mentions=mentions,
        articles=1,
        sources=1,
        first_reported=None,
        cameo=None,
        intensity=intensity,
        quote=quote or f"report {ident}",
        links=tuple(Link(m, "test") for m in mentions),
    )


def strike(ident: str, day: int, **fields: object) -> Incident:
    """A USA strike on Kata'ib Hezbollah."""
    return incident(ident, day, source=(USA,), target=(KH,), **fields)  # type: ignore[arg-type]


def pairs(reactions: list[Reaction]) -> list[tuple[str, str]]:
    return [(r.trigger.id, r.response.id) for r in reactions]


# -- cues ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The strikes came in response to the rocket attack.", "in response to"),
        ("Washington struck In Retaliation For the K-1 attack.", "in retaliation for"),
        ("a raid in retaliation against the militia", "in retaliation against"),
        ("The US retaliated on Sunday.", "retaliated"),
        ("Iran vowed to retaliate.", "retaliate"),
        ("a retaliatory strike", "retaliatory"),
        ("fired in revenge for the killing", "in revenge for"),
        ("a drone launched to avenge the commander", "to avenge"),
        ("militias avenging Soleimani", "avenging"),
        ("the response to Friday's attack", "response to"),
        ("fearing reprisals", "reprisals"),
        ("called it payback for the base attack", "payback for"),
        ("the strike was an answer to aggression", "answer to"),
        ("it answered to the shelling", "answered to"),
        ("in  response\nto the attack", "in response to"),
    ],
)
def test_reaction_cue_finds_the_phrase(text: str, expected: str) -> None:
    assert cue(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Rockets struck the K-1 base near Kirkuk.",
        "No group claimed responsibility.",
        "The retail market was hit.",
        "The spokesman did not respond.",
        "",
        None,
    ],
)
def test_reaction_cue_ignores_text_without_one(text: str | None) -> None:
    assert cue(text) is None


def test_reaction_cue_reports_the_earliest_phrase_whole() -> None:
    # "in response to" also holds "response to"; the whole, earlier phrase is the cue.
    assert cue("In response to the attack the US retaliated.") == "in response to"
    assert all(p.flags & re.IGNORECASE for p in CUES), "every cue must ignore case"


# -- linking ------------------------------------------------------------------------------


def test_reaction_us_strike_answers_kataib_hezbollah_attack_rolled_up_to_iran() -> None:
    attack = incident("k1", 26, intensity=-8.0, dead=1)
    answer = strike("strikes", 28, dead=25)
    found = link([answer, attack], "USA", "IRN")
    assert pairs(found) == [("k1", "strikes")], "the strike should answer the K-1 attack"
    reaction = found[0]
    assert (reaction.responder, reaction.other) == ("USA", "IRN")
    assert reaction.lag_days == 2
    assert reaction.intensity_ratio == pytest.approx(10.0 / 8.0)
    assert reaction.casualty_ratio == pytest.approx(25.0)
    assert reaction.cue is None


def test_reaction_group_level_does_not_read_a_proxy_as_its_sponsor() -> None:
    found = link([incident("k1", 26), strike("strikes", 28)], "USA", "IRN", rollup=False)
    assert found == [], "without roll-up Kata'ib Hezbollah is not Iran"
    found = link(
        [incident("k1", 26), strike("strikes", 28)], "USA", "kataib-hezbollah", rollup=False
    )
    assert pairs(found) == [("k1", "strikes")]


def test_reaction_casualty_ratio_is_none_when_trigger_deaths_are_zero_or_unknown() -> None:
    for dead in (0, None):
        found = link([incident("k1", 1, dead=dead), strike("s", 2, dead=5)], "USA", "IRN")
        assert found[0].casualty_ratio is None, f"trigger deaths {dead} gave a ratio"
    found = link([incident("k1", 1, dead=2), strike("s", 2)], "USA", "IRN")
    assert found[0].casualty_ratio is None, "unknown response deaths are not zero deaths"


def test_reaction_window_bounds_the_trigger() -> None:
    assert pairs(link([incident("k1", 0), strike("s", 14)], "USA", "IRN")) == [("k1", "s")]
    assert link([incident("k1", 0), strike("s", 15)], "USA", "IRN") == [], "15 days is too late"
    assert link([incident("k1", 0), strike("s", 15)], "USA", "IRN", window_days=15) != []


def test_reaction_trigger_must_come_first() -> None:
    found = link([strike("s", 1), incident("k1", 3)], "USA", "IRN")
    assert pairs(found) == [("s", "k1")], "the earlier strike cannot answer a later attack"
    assert link([incident("k1", 2), strike("s", 2)], "USA", "IRN") == [], (
        "same day with no cue: order unknown, no link"
    )
    found = link([incident("k1", 2), strike("s", 2, quote="It retaliated.")], "USA", "IRN")
    assert pairs(found) == [("k1", "s")] and found[0].lag_days == 0


def test_reaction_without_cue_takes_the_latest_trigger() -> None:
    events = [incident("big", 1, intensity=-10.0), incident("small", 5, intensity=-3.0)]
    assert pairs(link([*events, strike("s", 8)], "USA", "IRN")) == [("small", "s")]


def test_reaction_cue_takes_the_most_hostile_trigger() -> None:
    events = [incident("big", 1, intensity=-10.0), incident("small", 5, intensity=-3.0)]
    cued = strike("s", 8, quote="Strikes in retaliation for the attacks.")
    found = link([*events, cued], "USA", "IRN")
    assert pairs(found) == [("big", "s")]
    assert found[0].cue == "in retaliation for"


def test_reaction_cue_can_come_from_another_report() -> None:
    events = [incident("big", 1, intensity=-10.0), incident("small", 5, intensity=-3.0)]
    texts = {"s": "US jets struck in response to attacks on its troops."}
    found = link([*events, strike("s", 8)], "USA", "IRN", texts=texts)
    assert pairs(found) == [("big", "s")], "a cue in any report of the response counts"
    assert found[0].cue == "in response to"


def test_reaction_cue_ties_go_to_the_latest_trigger() -> None:
    events = [incident("early", 1, intensity=-8.0), incident("late", 4, intensity=-8.0)]
    found = link([*events, strike("s", 6, quote="a reprisal")], "USA", "IRN")
    assert pairs(found) == [("late", "s")]


def test_reaction_verdict_compares_rates_before_and_after() -> None:
    # Attacks on USA at days 5 and 7 (before the strike on day 10); one or three after.
    before = [incident("k5", 5), incident("k7", 7)]
    deterred = link([*before, strike("s", 10), incident("k12", 12)], "USA", "IRN")
    reaction = next(r for r in deterred if r.response.id == "s")
    assert reaction.before_rate == pytest.approx(2 / 14)
    assert reaction.after_rate == pytest.approx(1 / 14)
    assert reaction.verdict == "deterred"

    after = [incident(f"k{d}", d) for d in (11, 12, 20)]
    provoked = link([*before, strike("s", 10), *after], "USA", "IRN")
    reaction = next(r for r in provoked if r.response.id == "s")
    assert reaction.after_rate == pytest.approx(3 / 14)
    assert reaction.verdict == "provoked"

    same = link([*before, strike("s", 10), *after[:2]], "USA", "IRN")
    assert next(r for r in same if r.response.id == "s").verdict == "no change"


def test_reaction_rates_leave_out_the_responses_day_and_the_window_edge() -> None:
    events = [incident("k5", 5), incident("k10", 10), incident("k25", 25), strike("s", 10)]
    reaction = next(r for r in link(events, "USA", "IRN") if r.response.id == "s")
    assert (reaction.before_rate, reaction.after_rate) == (1 / 14, 0.0)


NOT_COUNTED = [r for r in Realis if r not in COUNTED]


@pytest.mark.parametrize("realis", NOT_COUNTED)
def test_reaction_uncounted_realis_is_never_linked(realis: Realis) -> None:
    assert link([incident("k1", 1, realis=realis), strike("s", 2)], "USA", "IRN") == [], (
        f"a {realis} attack was taken as a trigger"
    )
    assert link([incident("k1", 1), strike("s", 2, realis=realis)], "USA", "IRN") == [], (
        f"a {realis} strike was taken as a response"
    )
    events = [incident("k1", 1), strike("s", 2), incident("k3", 3, realis=realis)]
    assert link(events, "USA", "IRN")[0].verdict == "deterred", (
        f"a {realis} attack counted in the after rate"
    )


def test_reaction_cooperation_is_never_linked() -> None:
    for intensity in (0.0, 3.0, None):
        events = [incident("k1", 1, intensity=intensity), strike("s", 2)]
        assert link(events, "USA", "IRN") == [], f"intensity {intensity} taken as hostile"


def test_reaction_clash_on_both_sides_has_no_direction() -> None:
    clash = incident("clash", 1, source=(USA, KH), target=(KH, USA))
    for other in (strike("s", 0), incident("k", 0), strike("s", 2), incident("k", 2)):
        assert link([clash, other], "USA", "IRN") == [], f"a clash was linked with {other.id}"


def test_reaction_tit_for_tat_links_each_answer_once() -> None:
    events = [incident("k1", 1), strike("s2", 2), incident("k3", 3), strike("s4", 4)]
    found = link(events, "USA", "IRN")
    assert pairs(found) == [("k1", "s2"), ("s2", "k3"), ("k3", "s4")]
    assert [r.responder for r in found] == ["USA", "IRN", "USA"]


def test_reaction_one_trigger_may_draw_several_responses_but_each_answers_once() -> None:
    events = [incident("k1", 1), incident("k2", 2), strike("s3", 3), strike("s4", 4)]
    found = link(events, "USA", "IRN")
    assert pairs(found) == [("k2", "s3"), ("k2", "s4")]


def test_reaction_refuses_a_dyad_of_one() -> None:
    with pytest.raises(ValueError, match="two different actors"):
        link([], "USA", "USA")


# -- properties ---------------------------------------------------------------------------

_PHRASES = ("", "in retaliation for the attack", "reprisal")


@st.composite
def _incidents(draw: st.DrawFn) -> list[Incident]:
    count = draw(st.integers(min_value=0, max_value=14))
    found = []
    for n in range(count):
        forward = draw(st.booleans())
        found.append(
            incident(
                f"i{n:02d}",
                draw(st.integers(min_value=0, max_value=40)),
                source=(KH,) if forward else (USA,),
                target=(USA,) if forward else (KH,),
                intensity=draw(st.sampled_from([-10.0, -7.0, -7.0, -2.0, 1.0, None])),
                dead=draw(st.none() | st.integers(min_value=0, max_value=5)),
                realis=draw(st.sampled_from([Realis.ASSERTED, Realis.REPORTED, Realis.DENIED])),
                quote=draw(st.sampled_from(_PHRASES)) or None,
            )
        )
    return found


@settings(max_examples=200, deadline=None)
@given(_incidents(), st.randoms(use_true_random=False), st.integers(min_value=0, max_value=20))
def test_reaction_property_order_does_not_matter(
    incidents: list[Incident], rng: random.Random, window: int
) -> None:
    shuffled = list(incidents)
    rng.shuffle(shuffled)
    expected = link(incidents, "USA", "IRN", window_days=window)
    assert link(shuffled, "USA", "IRN", window_days=window) == expected
    assert summarise(link(shuffled, "USA", "IRN", window_days=window), "USA", "IRN") == (
        summarise(reversed(expected), "USA", "IRN")
    )


@settings(max_examples=200, deadline=None)
@given(_incidents(), st.integers(min_value=0, max_value=20))
def test_reaction_property_links_are_well_formed(incidents: list[Incident], window: int) -> None:
    found = link(incidents, "USA", "IRN", window_days=window)
    responses = [r.response.id for r in found]
    assert len(responses) == len(set(responses)), "an incident answered twice"
    assert found == sorted(found, key=lambda r: (r.response.date.value, r.response.id))
    for r in found:
        assert r.trigger.source[0].id != r.response.source[0].id, "a side answered itself"
        assert 0 <= r.lag_days <= window
        assert r.lag_days > 0 or r.cue is not None, "same-day link without a cue"
        assert r.trigger.realis in COUNTED and r.response.realis in COUNTED
        assert r.intensity_ratio > 0


# -- summaries and the store --------------------------------------------------------------


def test_reaction_summarise_per_direction_responder_a_first() -> None:
    events = [
        incident("k1", 1, dead=2),
        strike("s3", 3, dead=4),
        incident("k4", 4, intensity=-5.0),
        strike("s9", 9, dead=1, intensity=-5.0),
        incident("k20", 20),
    ]
    usa, irn = summarise(link(events, "USA", "IRN"), "USA", "IRN")
    assert (usa.responder, usa.other, irn.responder) == ("USA", "IRN", "IRN")
    assert [r.response.id for r in usa.reactions] == ["s3", "s9"]
    assert usa.median_lag == 3.5  # lags 2 (k1->s3) and 5 (k4->s9)
    assert usa.mean_intensity_ratio == pytest.approx((1.0 + 1.0) / 2)
    assert usa.mean_casualty_ratio == pytest.approx(2.0), "only k1 had known deaths"
    assert (usa.deterred, usa.provoked, usa.unchanged) == (1, 0, 1)
    assert [r.response.id for r in irn.reactions] == ["k4", "k20"]
    assert irn.mean_casualty_ratio is None, "no trigger of Iran's answers had known deaths"


def test_reaction_summarise_empty_direction_has_no_averages() -> None:
    usa, irn = summarise([], "USA", "IRN")
    assert usa.reactions == () and irn.reactions == ()
    assert (usa.median_lag, usa.mean_intensity_ratio, usa.mean_casualty_ratio) == (
        None,
        None,
        None,
    )


def _mention(ident: str, article: Article, day: int, quote: str) -> Event:
    return Event(
        id=ident,
        article_id=article.id,
        date=EventDate(value=DAY + timedelta(days=day)),
        event_type="ASSAULT",
        mode=None,
        realis=Realis.ASSERTED,
        source=(USA,),
        target=(KH,),
        evidence=Evidence(article_id=article.id, sentence=0, start=0, end=len(quote), quote=quote),
        coder="test",
    )


def test_reaction_load_reads_the_dyad_and_every_reports_cue(store: Store) -> None:
    source = store
    article = Article(
        id="a1", origin="test", text="x", ingested_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    events = [
        incident("big", 1, intensity=-10.0, mentions=("m-big",)),
        incident("small", 5, intensity=-3.0, mentions=("m-small",)),
        strike("s", 8, quote="US jets struck militia sites.", mentions=("m-s1", "m-s2")),
        incident("later", 30, mentions=("m-later",)),
        incident(
            "other", 7, target=(ActorRef(id="GBR", name="United Kingdom"),), mentions=("m-o",)
        ),
    ]
    quotes = {"m-s2": "The strikes came in retaliation for the rocket attacks."}
    days = {m: (e.date.value - DAY).days for e in events for m in e.mentions}
    mentions = tuple(_mention(m, article, days[m], quotes.get(m, f"report {m}")) for m in days)
    store.append(RunResult(articles=(article,), events=mentions))
    stored.replace(store, [], events)
    reactions, (usa, irn) = load(source, "USA", "IRN", since=DAY + timedelta(days=6))
    assert pairs(reactions) == [("big", "s")], "the cue in the second report should pick 'big'"
    assert reactions[0].cue == "in retaliation for"
    assert [r.response.id for r in usa.reactions] == ["s"] and irn.reactions == ()
    narrow, _ = load(
        source, "USA", "IRN", since=DAY + timedelta(days=9), until=DAY + timedelta(days=40)
    )
    assert narrow == [], "responses before `since` are left out"


def test_reaction_load_rolls_up_a_state_body_to_its_country(store: Store) -> None:
    # The IRGC answers to Iran by sector and country, not by a listed sponsor.
    irgc = ActorRef(id="irgc", name="IRGC", country="IRN", sector="MIL")
    article = Article(
        id="a1", origin="test", text="x", ingested_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    events = [
        strike("s", 1, mentions=("m-s",)),
        incident("missiles", 3, source=(irgc,), mentions=("m-missiles",)),
    ]
    mentions = tuple(
        _mention(m, article, (e.date.value - DAY).days, f"report {m}")
        for e in events
        for m in e.mentions
    )
    store.append(RunResult(articles=(article,), events=mentions))
    stored.replace(store, [], events)
    reactions, (irn, _) = load(store, "IRN", "USA")
    assert pairs(reactions) == [("s", "missiles")], "the IRGC's missiles are Iran's answer"
    assert irn.responder == "IRN" and len(irn.reactions) == 1
