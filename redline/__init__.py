"""redline: news text in, coded political-conflict events out, with the evidence.

Importing the package loads no model and touches nothing outside the process.
"""

from redline.errors import ConfigError, RedlineError, StoreError
from redline.model import (
    ActorRef,
    Article,
    Event,
    EventDate,
    Evidence,
    Failure,
    Place,
    Realis,
    RunResult,
    RunSummary,
)
from redline.settings import Settings
from redline.settings import load as load_settings

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # Pipeline and Store pull in DuckDB and Arrow; resolve them on first use only.
    if name == "Pipeline":
        from redline.pipeline import Pipeline

        return Pipeline
    if name == "Store":
        from redline.store import Store

        return Store
    raise AttributeError(f"module 'redline' has no attribute {name!r}")


__all__ = [
    "ActorRef",
    "Article",
    "ConfigError",
    "Event",
    "EventDate",
    "Evidence",
    "Failure",
    "Pipeline",
    "Place",
    "Realis",
    "RedlineError",
    "RunResult",
    "RunSummary",
    "Settings",
    "Store",
    "StoreError",
    "__version__",
    "load_settings",
]
