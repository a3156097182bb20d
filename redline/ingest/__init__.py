"""Ingest: read files, folders and URLs, strip boilerplate, and produce articles."""

from redline.ingest.clean import Cleaner, content_id
from redline.ingest.fetch import fetch
from redline.ingest.sources import read

__all__ = ["Cleaner", "content_id", "fetch", "read"]
