"""Learned classifiers: the NumPy runtime matches scikit-learn, models round-trip, training
runs from a data folder and reports cross-validated scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline.cli import cli
from redline.coding.classify import builtin, features, load
from redline.coding.train import _fit, cross_validate, export, train
from redline.errors import ConfigError

pytest.importorskip("sklearn")

TEXTS = {
    "material_conflict": [
        "Troops shelled the village and killed four fighters.",
        "Rebels attacked an army post with rockets overnight.",
        "Gunmen stormed the base and killed two guards.",
        "Air strikes hit militia positions near the border.",
        "Police fired on the crowd, killing a protester.",
        "Militants bombed a convoy on the highway.",
    ],
    "verbal_cooperation": [
        "The two ministers agreed to hold talks next month.",
        "The president praised the agreement on trade.",
        "Leaders pledged to cooperate on border security.",
        "The envoy welcomed the offer of negotiations.",
        "Officials expressed support for the peace plan.",
        "The government promised to consider the proposal.",
    ],
}


def labelled() -> tuple[list[str], list[str]]:
    texts = [t for group in TEXTS.values() for t in group]
    labels = [label for label, group in TEXTS.items() for _ in group]
    return texts, labels


def write_pentaclass(folder: Path) -> None:
    target = folder / "conflibert-cameo"
    target.mkdir(parents=True)
    texts, labels = labelled()
    with (target / "pentaclass.dev.jsonl").open("w") as handle:
        for number, (text, label) in enumerate(zip(texts, labels, strict=True)):
            handle.write(json.dumps({"id": number, "text": text, "label_name": label}) + "\n")


def test_coding_classify_features_are_unigrams_and_bigrams() -> None:
    assert features("Killed 25 fighters") == ["killed", "0", "fighters", "killed 0", "0 fighters"]


def test_coding_classify_runtime_matches_sklearn_and_round_trips(tmp_path: Path) -> None:
    import numpy as np

    texts, labels = labelled()
    fitted = _fit(texts * 2, labels * 2, 10.0, 0)
    model = export(fitted, "test", {})
    probe = [*texts, "Soldiers attacked the town.", "They agreed to meet again.", ""]
    predictions = model.predict(probe)
    assert predictions == [str(p) for p in fitted.predict(probe)]
    assert np.allclose(model.scores(probe), fitted.predict_proba(probe), atol=1e-4)
    path = tmp_path / "m.npz"
    model.save(path)
    again = load(path)
    assert again.predict(probe) == predictions
    write_pentaclass(tmp_path)
    trained = train("pentaclass", tmp_path, folds=0)
    assert trained.meta["trained_on"][0]["file"] == "conflibert-cameo/pentaclass.dev.jsonl"


def test_coding_classify_cross_validation_reports_scores() -> None:
    texts, labels = labelled()
    report = cross_validate(texts, labels, folds=3)
    assert report["items"] == len(texts) and report["folds"] == 3
    assert 0.0 <= report["weighted_f1"] <= 1.0
    assert set(report["per_class"]) == set(labels)


def test_coding_classify_train_command_writes_a_model(tmp_path: Path) -> None:
    write_pentaclass(tmp_path)
    out = tmp_path / "pentaclass.npz"
    result = CliRunner().invoke(
        cli, ["train", "pentaclass", "--data", str(tmp_path), "--folds", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "2-fold cross-validation on 12 items" in result.output and out.is_file()


def test_coding_classify_missing_training_file_is_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        train("case2021", tmp_path)


def test_coding_classify_unreadable_model_is_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_text("not a model")
    with pytest.raises(ConfigError, match="cannot be read"):
        load(bad)


@pytest.mark.parametrize("name", ["acled-sub-event", "case2021", "pentaclass"])
def test_coding_classify_shipped_models_load_and_say_how_they_were_made(name: str) -> None:
    model = builtin(name)
    assert model is not None, f"redline/data/models/{name}.npz is missing: run make models"
    assert model.meta["cross_validation"]["items"] > 0
    assert model.predict(["Protesters gathered outside parliament."])[0] in model.classes
