"""Interop: exports in the formats analysts load, imports of other datasets, comparison."""
