"""Settings: defaults, file, environment and overrides merge in that order."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.errors import ConfigError
from redline.settings import SETTINGS, Settings, load, names


def test_settings_defaults_match_the_table() -> None:
    defaults = Settings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default, setting.name
    assert names() == [s.name for s in SETTINGS]


def test_settings_precedence(tmp_path: Path) -> None:
    config = tmp_path / "redline.toml"
    config.write_text('[redline]\ndb = "file.duckdb"\nbatch_size = 8\nmin_chars = 50\n')
    merged = load(
        config,
        env={"REDLINE_BATCH_SIZE": "16", "REDLINE_MIN_CHARS": "60", "HOME": "/x"},
        overrides={"min_chars": 70, "db": None},
    )
    assert (merged.db, merged.batch_size, merged.min_chars) == ("file.duckdb", 16, 70)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("batch_size = 'many'\n", "must be a int"),
        ("colour = 'red'\n", "unknown setting 'colour'"),
        ("batch_size = \n", "not valid TOML"),
        ("batch_size = 0\n", "at least 1"),
    ],
)
def test_settings_bad_file_names_the_problem(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "redline.toml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load(config)


def test_settings_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load(tmp_path / "nope.toml")


def test_settings_languages_are_a_set() -> None:
    assert load(overrides={"languages": "en, FR"}).language_codes == {"en", "fr"}
