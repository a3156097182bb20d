"""Third-party browser code the dashboard needs, served from installed Python packages.

The dashboard must work offline and without a build step, so nothing comes from a CDN: the
chart library is the ``plotly.min.js`` that ships inside the ``plotly`` Python package.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

PLOTLY_ROUTE = "/vendor/plotly.min.js"


def plotly_js() -> Path | None:
    """The bundled ``plotly.min.js``, or None when plotly is not installed.

    Located without importing plotly: only the file is needed, not its Python side.
    """
    spec = find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "package_data" / "plotly.min.js"
        if path.is_file():
            return path
    return None


def add_vendor_routes(app: FastAPI) -> None:
    """Serve the vendored scripts; register before the dashboard's ``/`` mount, which would
    otherwise answer these paths with 404."""
    path = plotly_js()

    @app.get(PLOTLY_ROUTE, include_in_schema=False)
    def plotly() -> FileResponse:
        if path is None:
            raise HTTPException(404, "The chart library is missing: pip install 'plotly>=5.20'.")
        # Cached for a day: the file only changes when plotly is upgraded.
        return FileResponse(path, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip
