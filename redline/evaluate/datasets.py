"""Scorers for the labelled sets redline is measured on, one function per format.

Each scorer reads a JSONL file in its dataset's format, codes every text with a
``TextCoder`` and returns a flat dict of metric names to numbers plus ``per_class`` and
``items``. The mappings they rely on (PLOVER to ACLED, CAMEO, PentaClass) are the package
data in ``redline/data/mappings.csv``, reported with the scores.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from redline.coding.actors import ActorDictionary
from redline.coding.mappings import acled, lookup, pentaclass
from redline.coding.places import kilometres
from redline.errors import ConfigError
from redline.evaluate.coder import Coded, TextCoder, main_event, rule_tokens
from redline.evaluate.metrics import accuracy, macro_f1, per_class, span_f1, weighted_f1
from redline.model import ActorRef, Event

Report = dict[str, Any]
NONE = "NONE"

PLOVER_RENAMES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
"""PLOVER 0.5 names in older gold data and their current names."""

CASE_LABELS = {
    "Armed clash": "ARMED_CLASH",
    "Government regains territory": "GOV_REGAINS_TERIT",
    "Non-state actor overtakes territory": "NON_STATE_ACTOR_OVERTAKES_TER",
    "Chemical weapon": "CHEM_WEAP",
    "Air/drone strike": "AIR_STRIKE",
    "Suicide bomb": "SUIC_BOMB",
    "Shelling/artillery/missile attack": "ART_MISS_ATTACK",
    "Remote explosive/landmine/IED": "REM_EXPLOS",
    "Grenade": "GRENADE",
    "Sexual violence": "SEX_VIOL",
    "Attack": "ATTACK",
    "Abduction/forced disappearance": "ABDUCT_DISSAP",
    "Peaceful protest": "PEACE_PROTEST",
    "Protest with intervention": "PROTEST_WITH_INTER",
    "Excessive force against protesters": "FORCE_AGAINST_PROTEST",
    "Violent demonstration": "VIOL_DEMONSTR",
    "Mob violence": "MOB_VIOL",
    "Agreement": "AGREEMENT",
    "Arrests": "ARREST",
    "Change to group/activity": "CHANGE_TO_GROUP_ACT",
    "Disrupted weapons use": "DISR_WEAP",
    "Headquarters or base established": "HQ_ESTABLISHED",
    "Looting/property destruction": "PROPERTY_DISTRUCT",
    "Non-violent transfer of territory": "NON_VIOL_TERRIT_TRANSFER",
    "Other": "OTHER",
}
"""ACLED sub-event types and the codes CASE 2021 writes them as."""

_DIPLOMATIC = {"CONSULT", "SUPPORT", "REQUEST", "REJECT", "SANCTION", "COOPERATE", "AID"}


ACLED_TYPES = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}
"""ACLED's sub-event types under their event types (ACLED codebook)."""


def learned(
    name: str, path: str | Path, texts: list[str], coded: list[Coded] | None = None
) -> tuple[list[str] | None, Report]:
    """Predictions of a shipped model, and what to report about it.

    The report says whether the scored file is one the model was trained on: then the
    figure is a training score, and the cross-validated one in the model is the honest one.
    """
    from redline.coding.classify import builtin

    model = builtin(name)
    if model is None:
        return None, {}
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    trained_on = any(source["sha256"] == digest for source in model.meta.get("trained_on", []))
    info: Report = {"model": name, "model_trained_on_this_file": trained_on}
    validation = model.meta.get("cross_validation")
    if validation:
        info["model_cross_validated"] = {
            k: validation[k] for k in ("accuracy", "macro_f1", "weighted_f1", "items", "folds")
        }
    if model.meta.get("augment") == "rules" and coded is not None:
        texts = [f"{t} {rule_tokens(c)}" for t, c in zip(texts, coded, strict=True)]
    return model.predict(texts), info


def _rules_and_learned(
    name: str,
    path: str | Path,
    records: list[dict[str, Any]],
    coded: list[Coded],
    gold: list[str],
    rule_labels: list[str],
) -> tuple[Report, Report, Report]:
    """Scores of the shipped model (or of the rules, where none is shipped), the rules'
    own scores, and what to report about the model."""
    rules = _labels(gold, rule_labels)
    predicted, info = learned(name, path, [r["text"] for r in records], coded)
    return (_labels(gold, predicted) if predicted is not None else rules), rules, info


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Records of a JSONL file; a bad line is an error naming the line."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}, line {number}: not JSON ({exc.msg}).") from None
    if not records:
        raise ConfigError(f"{path} holds no records.")
    return records


def _require(records: list[dict[str, Any]], keys: Iterable[str], path: str | Path) -> None:
    missing = [k for k in keys if k not in records[0]]
    if missing:
        raise ConfigError(
            f"{path} does not look like this dataset: its records lack {', '.join(missing)}."
        )


def _codes(actors: Iterable[ActorRef]) -> set[str]:
    codes: set[str] = set()
    for actor in actors:
        codes |= {actor.id, actor.id.upper()}
        if actor.country:
            codes.add(actor.country)
            if actor.sector:
                codes.add(actor.country + actor.sector)
        if actor.sector:
            codes |= {actor.sector, actor.id + actor.sector}
    return codes


def _labels(gold: list[str], predicted: list[str]) -> Report:
    scores = per_class(gold, predicted)
    return {
        "accuracy": accuracy(gold, predicted),
        "macro_f1": macro_f1(scores),
        "weighted_f1": weighted_f1(scores),
        "per_class": scores,
    }


GSR_CONTEXTS = {
    "refugee": "refugees",
    "political": "political_institutions",
    "politics": "political_institutions",
    "government": "political_institutions",
    "election": "elections",
    "rights": "human_rights",
    "discrimination": "human_rights",
    "resource": "resources",
    "assets": "resources",
    "religion": "religion_ethnicity",
}
"""Context names in the PLOVER gold records and the names redline uses."""


def plover_gsr(path: str | Path, coder: TextCoder) -> Report:
    """PLOVER gold-standard records: event type, source and target codes."""
    records = read_jsonl(path)
    _require(records, ("text", "event"), path)
    coded = coder.code([r["text"] for r in records])
    gold, predicted = [], []
    source_hits = source_total = target_hits = target_total = 0
    context_hits = context_total = 0
    for record, result in zip(records, coded, strict=True):
        gold.append(PLOVER_RENAMES.get(record["event"], record["event"]))
        event = main_event(result)
        predicted.append(event.event_type if event else NONE)
        wanted_contexts = {
            GSR_CONTEXTS.get(c.strip(), c.strip())
            for c in (record.get("context") or "").split(",")
            if c.strip()
        }
        if wanted_contexts:
            context_total += 1
            context_hits += bool(wanted_contexts & set(event.context if event else ()))
        resolved = event if isinstance(event, Event) else None
        for side, actors in (
            ("source", resolved.source if resolved else ()),
            ("target", resolved.target if resolved else ()),
        ):
            wanted = {a.get("code") for a in record.get(side) or [] if isinstance(a, dict)}
            wanted.discard(None)
            if not wanted:
                continue
            hit = bool(wanted & _codes(actors))
            if side == "source":
                source_total, source_hits = source_total + 1, source_hits + hit
            else:
                target_total, target_hits = target_total + 1, target_hits + hit
    labels = _labels(gold, predicted)
    return {
        "type_accuracy": labels["accuracy"],
        "type_macro_f1": labels["macro_f1"],
        "source_match": source_hits / source_total if source_total else 0.0,
        "target_match": target_hits / target_total if target_total else 0.0,
        "context_match": context_hits / context_total if context_total else 0.0,
        "items": len(records),
        "per_class": labels["per_class"],
    }


def _acled_prediction(result: Coded) -> tuple[str, str]:
    event = main_event(result, prefer="hostile")
    if event is None:
        return NONE, NONE
    sectors = {a.sector for a in event.target if a.sector} if isinstance(event, Event) else set()
    kinds = {c.event_type for c in result.candidates}
    if event.event_type == "PROTEST" and kinds & {"COERCE", "ASSAULT"}:
        if "ASSAULT" in kinds:
            return "Protests", "Excessive force against protesters"
        return "Protests", "Protest with intervention"
    return acled(event.event_type, event.mode, sectors)


_COUNTRY_IN_NAME = re.compile(r"\(([^)0-9]+)\)|\bof ([A-Z][\w' -]+?)(?: \(|$)")


def _actor_country(name: str | None) -> str | None:
    if not name:
        return None
    match = _COUNTRY_IN_NAME.search(name)
    return (match.group(1) or match.group(2)).strip() if match else None


def _uploaded(record: dict[str, Any]) -> date | None:
    stamp = record.get("timestamp")
    try:
        return datetime.fromtimestamp(int(stamp), tz=UTC).date() if stamp else None
    except (TypeError, ValueError, OverflowError):
        return None


def acled_sample(path: str | Path, coder: TextCoder) -> Report:
    """ACLED events: event type, sub-event type, actors, fatalities, date and place.

    Actors match when the country named in ACLED's actor (``Military Forces of Iraq``,
    ``Protesters (India)``) is the country of the coded source (actor1) or target (actor2).
    """
    records = read_jsonl(path)
    _require(records, ("text", "event_type", "sub_event_type"), path)
    # ACLED's upload time stands for the publication date a news report would have.
    coded = coder.code([r["text"] for r in records], published=[_uploaded(r) for r in records])
    kb = coder.resolver.dictionary
    gold_type, gold_sub, types, subs = [], [], [], []
    deaths = dates = countries = regions = near = 0
    gazetteer = coder.coder.gazetteer
    hits = {"source": 0, "target": 0}
    totals = {"source": 0, "target": 0}
    for record, result in zip(records, coded, strict=True):
        event_type, sub_event_type = _acled_prediction(result)
        gold_type.append(record["event_type"])
        gold_sub.append(record["sub_event_type"])
        types.append(event_type)
        subs.append(sub_event_type)
        event = main_event(result, prefer="hostile")
        fatalities = (event.fatalities if event else None) or 0
        deaths += fatalities == (record.get("fatalities") or 0)
        if event is not None and event.date.value.isoformat() == record.get("event_date"):
            dates += 1
        place = event.location if event is not None else None
        if place is not None and place.country:
            countries += gazetteer.countries.get((record.get("country") or "").lower()) == (
                place.country
            )
            regions += bool(record.get("admin1")) and gazetteer.same_region(
                place.country, place.admin1, record["admin1"]
            )
            if place.lat is not None and place.lon is not None and record.get("latitude"):
                distance = kilometres(
                    place.lat, place.lon, float(record["latitude"]), float(record["longitude"])
                )
                near += distance <= 25
        for gold_actor, side in (("actor1", "source"), ("actor2", "target")):
            wanted = _actor_country(record.get(gold_actor))
            if not wanted:
                continue
            names = set()
            for actor in getattr(event, side) if isinstance(event, Event) else ():
                entry = kb.entry(actor.country) if actor.country else None
                names |= {actor.name, entry.name if entry else ""}
            totals[side] += 1
            hits[side] += wanted in names
    rules_type = _labels(gold_type, types)
    rules_sub = _labels(gold_sub, subs)
    predicted_subs, info = learned("acled-sub-event", path, [r["text"] for r in records])
    if predicted_subs is not None:
        types = [ACLED_TYPES.get(sub, "Strategic developments") for sub in predicted_subs]
        subs = predicted_subs
    type_scores = _labels(gold_type, types)
    sub_scores = _labels(gold_sub, subs)
    total = len(records)
    return {
        **info,
        "event_type_weighted_f1": type_scores["weighted_f1"],
        "event_type_accuracy": type_scores["accuracy"],
        "sub_event_type_weighted_f1": sub_scores["weighted_f1"],
        "sub_event_type_accuracy": sub_scores["accuracy"],
        "rules_event_type_weighted_f1": rules_type["weighted_f1"],
        "rules_sub_event_type_weighted_f1": rules_sub["weighted_f1"],
        "actor_match": (hits["source"] + hits["target"])
        / max(1, totals["source"] + totals["target"]),
        "actor1_match": hits["source"] / max(1, totals["source"]),
        "actor2_match": hits["target"] / max(1, totals["target"]),
        "fatalities_exact": deaths / total,
        "date_exact": dates / total,
        "country_accuracy": countries / total,
        "admin1_accuracy": regions / total,
        "within_25km": near / total,
        "items": total,
        "per_class": {
            "event_type": type_scores["per_class"],
            "sub_event_type": sub_scores["per_class"],
        },
    }


def _case_label(result: Coded) -> str:
    event = main_event(result, prefer="hostile")
    if event is None:
        return "OTHER"
    if event.event_type == "ACCUSE" and event.mode == "allege":
        return "ATTRIB"
    if event.event_type in _DIPLOMATIC or (
        event.event_type in {"ACCUSE", "THREATEN"} and event.mode != "violence"
    ):
        return "DIPLO"
    return CASE_LABELS.get(_acled_prediction(result)[1], "OTHER")


def case2021_task2(path: str | Path, coder: TextCoder) -> Report:
    """CASE 2021 task 2: 25 ACLED sub-event types plus 5 unseen types, as codes."""
    records = read_jsonl(path)
    _require(records, ("text", "label"), path)
    coded = coder.code([r["text"] for r in records])
    gold = [r["label"] for r in records]
    scores, rules, info = _rules_and_learned(
        "case2021", path, records, coded, gold, [_case_label(c) for c in coded]
    )
    return {
        **info,
        "weighted_f1": scores["weighted_f1"],
        "macro_f1": scores["macro_f1"],
        "accuracy": scores["accuracy"],
        "rules_weighted_f1": rules["weighted_f1"],
        "rules_macro_f1": rules["macro_f1"],
        "items": len(records),
        "per_class": scores["per_class"],
    }


def _pentaclass(result: Coded) -> str:
    event = main_event(result)
    return pentaclass(lookup(event.event_type, event.mode).cameo) if event else "make_statement"


def _token_spans(tokens: list[str], text: str, actor_texts: Iterable[str]) -> set[tuple[int, int]]:
    starts, position = [], 0
    for token in tokens:
        position = text.index(token, position)
        starts.append(position)
        position += len(token)
    spans = set()
    for actor_text in actor_texts:
        at = text.find(actor_text)
        if at < 0:
            continue
        first = max(i for i, s in enumerate(starts) if s <= at)
        last = max(i for i, s in enumerate(starts) if s < at + len(actor_text))
        spans.add((first, last + 1))
    return spans


def conflibert_cameo(path: str | Path, coder: TextCoder) -> Report:
    """ConfliBERT CAMEO sets: PentaClass labels, or source/target spans (by file)."""
    records = read_jsonl(path)
    if "label_name" in records[0]:
        coded = coder.code([r["text"] for r in records])
        gold = [r["label_name"] for r in records]
        scores, rules, info = _rules_and_learned(
            "pentaclass", path, records, coded, gold, [_pentaclass(c) for c in coded]
        )
        return {
            **info,
            "pentaclass_accuracy": scores["accuracy"],
            "pentaclass_macro_f1": scores["macro_f1"],
            "rules_pentaclass_macro_f1": rules["macro_f1"],
            "items": len(records),
            "per_class": scores["per_class"],
        }
    _require(records, ("tokens", "spans"), path)
    coded = coder.code([r["text"] for r in records])
    gold_spans: list[set[tuple[int, int]]] = []
    predicted_spans: list[set[tuple[int, int]]] = []
    for record, result in zip(records, coded, strict=True):
        for role, side in (("S", "source"), ("T", "target")):
            gold_spans.append(
                {(s["start"], s["end"]) for s in record["spans"] if s["role"] in {role, "R"}}
            )
            texts = [a.text for e in result.events for a in getattr(e, side) if a.text]
            # The coder's argument phrases name actors the dictionary does not know
            # ("the rebels", "local police"); the first phrase of each side is its argument.
            main = main_event(result)
            candidates = [
                c for c in result.candidates if main is not None and c.evidence == main.evidence
            ]
            texts += [
                getattr(c, f"{side}_text")[0] for c in candidates if getattr(c, f"{side}_text")
            ]
            predicted_spans.append(_token_spans(record["tokens"], record["text"], texts))
    partial = span_f1(gold_spans, predicted_spans, partial=True)
    exact = span_f1(gold_spans, predicted_spans, partial=False)
    return {
        "actor_span_f1": partial["f1"],
        "actor_span_precision": partial["precision"],
        "actor_span_recall": partial["recall"],
        "actor_span_exact_f1": exact["f1"],
        "items": len(records),
        "per_class": {},
    }


def _petrarch_dictionary(path: Path) -> ActorDictionary:
    from redline.coding.phoenix import parse, parse_agents, to_csv_rows

    kb = ActorDictionary.builtin()
    for actors_file in sorted((path.parent / "dictionaries").glob("*.actors.txt")):
        rows = to_csv_rows(
            parse(actors_file.read_text("utf-8", errors="replace"), str(actors_file))
        )
        kb.load_actor_rows(
            str(actors_file),
            [(f"{actors_file}, entry {i}", r) for i, r in enumerate(rows, 1)],
            override=True,
        )
    for agents_file in sorted((path.parent / "dictionaries").glob("*.agents.txt")):
        for term, sector in parse_agents(agents_file.read_text("utf-8", errors="replace")):
            kb.agents.setdefault(term, sector)
    return kb


def petrarch_validation(path: str | Path, coder: TextCoder) -> Report:
    """PETRARCH unit tests / GigaWord records: CAMEO root and full code of the main event.

    Actor dictionaries in the format of PETRARCH's are read from a ``dictionaries/``
    folder beside the file, when there is one (the unit tests' actors are fictional).
    """
    file = Path(path)
    records = read_jsonl(file)
    _require(records, ("text", "codings"), file)
    if (file.parent / "dictionaries").is_dir():
        # Same loaded model, the dictionaries that ship beside the file.
        coder = TextCoder(dictionary=_petrarch_dictionary(file), reuse=coder)
    coded = coder.code([r["text"] for r in records])
    roots = codes = items = quiet = quiet_total = 0
    gold_roots: list[str] = []
    predicted_roots: list[str] = []
    for record, result in zip(records, coded, strict=True):
        if record.get("noevents") or not record.get("codings"):
            quiet_total += 1
            quiet += not result.events
            continue
        items += 1
        wanted = [c["event"] for c in record["codings"]]
        event = main_event(result)
        code = lookup(event.event_type, event.mode).cameo if event else NONE
        roots += code[:2] in {w[:2] for w in wanted}
        codes += code in wanted
        gold_roots.append(wanted[0][:2])
        predicted_roots.append(code[:2])
    scores = per_class(gold_roots, predicted_roots)
    return {
        "root_accuracy": roots / items if items else 0.0,
        "code_accuracy": codes / items if items else 0.0,
        "noevents_correct": quiet / quiet_total if quiet_total else 0.0,
        "items": items,
        "per_class": scores,
    }


SCORERS: dict[str, Callable[[str | Path, TextCoder], Report]] = {
    "plover-gsr": plover_gsr,
    "acled-sample": acled_sample,
    "case2021-task2": case2021_task2,
    "conflibert-cameo": conflibert_cameo,
    "petrarch-validation": petrarch_validation,
}
"""Dataset names accepted by ``redline eval``."""
