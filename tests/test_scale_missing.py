"""Without Ray installed, `--runner ray` says in one sentence how to install it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline.cli import cli
from redline.errors import MissingExtraError
from redline.scale.ray import INSTALL, require


def test_missing_ray_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(MissingExtraError, match=r"pip install 'redline\[ray\]'"):
        require()
    page = tmp_path / "a.txt"
    page.write_text("Protesters gathered outside the embassy in Baghdad on Tuesday. " * 3)
    result = CliRunner().invoke(
        cli, ["run", str(page), "--db", str(tmp_path / "s.duckdb"), "--runner", "ray"]
    )
    assert result.exit_code != 0 and INSTALL in result.output
    assert not (tmp_path / "s.duckdb").exists(), "nothing is read or written before the check"
