"""Scoring functions: pure, over lists of gold and predicted labels or spans."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of items whose prediction equals the gold label."""
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def per_class(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support for every gold class.

    Example:
        >>> per_class(["a", "b"], ["a", "a"])["a"]["precision"]
        0.5
    """
    pairs = list(zip(gold, predicted, strict=True))
    true_positive = Counter(g for g, p in pairs if g == p)
    gold_count = Counter(gold)
    predicted_count = Counter(predicted)
    scores: dict[str, dict[str, float]] = {}
    for label in sorted(gold_count):
        tp = true_positive[label]
        precision = tp / predicted_count[label] if predicted_count[label] else 0.0
        recall = tp / gold_count[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": gold_count[label],
        }
    return scores


def macro_f1(scores: dict[str, dict[str, float]]) -> float:
    """Unweighted mean F1 over gold classes."""
    return sum(s["f1"] for s in scores.values()) / len(scores) if scores else 0.0


def weighted_f1(scores: dict[str, dict[str, float]]) -> float:
    """Support-weighted mean F1 over gold classes."""
    total = sum(s["support"] for s in scores.values())
    return sum(s["f1"] * s["support"] for s in scores.values()) / total if total else 0.0


Span = tuple[int, int]


def span_f1(
    gold: Iterable[set[Span]], predicted: Iterable[set[Span]], *, partial: bool
) -> dict[str, float]:
    """Precision, recall and F1 of spans, exact or by any token overlap.

    With ``partial``, a predicted span counts as correct when it overlaps a gold span, and
    a gold span as found when a prediction overlaps it.
    """
    found = hits = gold_total = predicted_total = 0
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        gold_total += len(gold_spans)
        predicted_total += len(predicted_spans)

        def matches(a: Span, b: Span) -> bool:
            return a[0] < b[1] and b[0] < a[1] if partial else a == b

        hits += sum(any(matches(p, g) for g in gold_spans) for p in predicted_spans)
        found += sum(any(matches(p, g) for p in predicted_spans) for g in gold_spans)
    precision = hits / predicted_total if predicted_total else 0.0
    recall = found / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
