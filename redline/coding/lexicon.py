"""The event-trigger lexicon and mode cues, loaded and validated from package data.

``lexicon.csv`` maps verb and noun lemmas (and phrasal verbs such as "shoot down") to a
PLOVER event type and, where the word says it, a mode. A ``needs`` list restricts a
trigger to uses where one of the listed lemmas depends on it ("fire" needs "rocket",
"at", ...). ``modes.csv`` lists cue lemmas that set the mode, most specific first.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from redline.errors import ConfigError
from redline.model import EVENT_TYPES

MODES: dict[str, frozenset[str]] = {
    "AGREE": frozenset(),
    "CONSULT": frozenset({"visit", "third-party", "multilateral", "phone"}),
    "SUPPORT": frozenset(),
    "CONCEDE": frozenset(),
    "COOPERATE": frozenset(),
    "AID": frozenset(),
    "RETREAT": frozenset(
        {"withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"}
    ),
    "REQUEST": frozenset({"assist", "change", "yield", "meet"}),
    "ACCUSE": frozenset({"disapprove", "investigate", "allege"}),
    "REJECT": frozenset({"assist", "change", "yield", "meet"}),
    "THREATEN": frozenset(
        {"violence", "restrict", "ban", "arrest", "relations", "rights", "expel", "territory"}
    ),
    "PROTEST": frozenset({"demo", "riot", "strike", "hunger", "boycott", "obstruct"}),
    "SANCTION": frozenset({"convict", "expel", "withdraw", "discontinue"}),
    "MOBILIZE": frozenset({"troops", "weapons", "police", "militia"}),
    "COERCE": frozenset(
        {
            "seize",
            "restrict",
            "ban",
            "censor",
            "curfew",
            "arrest",
            "deport",
            "withhold",
            "misinformation",
            "cyber",
        }
    ),
    "ASSAULT": frozenset(
        {
            "abduct",
            "beat",
            "torture",
            "execute",
            "sexual",
            "assassinate",
            "destroy",
            "primitive",
            "firearms",
            "explosives",
            "suicide-attack",
            "aerial",
            "drone",
            "heavy-weapons",
            "crowd-control",
            "cleansing",
            "massacre",
            "unconventional",
        }
    ),
}
"""PLOVER event types and their modes."""


NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
"""Number words read in death tolls and time spans."""


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lexicon row."""

    lemma: str
    pos: str
    event_type: str
    mode: str | None
    needs: frozenset[str]


@dataclass(frozen=True, slots=True)
class ModeCue:
    """One modes row: a cue lemma that sets the mode of an event type."""

    lemma: str
    event_type: str
    mode: str


_IRREGULAR = {
    "strike": ("struck", "stricken"),
    "say": ("said",),
    "write": ("wrote", "written"),
    "see": ("saw", "seen"),
    "find": ("found",),
    "shoot": ("shot",),
    "burn": ("burnt",),
    "fight": ("fought",),
    "take": ("took", "taken"),
    "send": ("sent",),
    "meet": ("met",),
    "give": ("gave", "given"),
    "lead": ("led",),
    "leave": ("left",),
    "bring": ("brought",),
    "fly": ("flew", "flown"),
    "withdraw": ("withdrew", "withdrawn"),
    "break": ("broke", "broken"),
    "beat": ("beaten",),
    "throw": ("threw", "thrown"),
    "hold": ("held",),
    "seek": ("sought",),
    "blow": ("blew", "blown"),
    "speak": ("spoke", "spoken"),
    "swear": ("swore", "sworn"),
    "stand": ("stood",),
    "drive": ("drove", "driven"),
    "shut": ("shut",),
    "cut": ("cut",),
    "set": ("set",),
    "put": ("put",),
    "hit": ("hit",),
    "spread": ("spread",),
    "win": ("won",),
    "lose": ("lost",),
    "pay": ("paid",),
    "sell": ("sold",),
    "tell": ("told",),
    "make": ("made",),
    "deal": ("dealt",),
    "overthrow": ("overthrew", "overthrown"),
    "undertake": ("undertook", "undertaken"),
    "forbid": ("forbade", "forbidden"),
    "steal": ("stole", "stolen"),
    "run": ("ran",),
    "begin": ("began", "begun"),
    "come": ("came",),
    "keep": ("kept",),
    "bind": ("bound",),
    "freeze": ("froze", "frozen"),
    "shake": ("shook", "shaken"),
    "go": ("went", "gone"),
    "wage": ("waged",),
    "buy": ("bought",),
    "catch": ("caught",),
    "teach": ("taught",),
    "slay": ("slew", "slain"),
    "arise": ("arose", "arisen"),
    "tear": ("tore", "torn"),
    "bear": ("bore", "borne"),
}


def inflections(lemma: str) -> set[str]:
    """Surface forms a lemma can take in text, generous rather than exact.

    Used only to decide which sentences are worth parsing, so a spurious form costs a
    little speed and a missing form costs an event.
    """
    word = lemma.lower()
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word[:-1] + "ed"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    forms.update(_IRREGULAR.get(word, ()))
    return forms


_FORMS: dict[str, str] = {}
_TAG_POS = {"VB": "VERB", "MD": "AUX", "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN"}


def register_forms(lemmas: Iterable[str]) -> None:
    """Teach ``lemma()`` the inflected forms of the words the coder looks for.

    The parser runs without spaCy's lemmatizer (a third of parse time); the coder only
    needs lemmas of its own trigger and cue words, which this table gives exactly.
    """
    words = sorted(set(lemmas) | set(_FORMS.values()))
    # An inflected form beats a base word spelled the same ("shot" is shoot's past tense
    # before it is a noun), and where two lemmas inflect to one form the longer wins
    # ("used" is use+d, not us+ed). The choice must not depend on set iteration order,
    # which changes from process to process.
    candidates: dict[str, list[str]] = {}
    for word in words:
        for form in inflections(word) - {word}:
            candidates.setdefault(form, []).append(word)
    table = {form: max(options, key=lambda w: (len(w), w)) for form, options in candidates.items()}
    for word in words:
        table.setdefault(word, word)
    _FORMS.clear()
    _FORMS.update(table)


def lemma(token: Any) -> str:
    """Lowercase lemma: spaCy's when the pipeline has a lemmatizer, else the form table."""
    value: str = token.lemma_
    if value:
        return value.lower()
    lowered: str = token.lower_ or token.text.lower()
    return _FORMS.get(lowered, lowered)


def pos(token: Any) -> str:
    """Coarse part of speech: spaCy's when set, else derived from the fine-grained tag."""
    value: str = token.pos_
    if value:
        return value
    tag: str = token.tag_
    return _TAG_POS.get(tag, _TAG_POS.get(tag[:2], "X"))


def _read(name: str, path: str | Path | None) -> tuple[str, str]:
    if path is not None:
        file = Path(path)
        try:
            return str(file), file.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"Lexicon file {file} cannot be read: {exc.strerror}.") from None
    return name, (resources.files("redline.data") / name).read_text("utf-8")


def _check(where: str, event_type: str, mode: str | None) -> None:
    if event_type not in EVENT_TYPES:
        import difflib

        close = difflib.get_close_matches(event_type, EVENT_TYPES, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"{where}: unknown event type '{event_type}'.{hint}")
    if mode and mode not in MODES[event_type]:
        allowed = ", ".join(sorted(MODES[event_type])) or "none"
        raise ConfigError(
            f"{where}: mode '{mode}' is not a mode of {event_type} (allowed: {allowed})."
        )


def load_triggers(path: str | Path | None = None) -> list[Trigger]:
    """Read and validate ``lexicon.csv`` (the packaged one by default)."""
    origin, text = _read("lexicon.csv", path)
    reader = csv.DictReader(text.splitlines())
    required = ("lemma", "pos", "event_type", "mode", "needs")
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"{origin}: missing column(s) {', '.join(missing)}.")
    triggers = []
    for number, row in enumerate(reader, start=2):
        where = f"{origin}, row {number}"
        if any(row.get(c) is None for c in required):
            raise ConfigError(f"{where}: wrong number of fields.")
        lemma = row["lemma"].strip().lower()
        pos = row["pos"].strip().upper()
        if not lemma:
            raise ConfigError(f"{where}: field 'lemma' is empty.")
        if pos not in {"VERB", "NOUN"}:
            raise ConfigError(f"{where}: field 'pos' must be VERB or NOUN, got {pos!r}.")
        event_type = row["event_type"].strip().upper()
        mode = row["mode"].strip() or None
        _check(where, event_type, mode)
        needs = frozenset(n.strip().lower() for n in row["needs"].split("|") if n.strip())
        triggers.append(Trigger(lemma, pos, event_type, mode, needs))
    return triggers


def load_modes(path: str | Path | None = None) -> list[ModeCue]:
    """Read and validate ``modes.csv`` in file order (most specific first)."""
    origin, text = _read("modes.csv", path)
    reader = csv.DictReader(text.splitlines())
    cues = []
    for number, row in enumerate(reader, start=2):
        where = f"{origin}, row {number}"
        if any(row.get(c) is None for c in ("lemma", "event_type", "mode")):
            raise ConfigError(f"{where}: wrong number of fields.")
        event_type = row["event_type"].strip().upper()
        mode = row["mode"].strip()
        _check(where, event_type, mode)
        if not mode:
            raise ConfigError(f"{where}: field 'mode' is empty.")
        cues.append(ModeCue(row["lemma"].strip().lower(), event_type, mode))
    return cues


CONTEXTS = frozenset(
    {
        "military",
        "intelligence",
        "terrorism",
        "cbrn",
        "cyber",
        "territory",
        "diplomatic",
        "economic",
        "legal",
        "elections",
        "political_institutions",
        "human_rights",
        "humanitarian",
        "refugees",
        "resources",
        "religion_ethnicity",
        "corruption",
        "crime",
        "peacekeeping",
        "health",
    }
)
"""Event contexts (PLOVER's topic tags) redline assigns from cue words."""


def load_contexts(path: str | Path | None = None) -> dict[str, str]:
    """Read and validate ``contexts.csv``: cue lemma -> context."""
    origin, text = _read("contexts.csv", path)
    table: dict[str, str] = {}
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        lemma_, context = (
            (row.get("lemma") or "").strip().lower(),
            (row.get("context") or "").strip(),
        )
        if not lemma_:
            raise ConfigError(f"{origin}, row {number}: field 'lemma' is empty.")
        if context not in CONTEXTS:
            raise ConfigError(
                f"{origin}, row {number}: unknown context {context!r}; "
                f"known contexts: {', '.join(sorted(CONTEXTS))}."
            )
        table[lemma_] = context
    return table
