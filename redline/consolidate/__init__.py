"""Consolidation: the reports of one real-world event become one event."""

from redline.consolidate.cluster import (
    Casualties,
    Incident,
    Link,
    Rules,
    Source,
    cluster,
    compatible,
    independent_sources,
    shingles,
)

__all__ = [
    "Casualties",
    "Incident",
    "Link",
    "Rules",
    "Source",
    "cluster",
    "compatible",
    "independent_sources",
    "shingles",
]
