"""The web face: a JSON API over read snapshots of the store, and the dashboard."""
