"""Actor resolution: argument phrases to ``ActorRef`` records, with a reason for each.

The dictionary lives in ``redline/data/actors/``: ``countries.csv`` (every country with its
aliases, demonyms and capital), ``actors.csv`` (named groups, organs and people with date
ranges and sponsors) and ``agents.csv`` (generic nouns such as "troops" that give a
sector). A user file in the ``actors.csv`` format extends or overrides the built-in one.

Resolution is by the event's date: a person whose role has a date range resolves to that
role only inside it.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path

from redline.errors import ConfigError
from redline.model import GENERIC_PREFIX, ActorRef, Event, EventCandidate, Place

STAGE = "coding.actors.dictionary.v1"

COUNTRY_COLUMNS = ("iso3", "name", "aliases", "demonyms", "capital")
ACTOR_COLUMNS = ("id", "name", "aliases", "country", "sector", "type", "sponsors")
AGENT_COLUMNS = ("term", "sector")
GENERIC_SECTORS = frozenset(
    [
        "CVL",
        "UAF",
        "REB",
        "CRM",
        "JRN",
        "MED",
        "EDU",
        "LAB",
        "REF",
        "REL",
        "BUS",
        "AGR",
        "NGO",
        "OPP",
        "PTY",
    ]
)
"""Sectors whose generic nouns stand for people of the place where the event happened."""
_PROXY_WORDS = "backed|aligned|allied|sponsored|supported|funded|linked|affiliated|armed|trained"
_PROXY = re.compile(rf"^[-\s]?({_PROXY_WORDS})\b")
_PRO = re.compile(r"\bpro-?\s?$", re.IGNORECASE)


def in_range(when: date | None, start: date | None, end: date | None) -> bool:
    """True when ``when`` falls inside [start, end]; open ends and no date always match."""
    if when is None:
        return True
    if start and when < start:
        return False
    return not (end and when > end)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One row of the knowledge base: a named actor, or a country's state."""

    id: str
    name: str
    country: str | None
    sector: str | None
    type: str
    sponsors: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    origin: str

    def valid_on(self, when: date | None) -> bool:
        """True when the entry's date range covers ``when`` (or has no range)."""
        return in_range(when, self.valid_from, self.valid_to)


RELATIONS = ("sponsor", "part-of", "member-of", "umbrella")
"""Affiliation kinds. Sponsor and part-of edges lead up to the state a group rolls up to;
member-of and umbrella edges describe coalitions (a PMF brigade) without rolling up."""
ROLLUP_RELATIONS = frozenset({"sponsor", "part-of"})


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A dated, sourced edge of the affiliation graph (KH --sponsor--> Quds Force)."""

    actor: str
    relation: str
    parent: str
    valid_from: date | None
    valid_to: date | None
    confidence: str
    note: str
    origin: str

    def valid_on(self, when: date | None) -> bool:
        """True when the edge held on ``when`` (or has no dates)."""
        return in_range(when, self.valid_from, self.valid_to)


@dataclass(frozen=True, slots=True)
class Designation:
    """A listing of an actor by an authority (a terrorist-group designation), with dates."""

    actor: str
    authority: str
    designation: str
    valid_from: date | None
    valid_to: date | None
    note: str


@dataclass(frozen=True, slots=True)
class Alias:
    """A surface form and what it points to: ``kind`` is name/alias/demonym/capital."""

    text: str
    kind: str
    entry_id: str


@dataclass(frozen=True, slots=True)
class Match:
    """An alias found in a phrase."""

    start: int
    end: int
    alias: Alias
    options: tuple[Alias, ...] = ()


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _date(value: str | None, where: str, field: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{where}: field '{field}' is not an ISO date: {value!r}.") from None


def _rows(
    path: Path | str, text: str, required: Sequence[str]
) -> Iterable[tuple[str, dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}.")
    for number, row in enumerate(reader, start=2):
        where = f"{path}, row {number}"
        if None in row or any(value is None for value in row.values()):
            raise ConfigError(f"{where}: wrong number of fields.")
        yield where, row


def _is_case_sensitive(alias: str) -> bool:
    """Short all-caps aliases (US, UK, KH, IRGC) must not match ordinary words."""
    letters = alias.replace(".", "").replace("-", "")
    return len(letters) <= 5 and letters.isupper()


class ActorDictionary:
    """The loaded knowledge base: entries by id and one alias index over all of them.

    Example:
        >>> kb = ActorDictionary.builtin()
        >>> kb.entries("IRN")[0].name
        'Iran'
    """

    def __init__(self) -> None:
        self._entries: dict[str, list[ActorEntry]] = {}
        self._aliases: dict[str, list[Alias]] = {}
        self.agents: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None
        self._exact: re.Pattern[str] | None = None
        self._agent_pattern: re.Pattern[str] | None = None
        self._first_words: tuple[frozenset[str], frozenset[str]] | None = None
        self.affiliations: list[Affiliation] = []
        self.designations: list[Designation] = []

    @classmethod
    def builtin(cls, extra: Sequence[str | Path] = ()) -> ActorDictionary:
        """The shipped dictionary, extended by user actor files in ``extra``."""
        kb = cls()
        folder = resources.files("redline.data") / "actors"
        kb.load_countries("countries.csv", (folder / "countries.csv").read_text("utf-8"))
        kb.load_actors("actors.csv", (folder / "actors.csv").read_text("utf-8"))
        kb.load_agents("agents.csv", (folder / "agents.csv").read_text("utf-8"))
        kb.load_affiliations("affiliations.csv", (folder / "affiliations.csv").read_text("utf-8"))
        kb.load_designations("designations.csv", (folder / "designations.csv").read_text("utf-8"))
        for path in extra:
            file = Path(path)
            try:
                text = file.read_text("utf-8")
            except OSError as exc:
                raise ConfigError(f"Actor file {file} cannot be read: {exc.strerror}.") from None
            kb.load_actors(str(file), text, override=True)
        return kb

    def _add_alias(self, text: str, kind: str, entry_id: str) -> None:
        key = text if _is_case_sensitive(text) else text.lower()
        aliases = self._aliases.setdefault(key, [])
        if not any(a.entry_id == entry_id for a in aliases):
            aliases.append(Alias(text, kind, entry_id))
        self._pattern = self._exact = None
        self._first_words = None

    def load_countries(self, origin: str, text: str) -> None:
        """Load rows of ``iso3,name,aliases,demonyms,capital``."""
        for where, row in _rows(origin, text, COUNTRY_COLUMNS):
            iso3 = row["iso3"].strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", iso3):
                raise ConfigError(f"{where}: field 'iso3' must be three letters, got {iso3!r}.")
            name = row["name"].strip()
            if not name:
                raise ConfigError(f"{where}: field 'name' is empty.")
            entry = ActorEntry(iso3, name, iso3, None, "state", (), None, None, origin)
            self._entries[iso3] = [entry]
            self._add_alias(name, "name", iso3)
            for alias in _split(row["aliases"]):
                self._add_alias(alias, "alias", iso3)
            for demonym in _split(row["demonyms"]):
                self._add_alias(demonym, "demonym", iso3)
            for capital in _split(row["capital"]):
                self._add_alias(capital, "capital", iso3)

    def load_actors(self, origin: str, text: str, *, override: bool = False) -> None:
        """Load rows of ``id,name,aliases,country,sector,type,sponsors[,valid_from,valid_to]``.

        Rows sharing an id are the dated roles of one actor. With ``override``, ids in
        this file replace earlier entries with the same id.
        """
        self.load_actor_rows(origin, _rows(origin, text, ACTOR_COLUMNS), override=override)

    def load_actor_rows(
        self,
        origin: str,
        rows: Iterable[tuple[str, dict[str, str]]],
        *,
        override: bool = False,
    ) -> None:
        """Load (where, row) pairs in the ``actors.csv`` format, e.g. from a converter."""
        seen: set[str] = set()
        for where, row in rows:
            actor_id = row["id"].strip()
            if not actor_id:
                raise ConfigError(f"{where}: field 'id' is empty.")
            name = row["name"].strip()
            if not name:
                raise ConfigError(f"{where}: field 'name' is empty.")
            country = row["country"].strip().upper() or None
            if country and not re.fullmatch(r"[A-Z]{3}", country):
                raise ConfigError(
                    f"{where}: field 'country' must be an ISO3 code, got {row['country']!r}."
                )
            entry = ActorEntry(
                id=actor_id,
                name=name,
                country=country,
                sector=row["sector"].strip().upper() or None,
                type=row["type"].strip() or "organisation",
                sponsors=tuple(_split(row["sponsors"])),
                valid_from=_date(row.get("valid_from"), where, "valid_from"),
                valid_to=_date(row.get("valid_to"), where, "valid_to"),
                origin=origin,
            )
            if override and actor_id not in seen:
                # The user's row, with its own sponsors, replaces ours and our edges.
                self._entries.pop(actor_id, None)
                self.affiliations = [
                    a
                    for a in self.affiliations
                    if not (a.actor == actor_id and a.relation in ROLLUP_RELATIONS)
                ]
            seen.add(actor_id)
            self._entries.setdefault(actor_id, []).append(entry)
            self._add_alias(name, "name", actor_id)
            for alias in _split(row["aliases"]):
                self._add_alias(alias, "alias", actor_id)

    def load_agents(self, origin: str, text: str) -> None:
        """Load rows of ``term,sector``: generic nouns that name a sector."""
        for where, row in _rows(origin, text, AGENT_COLUMNS):
            term, sector = row["term"].strip().lower(), row["sector"].strip().upper()
            if not term or not sector:
                raise ConfigError(f"{where}: fields 'term' and 'sector' must not be empty.")
            self.agents[term] = sector
        self._agent_pattern = None

    def _known(self, actor_id: str) -> bool:
        return actor_id in self._entries

    def load_affiliations(self, origin: str, text: str) -> None:
        """Load rows of ``actor,relation,parent,valid_from,valid_to,confidence,note``."""
        columns = ("actor", "relation", "parent", "valid_from", "valid_to", "confidence", "note")
        for where, row in _rows(origin, text, columns):
            for field in ("actor", "parent"):
                if not self._known(row[field].strip()):
                    raise ConfigError(
                        f"{where}: field '{field}' names unknown actor {row[field]!r}."
                    )
            relation = row["relation"].strip()
            if relation not in RELATIONS:
                raise ConfigError(
                    f"{where}: field 'relation' must be one of {', '.join(RELATIONS)}, "
                    f"got {relation!r}."
                )
            self.affiliations.append(
                Affiliation(
                    actor=row["actor"].strip(),
                    relation=relation,
                    parent=row["parent"].strip(),
                    valid_from=_date(row["valid_from"], where, "valid_from"),
                    valid_to=_date(row["valid_to"], where, "valid_to"),
                    confidence=row["confidence"].strip() or "medium",
                    note=row["note"].strip(),
                    origin=origin,
                )
            )

    def load_designations(self, origin: str, text: str) -> None:
        """Load rows of ``actor,authority,designation,valid_from,valid_to,note``."""
        columns = ("actor", "authority", "designation", "valid_from", "valid_to", "note")
        for where, row in _rows(origin, text, columns):
            if not self._known(row["actor"].strip()):
                raise ConfigError(f"{where}: field 'actor' names unknown actor {row['actor']!r}.")
            self.designations.append(
                Designation(
                    actor=row["actor"].strip(),
                    authority=row["authority"].strip(),
                    designation=row["designation"].strip(),
                    valid_from=_date(row["valid_from"], where, "valid_from"),
                    valid_to=_date(row["valid_to"], where, "valid_to"),
                    note=row["note"].strip(),
                )
            )

    def affiliations_of(self, actor_id: str) -> list[Affiliation]:
        """Every affiliation edge that starts at ``actor_id``."""
        return [a for a in self.affiliations if a.actor == actor_id]

    def designations_of(self, actor_id: str) -> list[Designation]:
        """Every designation of ``actor_id``."""
        return [d for d in self.designations if d.actor == actor_id]

    def rollup(self, actor_id: str, when: date | None = None) -> str:
        """The state an actor rolls up to through sponsor and part-of edges (or itself)."""
        states = [a for a in self.sponsor_chain(actor_id, when) if re.fullmatch(r"[A-Z]{3}", a)]
        return states[-1] if states else actor_id

    def search(self, query: str = "") -> list[ActorEntry]:
        """Actors whose id, name or an alias contains ``query`` (case-blind), one row each."""
        needle = query.lower()
        found: dict[str, ActorEntry] = {}
        for alias in (a for aliases in self._aliases.values() for a in aliases):
            if needle in alias.text.lower() or needle in alias.entry_id.lower():
                rows = self._entries.get(alias.entry_id)
                if rows:
                    found.setdefault(alias.entry_id, rows[0])
        return sorted(found.values(), key=lambda e: (e.type != "state", e.id))

    def aliases_of(self, actor_id: str) -> list[str]:
        """Every surface form that resolves to ``actor_id``."""
        return [
            a.text for aliases in self._aliases.values() for a in aliases if a.entry_id == actor_id
        ]

    def entries(self, actor_id: str) -> list[ActorEntry]:
        """All rows (roles) of one actor id."""
        return list(self._entries.get(actor_id, []))

    def entry(self, actor_id: str, when: date | None = None) -> ActorEntry | None:
        """The row of ``actor_id`` valid on ``when``; an undated row as fallback."""
        rows = self._entries.get(actor_id, [])
        for row in rows:
            if row.valid_on(when) and (row.valid_from or row.valid_to):
                return row
        for row in rows:
            if row.valid_from is None and row.valid_to is None:
                return row
        if rows and when is not None:
            # A former official is still named after leaving office ("Soleimani" after his
            # death): take the role nearest in time.
            def distance(row: ActorEntry) -> int:
                if row.valid_to and when > row.valid_to:
                    return (when - row.valid_to).days
                if row.valid_from and when < row.valid_from:
                    return (row.valid_from - when).days
                return 0

            return min(rows, key=distance)
        return None

    def parents(self, actor_id: str, when: date | None = None) -> list[str]:
        """Direct sponsors: dated sponsor/part-of edges valid on ``when``, then the
        actor row's own ``sponsors`` column."""
        edges = [
            a.parent
            for a in self.affiliations
            if a.actor == actor_id and a.relation in ROLLUP_RELATIONS and a.valid_on(when)
        ]
        entry = self.entry(actor_id, when)
        return list(dict.fromkeys([*edges, *(entry.sponsors if entry else ())]))

    def sponsor_chain(self, actor_id: str, when: date | None = None) -> tuple[str, ...]:
        """Every sponsor up the chain, nearest first (KH -> Quds Force -> IRGC -> IRN)."""
        chain: list[str] = []
        frontier = [actor_id]
        while frontier:
            for sponsor in self.parents(frontier.pop(0), when):
                if sponsor not in chain and sponsor != actor_id:
                    chain.append(sponsor)
                    frontier.append(sponsor)
        return tuple(chain)

    def _compile(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        if self._pattern is None or self._exact is None:
            folded = sorted(
                (k for k in self._aliases if not _is_case_sensitive(k)), key=len, reverse=True
            )
            exact = sorted(
                (k for k in self._aliases if _is_case_sensitive(k)), key=len, reverse=True
            )
            boundary = (
                r"(?<![\w'’])(?:(?<=pro-)|(?<!-))({})"
                r"(?![\w’]|-(?!" + _PROXY_WORDS + r")|'(?!s\b)\w)"
            )
            self._pattern = re.compile(
                boundary.format("|".join(re.escape(a) for a in folded)), re.IGNORECASE
            )
            self._exact = re.compile(boundary.format("|".join(re.escape(a) for a in exact)))
        return self._pattern, self._exact

    def find(self, text: str) -> list[Match]:
        """Alias matches in ``text``, longest first where they overlap, in text order."""
        folded, exact = self._compile()
        text = text.replace("’", "'")
        found: list[Match] = []
        for pattern, fold in ((folded, True), (exact, False)):
            for m in pattern.finditer(text):
                key = m.group(1).lower() if fold else m.group(1)
                options = self._aliases.get(key, [])
                if options:
                    found.append(Match(m.start(1), m.end(1), options[0], tuple(options)))
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        chosen: list[Match] = []
        for match in found:
            if all(match.end <= c.start or match.start >= c.end for c in chosen):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)

    def _agents_in(self, text: str) -> list[str]:
        if self._agent_pattern is None:
            terms = sorted(self.agents, key=len, reverse=True)
            self._agent_pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)"
            )
        found: list[str] = self._agent_pattern.findall(text.lower())
        return found

    def agent(self, text: str) -> tuple[str, str] | None:
        """The longest generic agent term in ``text`` and its sector."""
        found = self._agents_in(text)
        if not found:
            return None
        term = max(found, key=len)
        return term, self.agents[term]

    def mentions_people(self, text: str) -> bool:
        """Does the text name generic people who stand for the place ("gunmen",
        "residents")? They make a sentence worth parsing, as an alias does."""
        return any(self.agents[term] in GENERIC_SECTORS for term in self._agents_in(text))

    def mentions_actor(self, text: str) -> bool:
        """Cheap prefilter: does any word of the text start a known alias?

        Generous by design (a first word is not a whole alias); it only decides which
        sentences are worth parsing.
        """
        if self._first_words is None:
            folded: set[str] = set()
            exact: set[str] = set()
            for key in self._aliases:
                # The longest word of an alias is its most distinctive ("the Pentagon").
                longest = max(re.split(r"[\s-]+", key.replace("’", "'")), key=len)
                (exact if _is_case_sensitive(key) else folded).add(longest.rstrip("."))
            self._first_words = (frozenset(folded), frozenset(exact))
        folded_words, exact_words = self._first_words
        for word in re.findall(r"[\w.'’]+", text.replace("-", " ")):
            word = word.replace("’", "'").rstrip(".")
            if word in exact_words or word.lower() in folded_words:
                return True
            if word.endswith("'s") and word[:-2].lower() in folded_words:
                return True
        return False


_WORDS = re.compile(r"[A-Za-z][A-Za-z'’.-]*")


class BreadthIndex:
    """The fallback layer: imported Phoenix persons and organisations, looked up by words.

    It is consulted only for a phrase the curated dictionary finds nothing in, and matches
    names of two or more words only (a lone surname is too often someone else). Lookup is
    by word n-grams in a dict, so its 36,000 rows cost nothing when unused.
    """

    def __init__(self, rows: Iterable[dict[str, str]], origin: str) -> None:
        self.origin = origin
        self._rows: dict[tuple[str, ...], list[dict[str, str]]] = {}
        for row in rows:
            for alias in _split(row["aliases"]):
                words = tuple(w.upper().rstrip(".") for w in _WORDS.findall(alias))
                if len(words) >= 2:
                    self._rows.setdefault(words, []).append(row)

    @classmethod
    def builtin(cls) -> BreadthIndex | None:
        """The shipped layer (``phoenix.csv.gz``), or ``None`` where it was not built."""
        import gzip

        resource = resources.files("redline.data") / "actors" / "phoenix.csv.gz"
        if not resource.is_file():
            return None
        text = gzip.decompress(resource.read_bytes()).decode("utf-8")
        return cls(csv.DictReader(text.splitlines()), "phoenix.csv.gz")

    def find(self, phrase: str, when: date | None) -> ActorRef | None:
        """The longest known name in ``phrase`` whose dated code holds on ``when``."""
        words = [w.upper().rstrip(".") for w in _WORDS.findall(phrase.replace("’", "'"))]
        for size in range(min(6, len(words)), 1, -1):
            for start in range(len(words) - size + 1):
                rows = self._rows.get(tuple(words[start : start + size]))
                if not rows:
                    continue
                valid = [
                    r
                    for r in rows
                    if in_range(
                        when,
                        _date(r["valid_from"], self.origin, "valid_from"),
                        _date(r["valid_to"], self.origin, "valid_to"),
                    )
                ]
                row = (valid or rows)[0]
                return ActorRef(
                    id=row["id"],
                    name=row["name"],
                    country=row["country"] or None,
                    sector=row["sector"] or None,
                    sponsors=(row["sponsors"],) if row["sponsors"] else (),
                    text=" ".join(words[start : start + size]).title(),
                    reason=f"imported Phoenix entry ({row['note']}), not reviewed",
                )
        return None


class ActorResolver:
    """Stage ``coding.actors.dictionary.v1``: event candidates in, events out.

    Each side's phrases are tried in order; the first phrase that names at least one actor
    gives that side (all actors in it: "the US and UK" is two). A candidate with no actor
    on either side is dropped.

    Args:
        dictionary: the knowledge base (defaults to the built-in one plus ``extra``).
        extra: user actor files that extend or override the built-in one.
    """

    name = STAGE
    consumes = EventCandidate
    produces = Event

    def __init__(
        self,
        *,
        dictionary: ActorDictionary | None = None,
        extra: Sequence[str | Path] = (),
        breadth: BreadthIndex | None = None,
    ) -> None:
        self.dictionary = dictionary or ActorDictionary.builtin(extra)
        # The fallback layer goes with the built-in dictionary only: tests and evaluations
        # that bring their own dictionary (fictional states) must not see real people.
        self.breadth = breadth if dictionary is not None else breadth or BreadthIndex.builtin()

    def __call__(self, batch: Sequence[EventCandidate]) -> list[Event]:
        groups: dict[tuple[object, ...], list[Event]] = {}
        for candidate in batch:
            event = self.resolve(candidate)
            if event is None:
                continue
            key = (
                event.article_id,
                event.evidence.sentence,
                event.event_type,
                event.realis,
                tuple(a.id for a in event.source),
            )
            groups.setdefault(key, []).append(event)
        return [event for group in groups.values() for event in _merge(group)]

    def resolve(self, candidate: EventCandidate) -> Event | None:
        """Resolve both sides of one candidate; ``None`` when neither names an actor."""
        when = candidate.date.value
        source = self._first(candidate.source_text, when)
        target = self._all(candidate.target_text, when, exclude={a.id for a in source})
        country = candidate.location.country if candidate.location is not None else None
        if not source:
            source = self._generic(candidate.source_text, country)
        if not target:
            target = self._generic(candidate.target_text, country)
        if not source and not target:
            return None
        evidence = candidate.evidence
        key = "\x1f".join(
            (
                candidate.article_id,
                str(evidence.sentence),
                str(evidence.start),
                str(evidence.end),
                evidence.trigger or "",
                candidate.event_type,
                candidate.coder,
            )
        )
        return Event(
            id=hashlib.sha256(key.encode("utf-8")).hexdigest()[:24],
            article_id=candidate.article_id,
            date=candidate.date,
            event_type=candidate.event_type,
            mode=candidate.mode,
            realis=candidate.realis,
            source=source,
            target=target,
            evidence=evidence,
            coder=candidate.coder,
            fatalities=candidate.fatalities,
            cameo=candidate.cameo,
            intensity=candidate.intensity,
            context=candidate.context,
            location=candidate.location or self._actor_place(candidate.event_type, source, target),
        )

    def _actor_place(
        self, event_type: str, source: Sequence[ActorRef], target: Sequence[ActorRef]
    ) -> Place | None:
        """Where an event is when its article names no place, flagged as read from the
        actors so that no one takes it for a place named: an attack or a coercion is where
        its target is ("IS militants attacked an Iraqi army position"), anything else
        where its source acts (a sanction is imposed in Washington, not in Tehran)."""
        at_target = event_type in {"ASSAULT", "COERCE"}
        for side in (target, source) if at_target else (source, target):
            for actor in side:
                if actor.country:
                    entry = self.dictionary.entry(actor.country)
                    return Place(
                        name=entry.name if entry is not None else actor.country,
                        country=actor.country,
                        precision=3,
                        raw=actor.text,
                        basis="actor",
                    )
        return None

    def _generic(self, phrases: Sequence[str], country: str | None) -> tuple[ActorRef, ...]:
        """A side named only by a generic noun ("gunmen", "residents"): the generic actor of
        that sector in the country where the event took place, as ACLED's "Protesters
        (India)". Sectors that belong to a state (troops, police, officials) are left out:
        troops in Iraq are often not Iraq's."""
        for phrase in phrases:
            agent = self.dictionary.agent(phrase)
            if agent is None or agent[1] not in GENERIC_SECTORS:
                continue
            term, sector = agent
            entry = self.dictionary.entry(country) if country else None
            label = term[:1].upper() + term[1:]
            return (
                ActorRef(
                    id=f"{GENERIC_PREFIX}{sector}" + (f":{country}" if country else ""),
                    name=f"{label} ({entry.name})" if entry else label,
                    country=country,
                    sector=sector,
                    text=term,
                    reason=f"generic agent '{term}' ({sector})"
                    + (f" in {country}, the country of the event's place" if country else ""),
                ),
            )
        return ()

    def _first(self, phrases: Sequence[str], when: date) -> tuple[ActorRef, ...]:
        for phrase in phrases:
            actors = self.resolve_phrase(phrase, when)
            if actors:
                return actors
        return ()

    def _all(self, phrases: Sequence[str], when: date, exclude: set[str]) -> tuple[ActorRef, ...]:
        """Targets: every actor named in any target phrase ("an attack on the base killed
        a U.S. contractor" hits both the base and the United States)."""
        found: dict[str, ActorRef] = {}
        for phrase in phrases:
            for actor in self.resolve_phrase(phrase, when):
                if actor.id not in exclude:
                    found.setdefault(actor.id, actor)
        return tuple(found.values())

    def resolve_phrase(self, phrase: str, when: date | None = None) -> tuple[ActorRef, ...]:
        """All actors named in one argument phrase, each with the reason it was chosen.

        Example:
            >>> ActorResolver().resolve_phrase("Iranian forces")[0].sector
            'MIL'
        """
        kb = self.dictionary
        text = phrase.replace("’", "'")
        matches = kb.find(text)
        if not matches:
            known = self.breadth.find(text, when) if self.breadth is not None else None
            if known is not None:
                return (known,)
            unknown = _unknown_group(text)
            return (unknown,) if unknown is not None else ()
        sponsors: list[str] = []
        kept: list[tuple[Match, ActorEntry]] = []
        for match in matches:
            after, before = text[match.end :], text[: match.start]
            # One alias can name several entries (a person's successive codes): take the
            # first valid on the event's date.
            entry = next(
                (e for a in match.options or (match.alias,) if (e := kb.entry(a.entry_id, when))),
                None,
            )
            if entry is None:
                continue
            if _PROXY.match(after) or _PRO.search(before):
                sponsors.append(entry.id)
                continue
            kept.append((match, entry))
        named = [m for m, e in kept if e.type != "state"]
        if named:
            kept = [(m, e) for m, e in kept if m in named or self._conjoined(text, m, named)]
        agent = kb.agent(text)
        actors: list[ActorRef] = []
        seen: set[str] = set()
        for match, entry in kept:
            if entry.id in seen:
                continue
            seen.add(entry.id)
            sector = entry.sector
            reason = f"{match.alias.kind} '{match.alias.text}' of {entry.id} ({entry.origin})"
            if entry.type == "state":
                if match.alias.kind == "capital":
                    sector = "GOV"
                    reason += ", capital as metonym for the government"
                elif agent is not None:
                    sector = agent[1]
                    reason += f", agent '{agent[0]}' gives sector {sector}"
            actors.append(
                ActorRef(
                    id=entry.id,
                    name=entry.name,
                    country=entry.country,
                    sector=sector,
                    sponsors=kb.sponsor_chain(entry.id, when),
                    text=text[match.start : match.end],
                    reason=reason,
                )
            )
        if not actors and not sponsors:
            unknown = _unknown_group(text)
            if unknown is not None:
                return (unknown,)
        if not actors and sponsors and agent is None:
            unknown = _unknown_group(text, tuple(sponsors))
            if unknown is not None:
                return (unknown,)
        if not actors and sponsors and agent is not None:
            sponsor_text = ", ".join(sponsors)
            actors.append(
                ActorRef(
                    id=f"{agent[1].lower()}:{'+'.join(sponsors)}",
                    name=f"{sponsor_text}-backed {agent[0]}",
                    sector=agent[1],
                    sponsors=tuple(sponsors),
                    text=phrase,
                    reason=f"unnamed {agent[0]} backed by {sponsor_text}",
                )
            )
        return tuple(actors)

    @staticmethod
    def _conjoined(text: str, match: Match, named: list[Match]) -> bool:
        """A country joined to a named actor by 'and' is a second actor, not a modifier."""
        for other in named:
            between = (
                text[match.end : other.start]
                if match.end <= other.start
                else text[other.end : match.start]
            )
            if re.fullmatch(r"\s*(,|and|,\s*and|or)\s*(the\s+)?", between):
                return True
        return False


def _merge(group: list[Event]) -> list[Event]:
    """One sentence often states one act twice ("fired rockets ..., killing a contractor").

    Within a group of same-sentence events with the same type, realis and source, events
    with the same targets are one event, and an event with no target is folded into one
    that has a target. The survivor takes a mode or death toll it lacked.
    """
    by_target: dict[tuple[str, ...], Event] = {}
    untargeted: list[Event] = []
    for event in group:
        targets = tuple(a.id for a in event.target)
        if not targets:
            untargeted.append(event)
        elif targets in by_target:
            by_target[targets] = _fill(by_target[targets], event)
        else:
            by_target[targets] = event
    if not by_target:
        merged = untargeted[0]
        for event in untargeted[1:]:
            merged = _fill(merged, event)
        return [merged]
    survivors = list(by_target.values())
    for event in untargeted:
        survivors[0] = _fill(survivors[0], event)
    return survivors


def _fill(event: Event, other: Event) -> Event:
    return replace(
        event,
        mode=event.mode or other.mode,
        fatalities=max(
            (f for f in (event.fatalities, other.fatalities) if f is not None), default=None
        ),
    )


_GROUP_WORDS = {
    "brigade": "PRM",
    "brigades": "PRM",
    "battalion": "PRM",
    "battalions": "PRM",
    "militia": "PRM",
    "saraya": "PRM",
    "kataib": "PRM",
    "kata'ib": "PRM",
    "liwa": "PRM",
    "asaib": "PRM",
    "harakat": "PRM",
    "hezbollah": "PRM",
    "hizballah": "PRM",
    "guards": "PRM",
    "front": "REB",
    "army": "REB",
    "jaish": "REB",
    "movement": "REB",
    "resistance": "REB",
    "ansar": "REB",
    "mujahideen": "REB",
    "liberation": "REB",
    "party": "PTY",
    "council": "GOV",
    "committee": "GOV",
    "alliance": "PTY",
    "organization": "NGO",
    "organisation": "NGO",
    "league": "PTY",
    "union": "NGO",
}
_NAME = re.compile(
    r"(?:^|\b(?:the|a|an)\s+)?((?:[A-Z][\w'’-]+|al-[\w'’-]+|of|the|al|bin|ibn)"
    r"(?:\s+(?:[A-Z][\w'’-]+|al-[\w'’-]+|of|the|al|bin|ibn|for|and))*)"
)


def _unknown_group(phrase: str, sponsors: tuple[str, ...] = ()) -> ActorRef | None:
    """A named group the dictionary does not know: "Saraya Awliya al-Dam", "the X Brigades".

    It becomes a new actor whose id is its name, with a sector guessed from its group word
    and any sponsor the phrase states ("an Iran-backed group called ...").
    """
    for match in _NAME.finditer(phrase):
        name = match.group(1).strip()
        words = name.replace("’", "'").split()
        while words and words[0].lower() in {"the", "of", "and", "for"}:
            words = words[1:]
        while words and words[-1].lower() in {"the", "of", "and", "for", "al", "bin", "ibn"}:
            words = words[:-1]
        capitals = [w for w in words if w[0].isupper()]
        kinds = [_GROUP_WORDS[w.lower()] for w in words if w.lower() in _GROUP_WORDS]
        if len(capitals) >= 2 and kinds:
            name = " ".join(words)
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            return ActorRef(
                id=f"new:{slug}",
                name=name,
                sector=kinds[0],
                sponsors=sponsors,
                text=name,
                reason=f"unknown named group '{name}' (not in the dictionary); sector from "
                "its name" + (f", backed by {', '.join(sponsors)}" if sponsors else ""),
            )
    return None
