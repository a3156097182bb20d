"""Storage: the single-writer DuckDB store and its migrations."""

from redline.store.db import Store

__all__ = ["Store"]
