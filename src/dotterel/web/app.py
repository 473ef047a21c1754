"""The FastAPI application: API, pages, static files, security headers, error answers.

    app = create_app("events.db")

Nothing here writes: each request opens the store read-only (SQLite URI mode=ro). Article text is
untrusted: templates autoescape everything, scripts put text into the page with textContent only,
and a Content-Security-Policy allows scripts and styles from this server alone (no CDN, no inline).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import TypedDict

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dotterel import __version__
from dotterel.errors import DotterelError
from dotterel.store.db import StoreError
from dotterel.store.evidence import NotFoundError
from dotterel.web import api, pages

MAX_URL = 4096  # characters of path and query string

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("dotterel.web").joinpath(name)))


def templates() -> Environment:
    """The page templates; autoescaping is on for every template (articles are untrusted)."""
    env = Environment(
        loader=FileSystemLoader(_package_dir("templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def create_app(db_path: str | Path) -> FastAPI:
    """The web view of the store at db_path (opened read-only on each request)."""
    app = FastAPI(
        title="dotterel",
        version=__version__,
        description="Read-only API over a dotterel event store: events with their evidence, timelines, "
        "the actor network, places and articles. Filters are those of `dotterel events`.",
        docs_url=None,  # the default docs load scripts from a CDN; /docs here is our own page
        redoc_url=None,
    )
    app.state.db_path = Path(db_path)
    app.state.templates = templates()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=_package_dir("static")), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if len(request.url.path) + len(request.url.query) > MAX_URL:
            return JSONResponse({"detail": f"request URL longer than {MAX_URL} characters"}, status_code=414)
        if request.method not in ("GET", "HEAD"):
            return JSONResponse({"detail": "this view is read-only: GET requests only"}, status_code=405)
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def answer(request: Request, status: int, message: str) -> Response:
        message = message.removeprefix(f"{app.state.db_path}: ")  # no server paths in answers
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": message}, status_code=status)
        html = app.state.templates.get_template("error.html").render(status=status, message=message, page="")
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return answer(request, 404, str(exc))

    @app.exception_handler(StoreError)
    async def unavailable(request: Request, exc: StoreError) -> Response:
        return answer(request, 503, str(exc))

    @app.exception_handler(DotterelError)
    async def bad_request(request: Request, exc: DotterelError) -> Response:
        return answer(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _plain_errors(exc)}, status_code=422)
        return answer(request, 422, "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in _plain_errors(exc)))

    return app


class _PlainError(TypedDict):
    loc: list[str | int]  # where: ("query", "since"), ...
    msg: str
    type: object


def _plain_errors(exc: RequestValidationError) -> list[_PlainError]:
    """Validation errors without the offending input echoed back (it may be anything)."""
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")} for e in exc.errors()
    ]
