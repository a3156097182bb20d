"""Training of the shipped text classifiers (``redline train``; needs the ``train`` extra).

Each model is trained from labelled JSONL files in the layout of the evaluation data
folder. Its reported quality is k-fold cross-validation on the model's primary file
(extra training files, such as synthetic stories, are added to every training fold but
never scored). The final model is fitted on everything and exported to ``.npz``.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redline.coding.classify import TextClassifier, features
from redline.errors import ConfigError, MissingExtraError
from redline.evaluate.metrics import accuracy, macro_f1, per_class, weighted_f1

Loader = Callable[[Path], tuple[list[str], list[str]]]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise ConfigError(f"Training file {path} does not exist.")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _acled_sub(path: Path) -> tuple[list[str], list[str]]:
    rows = _jsonl(path)
    return [r["text"] for r in rows], [r["sub_event_type"] for r in rows]


def _acled_type(sub_event_type: str) -> str:
    from redline.evaluate.datasets import ACLED_TYPES

    return ACLED_TYPES.get(sub_event_type, "Strategic developments")


def _case(path: Path) -> tuple[list[str], list[str]]:
    rows = _jsonl(path)
    return [r["text"] for r in rows], [r["label"] for r in rows]


def _acled_as_case(path: Path) -> tuple[list[str], list[str]]:
    from redline.evaluate.datasets import CASE_LABELS

    texts, subs = _acled_sub(path)
    return texts, [CASE_LABELS[s] for s in subs]


def _pentaclass(path: Path) -> tuple[list[str], list[str]]:
    rows = _jsonl(path)
    return [r["text"] for r in rows], [r["label_name"] for r in rows]


def _plover(path: Path) -> tuple[list[str], list[str]]:
    from redline.evaluate.datasets import PLOVER_RENAMES

    rows = _jsonl(path)
    return [r["text"] for r in rows], [PLOVER_RENAMES.get(r["event"], r["event"]) for r in rows]


def _synthetic(path: Path) -> tuple[list[str], list[str]]:
    rows = _jsonl(path)
    # Stories are long; their first paragraphs carry the labelled event.
    return [" ".join(r["text"].split("\n\n")[:2]) for r in rows], [r["label"].upper() for r in rows]


@dataclass(frozen=True)
class Recipe:
    """How one shipped model is trained: its primary file and extra training files."""

    primary: tuple[str, Loader]
    extra: tuple[tuple[str, Loader], ...] = ()
    regularization: float = 10.0
    coarse: Callable[[str], str] | None = None
    """Maps a label to a coarser one scored too (ACLED sub-event type to event type)."""
    rules: bool = False
    """Add the rule coder's findings to each text as pseudo-words (see ``rule_tokens``)."""


RECIPES: dict[str, Recipe] = {
    "acled-sub-event": Recipe(("acled-sample/events.dev.jsonl", _acled_sub), coarse=_acled_type),
    "case2021": Recipe(
        ("case2021-task2/snippets.dev.jsonl", _case),
        extra=(("acled-sample/events.dev.jsonl", _acled_as_case),),
        regularization=100.0,
        rules=True,
    ),
    "pentaclass": Recipe(
        ("conflibert-cameo/pentaclass.dev.jsonl", _pentaclass), regularization=100.0, rules=True
    ),
    "plover-type": Recipe(
        ("plover-gsr/records.dev.jsonl", _plover),
        extra=(("ngec-synthetic/stories.dev.jsonl", _synthetic),),
    ),
}
"""The shipped models and the labelled files each is trained from."""


def with_rules(texts: list[str]) -> list[str]:
    """Each text followed by the rule coder's findings on it (needs the spaCy model)."""
    from redline.evaluate.coder import TextCoder, rule_tokens

    if not texts:
        return []
    coded = TextCoder().code(texts)
    return [f"{text} {rule_tokens(result)}" for text, result in zip(texts, coded, strict=True)]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fit(texts: list[str], labels: list[str], regularization: float, seed: int) -> Any:
    import numpy as np

    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
    except ImportError:
        raise MissingExtraError(
            "Training needs scikit-learn; install it with pip install 'redline[train]'."
        ) from None
    model = make_pipeline(
        TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2, dtype=np.float64),
        LogisticRegression(C=regularization, max_iter=2000, random_state=seed),
    )
    return model.fit(texts, labels)


def cross_validate(
    texts: list[str],
    labels: list[str],
    *,
    extra: tuple[list[str], list[str]] = ([], []),
    folds: int = 5,
    regularization: float = 10.0,
    seed: int = 0,
    coarse: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """Out-of-fold predictions for every primary item, scored; extras train every fold."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = [""] * len(texts)
    with warnings.catch_warnings():
        # A class rarer than the number of folds is allowed: it is simply absent from
        # some test folds.
        warnings.filterwarnings("ignore", message="The least populated class")
        splits = list(splitter.split(texts, labels))
    for train, test in splits:
        model = _fit(
            [texts[i] for i in train] + extra[0],
            [labels[i] for i in train] + extra[1],
            regularization,
            seed,
        )
        for index, label in zip(test, model.predict([texts[i] for i in test]), strict=True):
            predicted[index] = str(label)
    scores = per_class(labels, predicted)
    report: dict[str, Any] = {
        "folds": splitter.get_n_splits(),
        "items": len(texts),
        "accuracy": round(accuracy(labels, predicted), 4),
        "macro_f1": round(macro_f1(scores), 4),
        "weighted_f1": round(weighted_f1(scores), 4),
        "per_class": scores,
    }
    if coarse is not None:
        gold_coarse = [coarse(label) for label in labels]
        predicted_coarse = [coarse(label) for label in predicted]
        coarse_scores = per_class(gold_coarse, predicted_coarse)
        report["coarse"] = {
            "accuracy": round(accuracy(gold_coarse, predicted_coarse), 4),
            "macro_f1": round(macro_f1(coarse_scores), 4),
            "weighted_f1": round(weighted_f1(coarse_scores), 4),
            "per_class": coarse_scores,
        }
    return report


def train(name: str, data: str | Path, *, folds: int = 5, seed: int = 0) -> TextClassifier:
    """Cross-validate, then fit one shipped model on all its data.

    Args:
        name: a key of ``RECIPES``.
        data: the folder that holds the labelled sets (``plover-gsr/`` ...).
        folds: cross-validation folds (0 skips cross-validation).
        seed: random seed for folds and the solver, so a rerun gives the same model.
    """
    recipe = RECIPES.get(name)
    if recipe is None:
        raise ConfigError(f"Unknown model '{name}'; choose one of {', '.join(sorted(RECIPES))}.")
    root = Path(data)
    primary_path = root / recipe.primary[0]
    texts, labels = recipe.primary[1](primary_path)
    extra_texts: list[str] = []
    extra_labels: list[str] = []
    sources = [{"file": recipe.primary[0], "sha256": _sha256(primary_path), "items": len(texts)}]
    for relative, loader in recipe.extra:
        more_texts, more_labels = loader(root / relative)
        extra_texts += more_texts
        extra_labels += more_labels
        sources.append(
            {"file": relative, "sha256": _sha256(root / relative), "items": len(more_texts)}
        )
    meta: dict[str, Any] = {"trained_on": sources, "seed": seed, "features": "tfidf 1-2gram"}
    if recipe.rules:
        texts, extra_texts = with_rules(texts), with_rules(extra_texts)
        meta["features"] += " + rule coder tokens"
        meta["augment"] = "rules"
    if folds:
        meta["cross_validation"] = cross_validate(
            texts,
            labels,
            extra=(extra_texts, extra_labels),
            folds=folds,
            regularization=recipe.regularization,
            seed=seed,
            coarse=recipe.coarse,
        )
    model = _fit(texts + extra_texts, labels + extra_labels, recipe.regularization, seed)
    return export(model, name, meta)


def export(model: Any, name: str, meta: dict[str, Any]) -> TextClassifier:
    """Turn a fitted scikit-learn TF-IDF + logistic regression pipeline into a shippable model."""
    vectorizer, classifier = model.steps[0][1], model.steps[1][1]
    return TextClassifier(
        name=name,
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_,
        coef=classifier.coef_,
        intercept=classifier.intercept_,
        classes=tuple(str(c) for c in classifier.classes_),
        meta=meta,
    )
