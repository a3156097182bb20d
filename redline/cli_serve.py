"""`redline serve`: the JSON API and the dashboard on one local port."""

from __future__ import annotations

import click

from redline.cli_common import _errors, _settings, db_option, rules_option


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@rules_option
@click.pass_context
def serve(ctx: click.Context, db: str | None, host: str, port: int, rules_path: str | None) -> None:
    """Serve the dashboard and the JSON API over the store (read-only without a token).

    The server reads snapshots of the store, so `redline run` and `redline watch` can write
    meanwhile; writes through the API (ingest, rules) need the api_token setting.
    """
    try:
        import uvicorn

        from redline.serve.app import create_app
        from redline.serve.snapshot import Snapshots
    except ImportError:  # pragma: no cover - fastapi and uvicorn are core dependencies
        raise click.ClickException(
            "The server needs fastapi and uvicorn: pip install redline"
        ) from None
    with _errors():
        settings = _settings(ctx, db=db)
        snapshots = Snapshots(settings.db)
        app = create_app(settings, snapshots=snapshots, rules_path=rules_path)
    writes = "on (token set)" if settings.api_token else "off (no api_token)"
    click.echo(f"redline on http://{host}:{port}/ over {settings.db}; writes {writes}", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        snapshots.close()
