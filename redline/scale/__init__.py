"""Runners beyond one process: the same stages on a distributed engine (Ray)."""
