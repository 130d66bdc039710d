"""engagekit's web service (``engagekit serve``) and static site (``engagekit publish``).

Imported only by those commands: FastAPI, Starlette and Jinja2 are loaded here, never by
``engagekit --help``. :func:`engagekit.web.app.create_app` builds the application.
"""
