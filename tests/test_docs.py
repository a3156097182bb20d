"""Docs cannot drift: every command, setting and stage is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline import registry
from redline.cli import cli
from redline.settings import SETTINGS

DOCS = Path(__file__).parent.parent / "docs"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_docs_every_command_is_in_the_cli_reference(command: str) -> None:
    assert f"## `redline {command}`" in (DOCS / "cli.md").read_text(), (
        f"`redline {command}` is missing from docs/cli.md: run `make docs`"
    )


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_docs_every_setting_is_documented(setting: str) -> None:
    assert f"| `{setting}` |" in (DOCS / "configuration.md").read_text()


@pytest.mark.parametrize("stage", registry.names())
def test_docs_every_stage_is_in_the_glossary(stage: str) -> None:
    assert f"`{stage}`" in (DOCS / "concepts.md").read_text()


def test_docs_cli_reference_is_current() -> None:
    from cogapp import Cog

    cog = Cog()
    cog.options.check = True
    cog.options.verbosity = 0
    assert cog.main(["cog", "--check", str(DOCS / "cli.md")]) == 0, (
        "docs/cli.md is stale: run `make docs`"
    )
