"""Rule-based event coder over spaCy dependency parses (stage ``coding.events.rules.v1``).

For each trigger (a verb or noun in the lexicon) the coder reads its arguments from the
parse: the source is the grammatical agent (the ``by`` phrase in the passive), the target
the patient or a prepositional object (against, on, at...). It also reads realis from
the trigger's context ("did not attack" is negated, "threatened to strike" threatened,
"denied involvement in the attacks" denied) and a death toll for assaults. Calls on
someone else to act ("urged supporters to storm the embassy") are coded as the caller's
REQUEST only, never as the act itself.

The coder returns ``EventCandidate`` records with argument *phrases*; turning phrases
into actors is the actor resolver's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from redline.coding.dates import TimeExpression, nearest
from redline.coding.dates import find as find_dates
from redline.coding.lexicon import (
    NUMBER_WORDS,
    ModeCue,
    Trigger,
    inflections,
    lemma,
    load_contexts,
    load_modes,
    load_triggers,
    pos,
    register_forms,
)
from redline.coding.mappings import lookup
from redline.coding.places import Found, Gazetteer
from redline.model import Article, EventCandidate, EventDate, Evidence, Realis

STAGE = "coding.events.rules.v1"

_TARGET_PREPS = ("against", "on", "at", "upon", "targeting", "toward", "towards", "into")
_PARTNER_PREPS = ("with", "to", "for", "from")
_LIGHT_VERBS = {
    "carry",
    "launch",
    "conduct",
    "mount",
    "stage",
    "impose",
    "order",
    "announce",
    "unleash",
    "execute",
    "perform",
    "make",
    "wage",
    "step",
    "level",
    "issue",
    "hold",
    "deliver",
    "sign",
    "begin",
    "start",
    "continue",
    "intensify",
    "escalate",
    "approve",
    "authorize",
    "slap",
    "extend",
    "tighten",
    "file",
    "lodge",
    "send",
    "give",
    "offer",
    "provide",
    "express",
}
_REQUEST_HEADS = {"urge", "call", "ask", "appeal", "demand", "encourage", "press", "push", "incite"}
_THREAT_HEADS = {"threaten", "vow", "warn", "swear", "threat"}
_FUTURE_HEADS = {
    "plan",
    "intend",
    "prepare",
    "aim",
    "expect",
    "decide",
    "consider",
    "seek",
    "agree",
    "pledge",
    "promise",
    "offer",
    "commit",
    "undertake",
}
_DENY_HEADS = {"deny", "denial", "refute"}
_CLAIM_HEADS = {"claim", "blame", "accuse", "attribute", "hold"}
_HEDGES = re.compile(
    r"\b(reportedly|allegedly|unconfirmed|purportedly|rumou?red|could not be "
    r"(independently )?(verified|confirmed)|were said to|was said to)\b",
    re.IGNORECASE,
)
_MODALS = {"could", "would", "might", "may", "should", "can"}
_SPEECH = {"say", "announce", "tell", "state", "add", "confirm", "declare", "write", "report"}
_NUMBERS = {**NUMBER_WORDS, "dozen": 12, "dozens": 24, "scores": 40, "hundreds": 200}
_PEOPLE = {
    "person",
    "people",
    "civilian",
    "soldier",
    "contractor",
    "fighter",
    "member",
    "militant",
    "officer",
    "troop",
    "child",
    "woman",
    "man",
    "worker",
    "passenger",
    "commander",
    "protester",
    "guard",
    "policeman",
    "citizen",
    "resident",
    "american",
    "iranian",
    "iraqi",
    "militiaman",
    "staff",
    "crew",
    "journalist",
    "servicemember",
    "personnel",
    "marine",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _number(token: Any) -> int | None:
    text = token.text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    return _NUMBERS.get(text)


def count_people(token: Any) -> int | None:
    """How many people a noun phrase headed by ``token`` denotes, if the text says."""
    for child in token.children:
        if child.dep_ == "nummod":
            value = _number(child)
            if value is not None:
                return value
    if pos(token) == "PROPN":
        return 1
    singular = lemma(token) in _PEOPLE or token.tag_ == "NN"
    if singular and any(c.lower_ in {"a", "an", "one"} for c in token.children):
        return 1
    return None


def death_tolls(doc: Any) -> list[tuple[Any, int]]:
    """Each stated death toll in a sentence with the word that states it.

    "killing 25 fighters" gives (killing, 25); "a contractor was killed" gives (killed, 1).
    """
    tolls: list[tuple[Any, int]] = []
    for token in doc:
        word = lemma(token)
        victims: list[Any] = []
        if word == "kill" and pos(token) == "VERB":
            passive = any(c.dep_ == "auxpass" for c in token.children)
            victims = [
                c
                for c in token.children
                if (passive and c.dep_ == "nsubjpass") or (not passive and c.dep_ == "dobj")
            ]
            if token.dep_ == "acl" and token.tag_ == "VBN" and not victims:
                victims.append(token.head)
        elif word == "die" and pos(token) == "VERB":
            victims = [c for c in token.children if c.dep_ == "nsubj"]
        elif word in {"dead", "death", "toll"}:
            victims = [c for c in token.children if c.dep_ in {"nummod", "pobj"}]
            if token.dep_ == "acomp":
                victims += [c for c in token.head.children if c.dep_ == "nsubj"]
        counts = [_number(v) if v.dep_ == "nummod" else count_people(v) for v in victims]
        known = [c for c in counts if c is not None]
        if known:
            tolls.append((token, max(known)))
    return tolls


def fatalities(
    doc: Any,
    trigger: Any = None,
    others: Sequence[Any] = (),
    tolls: list[tuple[Any, int]] | None = None,
) -> int | None:
    """The death toll a sentence states for an event, or for the sentence as a whole.

    With a trigger, only tolls tied to it count: the trigger itself ("killed"), a clause
    under it ("an attack that killed", "fired rockets, killing"), the verb it is the
    subject of ("an attack killed") or the verb it sits under ("killed in an attack").
    A toll under another assault trigger (``others``) belongs to that one: in "strikes
    came two days after a rocket attack killed a contractor" the death is the attack's.
    """
    best: int | None = None
    for word, count in death_tolls(doc) if tolls is None else tolls:
        if trigger is not None and not _owns(trigger, word, others):
            continue
        best = count if best is None else max(best, count)
    return best


def _owns(trigger: Any, word: Any, others: Sequence[Any]) -> bool:
    if word.i == trigger.i:
        return True
    if trigger.dep_ in {"nsubj", "nsubjpass"} and trigger.head.i == word.i:
        return True
    rivals = [o for o in others if o.i != trigger.i]
    if trigger.is_ancestor(word):
        # The nearest assault trigger above the toll word owns it; the toll word itself
        # ("killed") does not count as a rival, but an assault that is its subject does.
        if any(r.head.i == word.i and r.dep_ in {"nsubj", "nsubjpass"} for r in rivals):
            return False
        node = word.head
        while node.i != trigger.i:
            if any(r.i == node.i for r in rivals):
                return False
            node = node.head
        return True
    if word.is_ancestor(trigger):
        return not any(word.is_ancestor(r) and r.is_ancestor(trigger) for r in rivals)
    return False


def _earlier_time(
    text: str, seen: int, start: int, published: date, basis: str
) -> EventDate | None:
    """The time of the last dated sentence between offsets ``seen`` (where the story was
    read to) and ``start`` of an article.

    Sentences without a trigger word are never parsed, so "On 1 February, militiamen fought
    the army. Three were killed." would leave the deaths undated without this look back.
    """
    window = text[max(seen, start - 2000) : start]
    for part in reversed(re.split(r"(?<=[.!?])\s+", window)):
        expressions = find_dates(part, published)
        if expressions:
            return nearest(part, expressions, 0, published, basis=basis)
    return None


def _surest(places: Sequence[Found]) -> Found:
    """The place a story goes on at: a site or a place written with its region before a
    bare name, a town before a region or country. A dateline counts as a town here: a
    sentence that names no place is more often about the reporter's city than the one a
    sentence before named ("TEHRAN — ... killed in Baghdad. The council met.")."""
    return min(places, key=lambda f: (min(f.tier, 1), f.place.precision or 3))


class _Story:
    """An article's countries and regions (they settle ambiguous place names), last place
    and last time."""

    __slots__ = ("countries", "regions", "scene", "seen", "when")

    def __init__(self, countries: set[str]) -> None:
        self.countries = countries
        self.regions: set[tuple[str, str]] = set()
        """The (country, region) pairs of places written with their region so far."""
        self.scene: Found | None = None
        self.when: EventDate | None = None
        self.seen = 0
        """Where the article has been read to, so an undated story is not read again."""


class RuleCoder:
    """Stage ``coding.events.rules.v1``: parsed sentences in, event candidates out.

    Args:
        lexicon: path of a lexicon CSV (the packaged one by default).
        modes: path of a mode-cue CSV (the packaged one by default).
        now: the clock, used to date articles that have no publication date.
    """

    name = STAGE
    consumes: Any = None
    produces = EventCandidate

    def __init__(
        self,
        *,
        lexicon: str | Path | None = None,
        modes: str | Path | None = None,
        now: Callable[[], datetime] = _now,
    ) -> None:
        from redline.nlp.parse import ParsedSentence

        self.consumes = ParsedSentence
        self.now = now
        self.verbs: dict[str, list[Trigger]] = {}
        self.nouns: dict[str, list[Trigger]] = {}
        for trigger in load_triggers(lexicon):
            table = self.verbs if trigger.pos == "VERB" else self.nouns
            table.setdefault(trigger.lemma, []).append(trigger)
        for table in (self.verbs, self.nouns):
            for triggers in table.values():
                triggers.sort(key=lambda t: not t.needs)
        self.cues: list[ModeCue] = load_modes(modes)
        self.contexts: dict[str, str] = load_contexts()
        self.gazetteer = Gazetteer.builtin()
        self._stories: dict[str, _Story] = {}
        forms: set[str] = set()
        for entry in [*self.verbs, *self.nouns]:
            forms |= inflections(entry.split()[0])
        self._forms = frozenset(forms)
        words = {w for entry in [*self.verbs, *self.nouns] for w in entry.split()}
        words |= {cue.lemma for cue in self.cues} | {
            n for t in self.verbs.values() for x in t for n in x.needs
        }
        words |= {n for t in self.nouns.values() for x in t for n in x.needs}
        words |= _LIGHT_VERBS | _REQUEST_HEADS | _THREAT_HEADS | _FUTURE_HEADS | _DENY_HEADS
        words |= _CLAIM_HEADS | _SPEECH | _PEOPLE | {"kill", "die", "dead", "death", "toll"}
        words |= set(self.contexts)
        register_forms(words)
        self._context_forms = frozenset(f for w in self.contexts for f in inflections(w))
        # Every word a trigger can end in (its lemma, a noun's plural, a compound's head).
        heads = {entry.split()[0] for entry in self.verbs} | {e.split()[-1] for e in self.nouns}
        self._heads = frozenset(heads | {f for w in heads for f in inflections(w)})

    def may_hold_event(self, text: str) -> bool:
        """Cheap prefilter: does any word of ``text`` look like a trigger?"""
        return any(word in self._forms for word in re.findall(r"[a-z]+", text.lower()))

    def __call__(self, batch: Sequence[Any]) -> list[EventCandidate]:
        out: list[EventCandidate] = []
        for parsed in batch:
            out.extend(self.code(parsed.article, parsed.sentence, parsed.doc))
        return out

    # -- triggers ------------------------------------------------------------------------

    def _match(self, token: Any) -> Trigger | None:
        word = lemma(token)
        surface = token.lower_
        # Most tokens are no trigger at all: reject them before looking at their children.
        if word not in self._heads and surface not in self._heads:
            return None
        if token.text == "March" and _beside_number(token):
            return None  # "on 3 March 2022" is a date, not a march
        children = {lemma(c) for c in token.children} | {c.lower_ for c in token.children}
        # "took to the streets", "set houses on fire": the word a trigger needs may be the
        # object of one of its prepositions.
        children |= {lemma(g) for c in token.children if c.lower_ in _THROUGH for g in c.children}
        # "gathered in support of", "fired in the direction of": a purpose or aim phrase.
        children |= {
            w
            for c in token.children
            if c.lower_ == "in"
            for g in c.children
            if (w := lemma(g)) in _IN_PURPOSE
        }
        candidates: list[Trigger] = []
        if pos(token) in {"VERB", "AUX"} or (pos(token) == "NOUN" and token.tag_.startswith("VB")):
            for particle in (c for c in token.children if c.dep_ == "prt"):
                candidates += self.verbs.get(f"{word} {particle.lower_}", [])
            candidates += self.verbs.get(word, [])
        elif pos(token) in {"NOUN", "PROPN"}:
            for key in dict.fromkeys((word, surface, surface.removesuffix("s"))):
                candidates += self.nouns.get(key, [])
            for child in token.children:
                if child.dep_ == "compound":
                    candidates = self.nouns.get(f"{lemma(child)} {word}", []) + candidates
        for trigger in candidates:
            if not trigger.needs or trigger.needs & children:
                return trigger
        return None

    def _story(self, article: Article) -> _Story:
        """What the coder remembers of an article between its sentences."""
        story = self._stories.get(article.id)
        if story is None:
            story = _Story(self.gazetteer.named_countries(article.text))
            self._stories[article.id] = story
            while len(self._stories) > 256:
                del self._stories[next(iter(self._stories))]
        return story

    def code(self, article: Article, sentence: Any, doc: Any) -> list[EventCandidate]:
        """All event candidates of one parsed sentence."""
        published = (article.published_at or article.ingested_at).date()
        basis = "publication" if article.published_at else "ingest"
        hedged = bool(_HEDGES.search(doc.text))
        contexts = tuple(
            dict.fromkeys(
                self.contexts[word]
                for word in (lemma(t) for t in doc if t.lower_ in self._context_forms)
                if word in self.contexts
            )
        )
        found: list[tuple[Any, Trigger]] = []
        for token in doc:
            trigger = self._match(token)
            if trigger is not None:
                found.append((token, trigger))
        by_index = {t.i: trig for t, trig in found}
        assaults = [t for t, trig in found if trig.event_type == "ASSAULT"]
        # Both are per sentence, not per trigger.
        tolls = death_tolls(doc) if assaults else []
        story = self._story(article)
        if story.when is None:
            story.when = _earlier_time(article.text, story.seen, sentence.start, published, basis)
        if story.scene is None and sentence.start > story.seen:
            # A sentence that is never parsed (no trigger word) still sets the scene: "...
            # tried to cross the river near Bilohorivka, Luhansk region. Ukrainian forces
            # destroyed 80 vehicles."
            window = article.text[max(story.seen, sentence.start - 2000) : sentence.start]
            earlier = self.gazetteer.places(window, story.countries, story.regions)
            if earlier:
                story.scene = _surest(earlier)
        story.seen = max(story.seen, sentence.end)
        since = story.when.value if story.when and story.when.precision == "day" else None
        expressions = find_dates(doc.text, published, since)
        places = self.gazetteer.places(doc.text, story.countries, story.regions)
        story.regions |= {
            (f.place.country, f.place.admin1)
            for f in places
            if f.tier <= 0 and f.place.country and f.place.admin1
        }
        if places:
            story.scene = _surest(places)
        elif story.scene is not None:
            # A sentence that names no place goes on where the story last was.
            places = [story.scene]
        if expressions:
            story.when = nearest(doc.text, expressions, 0, published, basis=basis)
        out: list[EventCandidate] = []
        tokens: list[Any] = []
        for token, trigger in found:
            if self._is_requested(token, found):
                continue
            partner = self._noun_partner(token, trigger, by_index)
            if partner is not None:
                # "carried out airstrikes", "an attack killed": the noun is the event.
                continue
            if self._is_document(token, trigger, by_index):
                continue
            verb = self._governing_verb(token, trigger, by_index)
            if trigger.pos == "VERB":
                sources, targets, instruments = self._verb_arguments(token, trigger)
            else:
                sources, targets, instruments = self._noun_arguments(token, verb)
            realis, attributed = self._realis(token, hedged, verb)
            lead = _fronted(doc.text, expressions)
            if lead is not None and _in_main_clause(token):
                # "On 3 March 2022, protesters gathered ... against the war, which began on
                # February 24": a date put before the clause dates the clause.
                when = EventDate(
                    value=lead.value,
                    precision=lead.precision,
                    raw=doc.text[lead.start : lead.end],
                    end=lead.end_value,
                    basis=basis,
                )
            else:
                when = nearest(doc.text, expressions, token.idx, published, basis=basis)
            if when.fallback and story.when is not None:
                # A sentence that names no time goes on at the story's last time.
                when = replace(story.when, basis="story")
            if attributed is not None:
                sources = [attributed, *sources]
            mode = (
                trigger.mode
                or (by_index[verb.i].mode if verb is not None and verb.i in by_index else None)
                or self._mode(token, trigger.event_type, instruments)
            )
            event_type = trigger.event_type
            if event_type == "ASSAULT" and _crowd(sources):
                # Protesters storming a compound or throwing stones: PLOVER codes a violent
                # demonstration as PROTEST (riot), as ACLED codes it as a riot.
                event_type, mode = "PROTEST", "riot"
            start = sentence.start
            candidate = EventCandidate(
                article_id=article.id,
                event_type=event_type,
                mode=mode,
                realis=realis,
                source_text=tuple(_phrase(t) for t in sources if t is not None),
                target_text=tuple(_phrase(t) for t in targets if t is not None),
                evidence=Evidence(
                    article_id=article.id,
                    sentence=sentence.index,
                    start=start,
                    end=sentence.end,
                    quote=sentence.text,
                    trigger=f"{token.text}@{start + token.idx}",
                ),
                date=when,
                fatalities=(
                    fatalities(doc, token, assaults, tolls) if event_type == "ASSAULT" else None
                ),
                context=contexts,
                location=self.gazetteer.pick(places, token.idx),
                cameo=(mapping := lookup(event_type, mode)).cameo,
                intensity=mapping.goldstein,
                coder=STAGE,
            )
            out.append(candidate)
            tokens.append(token)
            commitment = _commitment(candidate)
            if commitment is not None:
                out.append(commitment)
                tokens.append(token)
        if len({t.i for t in tokens}) > 1 and len(places) > 1:
            out = self._places_apart(out, tokens, places)
        return out

    def _places_apart(
        self, out: list[EventCandidate], tokens: list[Any], places: list[Found]
    ) -> list[EventCandidate]:
        """Several events in one sentence: a place goes to the event whose clause holds it
        ("air strikes across Iraq, a day after a rocket attack killed two at Camp Taji").
        An event whose clause names no place ("..., killing two") keeps the best of all.
        """
        roots = {t.i: _clause(t) for t in tokens}
        scopes: dict[int, set[int]] = {}
        for token in tokens:
            root = roots[token.i]
            scope = {x.i for x in root.subtree}
            for other in tokens:
                inner = roots[other.i]
                if inner.i != root.i and inner.i in scope:
                    scope -= {x.i for x in inner.subtree}
            scopes[token.i] = scope
        doc = tokens[0].doc
        at = {f.start: doc.char_span(f.start, f.end, alignment_mode="expand") for f in places}
        placed = []
        for candidate, token in zip(out, tokens, strict=True):
            mine = [
                f
                for f in places
                if (span := at[f.start]) is not None and span.root.i in scopes[token.i]
            ]
            if (
                candidate.event_type == "PROTEST"
                and all(f.tier >= 2 for f in mine)
                and any(f.tier < 2 for f in places)
            ):
                # A country in a protest's clause is what it is about ("in Tinaco,
                # demonstrators protested ... in solidarity with the people of Ukraine"):
                # the protest is where the sentence's town is.
                mine = []
            placed.append(
                replace(candidate, location=self.gazetteer.pick(mine or places, token.idx))
            )
        return placed

    def _is_requested(self, token: Any, found: list[tuple[Any, Trigger]]) -> bool:
        """True when the trigger is what a REQUEST asks someone else to do."""
        requesters = {t.i for t, trig in found if trig.event_type == "REQUEST"}
        current = token
        for _ in range(4):
            if current.dep_ not in {"xcomp", "ccomp", "pobj", "pcomp", "prep", "advcl", "dobj"}:
                return False
            current = current.head
            if current.i in requesters or lemma(current) in _REQUEST_HEADS:
                return bool(current.i != token.i)
        return False

    @staticmethod
    def _noun_partner(token: Any, trigger: Trigger, by_index: dict[int, Trigger]) -> Any:
        """For a verb trigger, a same-type noun trigger it governs as object or subject."""
        if trigger.pos != "VERB":
            return None
        for child in token.children:
            other = by_index.get(child.i)
            if (
                other is not None
                and other.pos == "NOUN"
                and other.event_type == trigger.event_type
                and child.dep_ in {"dobj", "nsubj", "nsubjpass", "attr"}
            ):
                return child
        return None

    @staticmethod
    def _is_document(token: Any, trigger: Trigger, by_index: dict[int, Trigger]) -> bool:
        """ "signed an agreement", "rejected the talks": the noun names the verb's object,
        not a second event."""
        if trigger.pos != "NOUN" or trigger.event_type not in {"AGREE", "CONSULT"}:
            return False
        head = by_index.get(token.head.i)
        return bool(
            token.dep_ in {"dobj", "pobj"}
            and head is not None
            and head.event_type != trigger.event_type
        )

    @staticmethod
    def _governing_verb(token: Any, trigger: Trigger, by_index: dict[int, Trigger]) -> Any:
        """For a noun trigger, the light or same-type verb whose argument it is."""
        if trigger.pos != "NOUN" or token.dep_ not in {"dobj", "nsubj", "nsubjpass", "attr"}:
            return None
        head = token.head
        other = by_index.get(head.i)
        same = other is not None and other.event_type == trigger.event_type
        if same or lemma(head) in _LIGHT_VERBS:
            return head
        return None

    # -- arguments -----------------------------------------------------------------------

    def _is_instrument(self, token: Any, event_type: str) -> bool:
        """A weapon named as object or subject ("fired rockets", "jets struck")."""
        if event_type != "ASSAULT":
            return False
        word = lemma(token)
        return any(c.lemma == word and c.event_type == event_type for c in self.cues)

    def _verb_arguments(
        self, verb: Any, trigger: Trigger
    ) -> tuple[list[Any], list[Any], list[Any]]:
        children = list(verb.children)
        passive = any(c.dep_ in {"auxpass", "nsubjpass"} for c in children)
        sources: list[Any] = []
        targets: list[Any] = []
        instruments: list[Any] = []
        if passive:
            for child in children:
                if child.dep_ == "agent":
                    sources += [g for g in child.children if g.dep_ == "pobj"]
                elif child.dep_ == "nsubjpass":
                    targets.append(child)
        else:
            sources += [c for c in children if c.dep_ in {"nsubj", "csubj"}]
            for child in children:
                if child.dep_ in {"dobj", "dative"}:
                    if self._is_instrument(child, trigger.event_type):
                        instruments.append(child)
                    else:
                        targets.append(child)
        for child in children:
            if child.dep_ == "prep":
                preposition = child.lower_
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if preposition in _TARGET_PREPS or preposition in _PARTNER_PREPS:
                    targets += objects
                elif preposition == "in" and any(lemma(o) == "direction" for o in objects):
                    # "fired in the direction of Azerbaijani positions": aimed at them.
                    targets += [
                        g
                        for o in objects
                        for p in o.children
                        if p.lower_ == "of"
                        for g in p.children
                        if g.dep_ == "pobj"
                    ]
                elif preposition == "by" and not sources:
                    sources += objects
            elif child.dep_ == "agent" and not passive:
                sources += [g for g in child.children if g.dep_ == "pobj"]
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            targets.append(verb.head)
        if not sources:
            sources += self._inherited_subject(verb)
        for source in list(sources):
            if self._is_instrument(source, trigger.event_type):
                # "Rockets fired by militias hit...": the actor is the agent of the weapon;
                # "American jets struck...": the weapon's modifiers name it.
                instruments.append(source)
                sources.remove(source)
                sources += [g for c in source.children if c.dep_ == "acl" for g in _agents(c)]
                sources.append(source)
        inner = _TARGET_PREPS if trigger.event_type == "ASSAULT" else (*_TARGET_PREPS, "with", "to")
        for target in [*targets, *instruments]:
            targets += [
                g
                for c in target.children
                if c.dep_ == "prep" and c.lower_ in inner
                for g in c.children
                if g.dep_ == "pobj"
            ]
        if not targets:
            # "threatened to attack Rohan": the target is the object of the intended act.
            for clause in (c for c in children if c.dep_ == "xcomp"):
                targets += [c for c in clause.children if c.dep_ == "dobj"]
                targets += [
                    g
                    for c in clause.children
                    if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
        return sources, targets, instruments

    @staticmethod
    def _inherited_subject(verb: Any) -> list[Any]:
        """Subject of a verb that has none of its own: conjuncts, xcomp, participles."""
        current = verb
        for _ in range(4):
            if current.dep_ == "relcl":
                return [current.head]
            if current.dep_ not in {"conj", "xcomp", "advcl", "ccomp", "acl"}:
                return []
            head = current.head
            subjects = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if current.dep_ == "acl":
                return [g for c in current.children if c.dep_ == "agent" for g in c.children]
            if subjects:
                if current.dep_ == "advcl" and current.tag_ == "VBG":
                    return subjects
                if current.dep_ in {"conj", "xcomp"}:
                    return subjects
                return []
            current = head
        return []

    def _noun_arguments(self, noun: Any, verb: Any) -> tuple[list[Any], list[Any], list[Any]]:
        sources: list[Any] = []
        targets: list[Any] = []
        instruments: list[Any] = []
        for child in noun.children:
            if child.dep_ == "prep":
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if child.lower_ == "by":
                    sources += objects
                elif child.lower_ in _TARGET_PREPS or child.lower_ in {"with", "to", "for"}:
                    targets += objects
            elif child.dep_ in {"poss", "compound", "amod", "nmod"}:
                sources.append(child)
            elif child.dep_ == "acl":
                for grandchild in child.children:
                    if grandchild.dep_ == "dobj" or grandchild.lower_ in {"targeting"}:
                        targets.append(grandchild)
                    if grandchild.dep_ == "agent":
                        sources += [g for g in grandchild.children if g.dep_ == "pobj"]
        head = noun.head
        if verb is not None and noun.dep_ in {"dobj", "nsubjpass", "attr"}:
            sources += [c for c in head.children if c.dep_ == "nsubj"]
            sources += [
                g
                for c in head.children
                if c.dep_ == "agent"
                for g in c.children
                if g.dep_ == "pobj"
            ]
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in (*_TARGET_PREPS, "to", "with"):
                    targets += [g for g in child.children if g.dep_ == "pobj"]
            if not sources:
                sources += self._inherited_subject(head)
        elif noun.dep_ == "nsubj":
            for child in head.children:
                if child.dep_ == "dobj":
                    targets.append(child)
        return sources, targets, instruments

    # -- realis and mode -----------------------------------------------------------------

    def _realis(self, token: Any, hedged: bool, verb: Any = None) -> tuple[Realis, Any]:
        """Realis of a trigger, and the actor a claim attributes it to (if any).

        A noun trigger carried by a verb ("did not carry out strikes") reads negation,
        modals and conditions off that verb.
        """
        children = list(token.children) + (list(verb.children) if verb is not None else [])
        if any(c.dep_ == "neg" for c in children) or any(
            c.lower_ in {"no", "never"} and c.dep_ in {"det", "neg", "advmod"} for c in children
        ):
            return Realis.NEGATED, None
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in children):
            return Realis.HYPOTHETICAL, None
        modals = {c.lower_ for c in children if c.dep_ == "aux"}
        if modals & {"will", "shall", "'ll"} or (
            modals & {"would"} and self._reported_speech(verb if verb is not None else token)
        ):
            return Realis.FUTURE, None
        if modals & _MODALS:
            return Realis.HYPOTHETICAL, None
        current = verb if verb is not None else token
        for _ in range(5):
            if current.dep_ in {"ROOT"} or current.head is current:
                break
            head = current.head
            word = lemma(head)
            if word in _DENY_HEADS:
                subjects = [c for c in head.children if c.dep_ == "nsubj"]
                return Realis.DENIED, (subjects[0] if subjects else None)
            if word in _THREAT_HEADS and current.dep_ in {
                "xcomp",
                "ccomp",
                "dobj",
                "pobj",
                "prep",
            }:
                return Realis.THREATENED, None
            if word in _FUTURE_HEADS and current.dep_ in {"xcomp", "dobj", "pobj", "prep"}:
                return Realis.FUTURE, None
            if word in _CLAIM_HEADS and any(c.dep_ == "neg" for c in head.children):
                # "X did not claim the attack": the attack stands, unattributed.
                return Realis.ASSERTED, None
            if word in _CLAIM_HEADS and current.dep_ in {"dobj", "pobj", "prep", "ccomp"}:
                claimants = [c for c in head.children if c.dep_ in {"dobj"} and c is not current]
                if word in {"claim"}:
                    subjects = [c for c in head.children if c.dep_ == "nsubj"]
                    return Realis.CLAIMED, (subjects[0] if subjects else None)
                if claimants:
                    return Realis.CLAIMED, claimants[0]
            if any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in head.children):
                return Realis.HYPOTHETICAL, None
            current = head
        if hedged:
            return Realis.REPORTED, None
        return Realis.ASSERTED, None

    @staticmethod
    def _reported_speech(token: Any) -> bool:
        """ "X said the Pentagon would deploy forces": 'would' reports a plan, not a condition."""
        current = token
        for _ in range(3):
            if current.dep_ not in {"ccomp", "conj"}:
                return False
            current = current.head
            if lemma(current) in _SPEECH:
                return True
        return False

    def _mode(self, token: Any, event_type: str, instruments: Iterable[Any]) -> str | None:
        """Mode from cue words around the trigger ("rocket attack", "fired missiles")."""
        nearby = {lemma(token)}
        for item in [token, *instruments]:
            nearby |= {lemma(t) for t in item.subtree if t.i - item.i < 6}
            nearby |= {t.lower_ for t in item.subtree if t.i - item.i < 6}
        for cue in self.cues:
            if cue.event_type == event_type and cue.lemma in nearby:
                return cue.mode
        return None


def _agents(verb: Any) -> list[Any]:
    return [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]


_CUT = {"relcl", "acl", "advcl", "appos", "punct", "prep", "cc", "conj", "det"}


def _phrase(token: Any) -> str:
    """The argument phrase of a head token: its modifiers, conjuncts and 'of' phrases.

    Relative clauses, appositions and locative prepositional phrases are cut so that
    "five sites used by the group in Iraq" does not name Iraq as the target.
    """
    keep: list[Any] = []

    def walk(node: Any) -> None:
        keep.append(node)
        for child in node.children:
            of_phrase = child.dep_ == "prep" and child.lower_ == "of"
            if child.dep_ in {"conj", "cc"} or of_phrase or child.dep_ not in _CUT:
                walk(child)

    walk(token)
    kept = {t.i for t in keep}
    # A conjunct reached across a cut phrase is a parser attachment error ("against KH in
    # Iraq and Syria" attaches Syria to KH): drop it and everything under it.
    for node in list(keep):
        if node.dep_ == "conj" and node.head.i in kept:
            low, high = sorted((node.head.i, node.i))
            gap = [
                t
                for t in node.doc[low + 1 : high]
                if t.i not in kept and t.dep_ not in {"cc", "punct"}
            ]
            if gap:
                dropped = {t.i for t in node.subtree}
                keep = [t for t in keep if t.i not in dropped]
    keep.sort(key=lambda t: t.i)
    parts = []
    for position, item in enumerate(keep):
        adjacent = position + 1 < len(keep) and keep[position + 1].i == item.i + 1
        parts.append(item.text_with_ws if adjacent else item.text + " ")
    return "".join(parts).strip()


def _commitment(candidate: EventCandidate) -> EventCandidate | None:
    """The promise or threat a stated intention makes, as PLOVER codes it.

    "Portugal will support Turkey's bid" is a future SUPPORT and, now, an AGREE (intent to
    cooperate); "the party said it will boycott the elections" is a future PROTEST and,
    now, a THREATEN. The future act keeps its own realis; the commitment is asserted.
    """
    # A planned deployment is aimed at a place or an ally's request, not at its target.
    if candidate.realis is not Realis.FUTURE or candidate.event_type in {
        "AGREE",
        "THREATEN",
        "MOBILIZE",
    }:
        return None
    hostile = (candidate.intensity or 0.0) < 0
    event_type = "THREATEN" if hostile else "AGREE"
    mode = "violence" if hostile and candidate.event_type == "ASSAULT" else None
    mapping = lookup(event_type, mode)
    return replace(
        candidate,
        event_type=event_type,
        mode=mode,
        realis=Realis.ASSERTED,
        fatalities=None,
        cameo=mapping.cameo,
        intensity=mapping.goldstein,
    )


_CROWD = frozenset(
    {"protester", "protestor", "demonstrator", "crowd", "mob", "rioter", "marcher", "mourner"}
)


def _crowd(sources: Sequence[Any]) -> bool:
    """Whether the doer is a crowd of protesters (the head word of a source phrase)."""
    return any(t is not None and lemma(t) in _CROWD for t in sources)


def _clause(token: Any) -> Any:
    """The word whose phrase is an event's clause: a noun trigger's verb when the noun is
    its subject or object ("a rocket attack killed ..."), else the trigger itself."""
    head = token.head
    if (
        pos(token) in {"NOUN", "PROPN"}
        and token.dep_ in {"dobj", "nsubj", "nsubjpass", "attr"}
        and head.i != token.i
        and pos(head) in {"VERB", "AUX"}
    ):
        return head
    return token


_IN_PURPOSE = frozenset(
    {"support", "solidarity", "protest", "opposition", "direction", "battle", "fighting"}
)
"""Objects of "in" a trigger may need: "in support of", "in the direction of", "engaged in
a battle"."""
_THROUGH = frozenset({"to", "on"})
"""Prepositions whose object a trigger may need: "took to the streets", "set on fire"; not
"met at Turkey's request", which is no conceded demand."""
_LEAD_BEFORE = re.compile(
    r"^\s*(?:[A-Z][a-z]+(?: [a-z]+)?:\s*)?"
    r"(?:(?:on|around|in|by|late on|early on|from|between)\s+)?$",
    re.I,
)
_LEAD_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?,")
_SUBORDINATE = frozenset(
    {"relcl", "acl", "advcl", "ccomp", "xcomp", "pcomp", "csubj", "parataxis", "appos"}
)


def _fronted(text: str, expressions: Sequence[TimeExpression]) -> TimeExpression | None:
    """A time expression that opens the sentence and is set off by a comma."""
    if not expressions:
        return None
    first = expressions[0]
    if _LEAD_BEFORE.match(text[: first.start]) and _LEAD_AFTER.match(text[first.end :]):
        return first
    return None


def _in_main_clause(token: Any) -> bool:
    """Whether the trigger belongs to the sentence's main clause, not a clause inside it."""
    current = token
    for _ in range(40):
        if current.dep_ in _SUBORDINATE:
            return False
        if current.head.i == current.i:
            return True
        current = current.head
    return False


def _beside_number(token: Any) -> bool:
    doc = token.doc
    return any(0 <= i < len(doc) and doc[i].like_num for i in (token.i - 1, token.i + 1))
