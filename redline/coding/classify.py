"""Learned text classifiers: TF-IDF features and a linear model, applied with NumPy only.

Models are trained in the repository by ``redline train`` (which needs scikit-learn, the
``train`` extra) and shipped as small ``.npz`` files under ``redline/data/models/``; using
one needs nothing beyond NumPy, which spaCy already brings. A model file holds its
vocabulary, IDF weights, coefficients, class names and a JSON metadata record (training
files and their hashes, cross-validated scores) so every figure can be traced.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from redline.errors import ConfigError

_WORD = re.compile(r"[a-z][a-z'-]*|[0-9]+")


def tokens(text: str) -> list[str]:
    """Lowercase word tokens, digits collapsed to one symbol (numbers vary, meaning not)."""
    return ["0" if t[0].isdigit() else t for t in _WORD.findall(text.lower())]


def features(text: str) -> list[str]:
    """Unigrams and bigrams: the same analyzer at training and prediction time."""
    words = tokens(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class TextClassifier:
    """A linear classifier over sublinear TF-IDF unigram+bigram features."""

    name: str
    vocabulary: dict[str, int]
    idf: Any
    coef: Any
    intercept: Any
    classes: tuple[str, ...]
    meta: dict[str, Any]

    def scores(self, texts: Sequence[str]) -> Any:
        """Class probabilities, one row per text."""
        import numpy as np

        matrix = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for row, text in enumerate(texts):
            counts: dict[int, int] = {}
            for feature in features(text):
                column = self.vocabulary.get(feature)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            for column, count in counts.items():
                matrix[row, column] = (1.0 + math.log(count)) * self.idf[column]
            norm = float(np.linalg.norm(matrix[row]))
            if norm:
                matrix[row] /= norm
        logits = matrix @ self.coef.T + self.intercept
        if logits.shape[1] == 1:
            # A two-class model stores one logit, for the second class.
            logits = np.hstack([np.zeros_like(logits), logits])
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable class of each text."""
        if not texts:
            return []
        return [self.classes[i] for i in self.scores(texts).argmax(axis=1)]

    def save(self, path: str | Path) -> None:
        """Write the model as a compressed ``.npz`` file."""
        import numpy as np

        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            path,
            vocabulary=np.array(words),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            classes=np.array(self.classes),
            meta=np.array(json.dumps({"name": self.name, **self.meta}, sort_keys=True)),
        )


def load(path: str | Path) -> TextClassifier:
    """Read a model written by ``TextClassifier.save``."""
    import numpy as np

    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Model file {path} cannot be read: {exc}.") from None
    meta = json.loads(str(data["meta"]))
    return TextClassifier(
        name=meta.pop("name"),
        vocabulary={str(w): i for i, w in enumerate(data["vocabulary"])},
        idf=data["idf"].astype(np.float32),
        coef=data["coef"].astype(np.float32),
        intercept=data["intercept"].astype(np.float32),
        classes=tuple(str(c) for c in data["classes"]),
        meta=meta,
    )


@functools.cache
def builtin(name: str) -> TextClassifier | None:
    """A model shipped in ``redline/data/models/``, or ``None`` if it was not trained."""
    resource = resources.files("redline.data") / "models" / f"{name}.npz"
    if not resource.is_file():
        return None
    with resources.as_file(resource) as path:
        return load(path)
