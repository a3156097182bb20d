"""Stage registry: versioned stage names mapped to ``module:Class`` strings.

Built-in stages are listed here as strings and imported only on lookup, so listing stages
imports no spaCy. Third-party stages come from the ``redline.stages`` entry-point group,
loaded on the first lookup rather than at import time.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from redline.errors import ConfigError

BUILTIN_STAGES: dict[str, str] = {
    "ingest.clean.v1": "redline.ingest.clean:Cleaner",
    "nlp.spacy.v1": "redline.nlp.parse:Parser",
    "coding.events.rules.v1": "redline.coding.events:RuleCoder",
    "coding.actors.dictionary.v1": "redline.coding.actors:ActorResolver",
}

_plugins: dict[str, str] | None = None


def _ensure_plugins_loaded() -> dict[str, str]:
    global _plugins
    if _plugins is None:
        _plugins = {ep.name: ep.value for ep in entry_points(group="redline.stages")}
    return _plugins


def names() -> list[str]:
    """All registered stage names, sorted.

    Example:
        >>> "coding.events.rules.v1" in names()
        True
    """
    return sorted({**BUILTIN_STAGES, **_ensure_plugins_loaded()})


def resolve(name: str) -> Any:
    """Import and return the class or function registered under ``name``.

    Raises ``ConfigError`` naming the closest known stage when ``name`` is unknown.
    """
    table = {**BUILTIN_STAGES, **_ensure_plugins_loaded()}
    target = table.get(name)
    if target is None:
        import difflib

        close = difflib.get_close_matches(name, table, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"Unknown stage '{name}'.{hint} Run `redline stages` to list them.")
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)
