"""``engagekit serve``: the web service (public pages, JSON API, Open Referral UK) on uvicorn."""

from __future__ import annotations

import click

from engagekit.cli.app import App, pass_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS", help="The address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="N", help="The port to listen on."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="Worker processes. More than one wants a PostgreSQL store (SQLite serves one machine).",
)
@pass_app
def serve(app: App, host: str, port: int, workers: int) -> None:
    """Serve the public pages, the JSON API and the Open Referral UK API over HTTP.

    / lists the councils, /councils/ID is a council's dashboard (?as_of=YYYY-MM-DD for
    another date) with its downloads, /api/ the JSON API (its OpenAPI document at
    /api/openapi.json), /councils/ID/oruk/ the Open Referral UK API and /healthz answers
    'ok'. Nothing needs signing in. Records come from the store the settings name
    (ENGAGEKIT_DATABASE_URL); ENGAGEKIT_PUBLIC_BASE_URL=https://... turns on HSTS. Each
    request is logged as a JSON line on standard error. Put it behind a reverse proxy that
    terminates TLS (docs/web.md); it listens on 127.0.0.1 unless told otherwise.

    \b
    Examples:
      engagekit serve
      engagekit serve --port 8080
      ENGAGEKIT_DATABASE_URL=postgresql+psycopg://engagekit@db/engagekit engagekit serve --workers 2
    """
    import uvicorn

    from engagekit.web.app import create_app

    settings = app.settings()  # a bad setting is one line here, before anything listens
    options = {"host": host, "port": port, "access_log": False, "server_header": False, "proxy_headers": True}
    if workers == 1:
        uvicorn.run(create_app(settings, host=app.host), **options)  # type: ignore[arg-type]
    else:
        uvicorn.run("engagekit.web.app:from_environment", factory=True, workers=workers, **options)  # type: ignore[arg-type]
