"""Actor resolution: aliases, dated roles, capitals, generic mentions, sponsors, bad files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from redline.coding.actors import ActorDictionary, ActorResolver
from redline.errors import ConfigError
from redline.model import EventCandidate, EventDate, Evidence, Place, Realis

DAY = date(2019, 12, 29)


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    return ActorResolver()


def ids(resolver: ActorResolver, phrase: str, when: date = DAY) -> list[tuple[str, str | None]]:
    return [(a.id, a.sector) for a in resolver.resolve_phrase(phrase, when)]


@pytest.mark.parametrize(
    "phrase",
    [
        "Kata'ib Hezbollah",
        "Kataib Hezbollah",
        "Kataib Hizballah",
        "Hezbollah Brigades",
        "Kata’ib Hezbollah",
    ],
)
def test_coding_actors_aliases_resolve_to_one_actor(resolver: ActorResolver, phrase: str) -> None:
    assert ids(resolver, phrase) == [("kataib-hezbollah", "PRM")]


def test_coding_actors_longest_alias_wins(resolver: ActorResolver) -> None:
    assert [a for a, _ in ids(resolver, "Lebanon's Hezbollah")] == ["hezbollah"]
    assert [a for a, _ in ids(resolver, "Kata'ib Hezbollah fighters")] == ["kataib-hezbollah"]


def test_coding_actors_short_caps_alias_is_case_sensitive(resolver: ActorResolver) -> None:
    assert ids(resolver, "the US")[0][0] == "USA"
    assert ids(resolver, "told us nothing") == []


def test_coding_actors_dated_roles(resolver: ActorResolver) -> None:
    before = resolver.resolve_phrase("Mark Esper", date(2018, 6, 1))[0]
    after = resolver.resolve_phrase("Mark Esper", date(2019, 12, 29))[0]
    assert (before.id, before.sector) == ("mark-esper", "MIL")
    assert (after.id, after.sector) == ("mark-esper", "GOV")


def test_coding_actors_capital_is_a_metonym_for_the_government(resolver: ActorResolver) -> None:
    (actor,) = resolver.resolve_phrase("Tehran", DAY)
    assert (actor.id, actor.sector) == ("IRN", "GOV")
    assert actor.reason is not None and "metonym" in actor.reason


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Iranian forces", ("IRN", "MIL")),
        ("Iraqi protesters", ("IRQ", "CVL")),
        ("a U.S. civilian contractor", ("USA", "BUS")),
    ],
)
def test_coding_actors_generic_mentions_get_a_sector(
    resolver: ActorResolver, phrase: str, expected: tuple[str, str]
) -> None:
    assert ids(resolver, phrase) == [expected]


def test_coding_actors_unnamed_proxy_keeps_its_sponsor(resolver: ActorResolver) -> None:
    (actor,) = resolver.resolve_phrase("Iran-backed Shiite militias", DAY)
    assert actor.sponsors == ("IRN",) and actor.sector == "PRM"
    (pro,) = resolver.resolve_phrase("a pro-Iran militia", DAY)
    assert pro.id == actor.id


def test_coding_actors_sponsor_chain_reaches_the_state(resolver: ActorResolver) -> None:
    (actor,) = resolver.resolve_phrase("Kata'ib Hezbollah", DAY)
    assert actor.sponsors == ("irgc-quds-force", "irgc", "IRN")


def test_coding_actors_modifier_country_is_not_a_second_actor(resolver: ActorResolver) -> None:
    assert ids(resolver, "Iraqi militia Kata'ib Hezbollah") == [("kataib-hezbollah", "PRM")]
    assert [a for a, _ in ids(resolver, "the US and UK")] == ["USA", "GBR"]


def test_coding_actors_every_actor_says_why(resolver: ActorResolver) -> None:
    for actor in resolver.resolve_phrase("Kataib Hizballah and Tehran", DAY):
        assert actor.reason and actor.text


def test_coding_actors_user_file_overrides_and_extends(tmp_path: Path) -> None:
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "id,name,aliases,country,sector,type,sponsors,valid_from,valid_to,note\n"
        "kataib-hezbollah,Kata'ib Hezbollah,KH,IRQ,REB,armed-group,IRN,,,my view\n"
        "arnor-guard,Arnor Guard,Guard of Arnor,GBR,MIL,armed-group,,,,fictional\n"
    )
    resolver = ActorResolver(extra=[extra])
    assert ids(resolver, "Kata'ib Hezbollah") == [("kataib-hezbollah", "REB")]
    assert resolver.resolve_phrase("Kata'ib Hezbollah", DAY)[0].sponsors == ("IRN",)
    assert ids(resolver, "the Guard of Arnor") == [("arnor-guard", "MIL")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,name\nx,y\n", "missing column"),
        (
            "id,name,aliases,country,sector,type,sponsors\n,Nameless,,USA,GOV,state,\n",
            "row 2: field 'id' is empty",
        ),
        (
            "id,name,aliases,country,sector,type,sponsors\nx,X,,Persia,GOV,state,\n",
            "row 2: field 'country' must be an ISO3 code",
        ),
        (
            "id,name,aliases,country,sector,type,sponsors,valid_from\nx,X,,IRN,GOV,state,,soon\n",
            "row 2: field 'valid_from' is not an ISO date",
        ),
        ("id,name,aliases,country,sector,type,sponsors\nx,X,,IRN\n", "wrong number of fields"),
    ],
)
def test_coding_actors_bad_file_names_file_row_and_field(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    with pytest.raises(ConfigError, match=message) as error:
        ActorDictionary.builtin([bad])
    assert str(bad) in str(error.value)


def test_coding_actors_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        ActorDictionary.builtin([tmp_path / "nope.csv"])


def test_coding_actors_builtin_covers_every_country() -> None:
    kb = ActorDictionary.builtin()
    for code in ("USA", "IRN", "IRQ", "SYR", "SAU", "ISR", "TUR", "ARE", "YEM", "UKR", "XKX"):
        assert kb.entry(code) is not None, code


def test_coding_actors_affiliations_are_dated_typed_and_sourced() -> None:
    kb = ActorDictionary.builtin()
    edges = {(a.relation, a.parent): a for a in kb.affiliations_of("kataib-hezbollah")}
    assert ("sponsor", "irgc-quds-force") in edges
    member = edges[("member-of", "popular-mobilization-forces")]
    assert member.valid_from is not None and member.note and member.confidence == "high"
    assert kb.rollup("kataib-hezbollah") == "IRN"
    assert kb.rollup("USA") == "USA"
    # Membership in the PMF does not roll Kata'ib Hezbollah up to Iraq.
    assert "IRQ" not in kb.sponsor_chain("kataib-hezbollah", DAY)


def test_coding_actors_dated_edges_only_hold_in_their_range() -> None:
    kb = ActorDictionary.builtin()
    assert "islamic-resistance-in-iraq" not in kb.parents("kataib-hezbollah", date(2020, 1, 1))
    umbrella = [a for a in kb.affiliations_of("kataib-hezbollah") if a.relation == "umbrella"]
    assert umbrella and not umbrella[0].valid_on(date(2020, 1, 1))
    assert umbrella[0].valid_on(date(2024, 1, 1))


def test_coding_actors_designations_have_dates() -> None:
    kb = ActorDictionary.builtin()
    (listing,) = [d for d in kb.designations_of("houthis") if d.authority == "USA"]
    assert listing.valid_from == date(2021, 1, 19) and listing.valid_to == date(2021, 2, 16)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "affiliations",
            "actor,relation,parent,valid_from,valid_to,confidence,note\n"
            "kataib-hezbollah,funds,IRN,,,high,x\n",
            "row 2: field 'relation' must be one of",
        ),
        (
            "affiliations",
            "actor,relation,parent,valid_from,valid_to,confidence,note\n"
            "nobody,sponsor,IRN,,,high,x\n",
            "row 2: field 'actor' names unknown actor",
        ),
        (
            "designations",
            "actor,authority,designation,valid_from,valid_to,note\nhamas,USA,FTO,1997-13-01,,x\n",
            "row 2: field 'valid_from' is not an ISO date",
        ),
    ],
)
def test_coding_actors_bad_graph_files_name_row_and_field(
    name: str, content: str, message: str
) -> None:
    kb = ActorDictionary.builtin()
    loader = kb.load_affiliations if name == "affiliations" else kb.load_designations
    with pytest.raises(ConfigError, match=message):
        loader(f"{name}.csv", content)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Saraya Awliya al-Dam", ("new:saraya-awliya-al-dam", "PRM")),
        ("the Ashab al-Kahf Brigades", ("new:ashab-al-kahf-brigades", "PRM")),
    ],
)
def test_coding_actors_unknown_named_groups_become_new_actors(
    resolver: ActorResolver, phrase: str, expected: tuple[str, str]
) -> None:
    (actor,) = resolver.resolve_phrase(phrase, DAY)
    assert (actor.id, actor.sector) == expected
    assert actor.reason is not None and "unknown named group" in actor.reason


def test_coding_actors_unknown_group_keeps_a_stated_sponsor(resolver: ActorResolver) -> None:
    (actor,) = resolver.resolve_phrase("an Iran-backed group, the Ashab al-Kahf Brigades", DAY)
    assert actor.id == "new:ashab-al-kahf-brigades" and actor.sponsors == ("IRN",)


@pytest.mark.parametrize("phrase", ["Friday", "several rockets", "the base near the border"])
def test_coding_actors_plain_phrases_are_not_new_actors(
    resolver: ActorResolver, phrase: str
) -> None:
    assert resolver.resolve_phrase(phrase, DAY) == ()


def test_coding_actors_breadth_layer_is_a_fallback() -> None:
    from redline.coding.actors import BreadthIndex

    rows = [
        {
            "id": "phoenix:arvedui-last-king",
            "name": "Arvedui Last King",
            "aliases": "ARVEDUI LAST KING|ARVEDUI",
            "country": "GBR",
            "sector": "GOV",
            "type": "person",
            "sponsors": "GBR",
            "valid_from": "1990-01-01",
            "valid_to": "1999-12-31",
            "note": "test file code GBRGOV",
        },
        {
            "id": "phoenix:tehran-friends",
            "name": "Tehran Friends",
            "aliases": "TEHRAN FRIENDS",
            "country": "",
            "sector": "NGO",
            "type": "organisation",
            "sponsors": "",
            "valid_from": "",
            "valid_to": "",
            "note": "test",
        },
    ]
    resolver = ActorResolver(breadth=BreadthIndex(rows, "test"))
    (actor,) = resolver.resolve_phrase("King Arvedui Last King", date(1995, 1, 1))
    assert (actor.id, actor.country, actor.sponsors) == (
        "phoenix:arvedui-last-king",
        "GBR",
        ("GBR",),
    )
    assert actor.reason is not None and "not reviewed" in actor.reason
    assert resolver.resolve_phrase("Arvedui", date(1995, 1, 1)) == (), "one word is not enough"
    # Curated entries win: Tehran is a capital, so the imported group is never consulted.
    assert [a.id for a in resolver.resolve_phrase("Tehran Friends", DAY)] == ["IRN"]


def test_coding_actors_shipped_breadth_layer_knows_phoenix_people() -> None:
    resolver = ActorResolver()
    assert resolver.breadth is not None, "phoenix.csv.gz is missing: run make phoenix"
    (actor,) = resolver.resolve_phrase("Paulin Obame Nguema", date(1995, 1, 1))
    assert (actor.country, actor.sector) == ("GAB", "GOV")


def _candidate(source: str, target: str, country: str | None) -> EventCandidate:
    return EventCandidate(
        article_id="a",
        event_type="ASSAULT",
        mode=None,
        realis=Realis.ASSERTED,
        source_text=(source,) if source else (),
        target_text=(target,) if target else (),
        evidence=Evidence(article_id="a", sentence=0, start=0, end=10, quote=source),
        date=EventDate(value=DAY),
        location=Place(name="Kabul", country=country, precision=1) if country else None,
        coder="test",
    )


def test_coding_actors_generic_people_are_of_the_event_country(resolver: ActorResolver) -> None:
    event = resolver.resolve(_candidate("Gunmen", "a maternity ward", "AFG"))
    assert event is not None, "an attack by gunmen was dropped for want of a named actor"
    (gunmen,) = event.source
    assert (gunmen.id, gunmen.name, gunmen.country) == (
        "generic:UAF:AFG",
        "Gunmen (Afghanistan)",
        "AFG",
    ), gunmen
    assert gunmen.reason and "country of the event's place" in gunmen.reason
    # Without a place: the generic actor, with no country.
    placeless = resolver.resolve(_candidate("Protesters", "", None))
    assert placeless is not None and placeless.source[0].id == "generic:CVL", placeless
    # A named actor wins over the generic noun; troops are not assumed to be the host's.
    named = resolver.resolve(_candidate("Iraqi protesters", "", "IRQ"))
    assert named is not None and named.source[0].id == "IRQ", named
    assert resolver.resolve(_candidate("Troops", "", "IRQ")) is None


def test_coding_actors_an_unplaced_event_takes_its_actors_country_flagged(
    resolver: ActorResolver,
) -> None:
    # An attack is where its target is.
    event = resolver.resolve(_candidate("Islamic State militants", "the Iraqi army", None))
    assert event is not None and event.location is not None, "no place from the actors"
    assert (event.location.country, event.location.precision, event.location.basis) == (
        "IRQ",
        3,
        "actor",
    ), event.location
    assert event.location.raw == event.target[0].text, "raw is not the actor as written"
    # Anything else is where its source acts: a sanction is imposed at home.
    sanction = replace(
        _candidate("the United States", "Iran", None), event_type="SANCTION", mode=None
    )
    placed = resolver.resolve(sanction)
    assert placed is not None and placed.location is not None
    assert placed.location.country == "USA", placed.location
    # A place the article names is kept as it is.
    named = resolver.resolve(_candidate("Gunmen", "the Iraqi army", "AFG"))
    assert named is not None and named.location is not None
    assert (named.location.country, named.location.basis) == ("AFG", "text"), named.location
