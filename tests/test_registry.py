"""Registry: stage names are a reviewed snapshot and resolve lazily."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redline import registry
from redline.errors import ConfigError


def test_registry_names_match_snapshot() -> None:
    snapshot = json.loads((Path(__file__).parent / "stages.json").read_text())
    assert registry.names() == snapshot, "stage renamed or removed: update tests/stages.json"


def test_registry_resolves_builtin_stage() -> None:
    from redline.ingest.clean import Cleaner

    assert registry.resolve("ingest.clean.v1") is Cleaner


def test_registry_unknown_stage_suggests_the_closest() -> None:
    with pytest.raises(ConfigError, match=r"Did you mean 'coding\.events\.rules\.v1'"):
        registry.resolve("coding.events.rule.v1")


def test_registry_import_has_no_side_effects() -> None:
    code = (
        "import sys, logging, redline, redline.registry;"
        "redline.registry.names();"
        "assert 'spacy' not in sys.modules, 'spacy imported';"
        "assert 'duckdb' not in sys.modules, 'duckdb imported';"
        "assert not logging.getLogger().handlers, 'logging configured'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
