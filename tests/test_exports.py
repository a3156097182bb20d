"""The public surface: __all__ is sorted and every name resolves."""

from __future__ import annotations

import redline


def test_exports_are_sorted_and_resolvable() -> None:
    assert redline.__all__ == sorted(redline.__all__), "keep redline.__all__ sorted"
    for name in redline.__all__:
        assert getattr(redline, name) is not None, name
