"""The one error handler: RapportError → problem+json for the API, a page or a form for HTML."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from rapport.core.dbconn import connection_problem
from rapport.core.i18n import N_, gettext
from rapport.errors import DatabaseBusy, FieldError, NotAuthenticated, RapportError, ServiceBusy

log = logging.getLogger("rapport.web")

PROBLEM_JSON = "application/problem+json"

PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "required": ["title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "string"},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
_DESCRIPTIONS = {
    400: "Bad request",
    401: "Sign-in or a valid API token is required",
    403: "Your role may not do this",
    404: "Not found, or not yours to see",
    409: "Conflicts with the current state",
    422: "Invalid input: `errors` names each field and the fix",
    429: "Too many attempts",
    503: "Busy: try again after the seconds in the Retry-After header",
}
API_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}
    for code, text in _DESCRIPTIONS.items()
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def _sentence(error: dict[str, Any]) -> FieldError:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form")]
    field = ".".join(loc) or "request"
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return FieldError(loc=field, msg=f"{field}: {message}", type=str(error.get("type", "")))


def problem(status: int, title: str, detail: str, errors: list[FieldError]) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": [{"loc": e.loc, "msg": e.msg, "type": e.type} for e in errors],
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def render_error_page(request: Request, status: int, title: str, detail: str) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "errors/error.html",
        {"status": status, "title": title, "detail": gettext(detail)},
        status_code=status,
    )


async def handle_rapport_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RapportError)
    response = _rapport_error_response(request, exc)
    if isinstance(exc, ServiceBusy):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _rapport_error_response(request: Request, exc: RapportError) -> Response:
    if wants_json(request):
        return problem(exc.status_code, exc.title, exc.message, exc.errors)
    if isinstance(exc, NotAuthenticated):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    return render_error_page(request, exc.status_code, exc.title, exc.localized())


async def handle_database_error(request: Request, exc: Exception) -> Response:
    """SQLite's "database is locked" that outlived every retry is a busy server, not a crash."""
    if "locked" in str(exc) or "busy" in str(exc):
        return await handle_rapport_error(request, DatabaseBusy())
    settings = request.app.state.settings
    if problem := connection_problem(exc, settings.resolved_database_url):
        log.warning("%s %s: %s", request.method, request.url.path, problem.sentence())
        unreachable = ServiceBusy(
            "Rapport can't reach its database right now. Nothing was changed; try again in a "
            "minute, and tell whoever runs Rapport if it lasts.",
            retry_after=30,
        )
        return await handle_rapport_error(request, unreachable)
    return await handle_unexpected(request, exc)


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [_sentence(e) for e in exc.errors()]
    detail = "; ".join(e.msg for e in errors)
    if wants_json(request):
        return problem(422, "The request is not valid", detail, errors)
    return render_error_page(request, 422, N_("Please check what you entered"), detail)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    title = {
        404: N_("Not found"),
        405: N_("Method not allowed"),
        413: N_("Too large"),
    }.get(exc.status_code, N_("Error"))
    detail = str(exc.detail) if exc.detail else title
    if exc.status_code == 404:
        detail = N_("There is nothing at this address. Check the link or go back to Today.")
    if wants_json(request):
        return problem(exc.status_code, title, detail, [])
    return render_error_page(request, exc.status_code, title, detail)


async def handle_out_of_range(request: Request, exc: Exception) -> Response:
    """A number too big for the database (an id like 10**30), or a text longer than its
    column (PostgreSQL checks lengths, SQLite doesn't), is bad input, not a crash."""
    detail = "A number in the request is out of range. Check the ids and amounts you sent."
    if too_long := re.search(r"value too long for type character varying\((\d+)\)", str(exc)):
        detail = (
            f"A text in the request is longer than {too_long.group(1)} characters, the most "
            "that field holds. Shorten it."
        )
    errors = [FieldError(loc="request", msg=detail, type="out_of_range")]
    if wants_json(request):
        return problem(422, "The request is not valid", detail, errors)
    return render_error_page(request, 422, N_("Please check what you entered"), detail)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    request.state.auth, request.state.workspace_ctx, request.state.shell = None, None, {}
    detail = N_("Something went wrong on our side. Nothing was changed; please try again.")
    if wants_json(request):
        return problem(500, "Internal error", detail, [])
    return render_error_page(request, 500, N_("Internal error"), detail)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RapportError, handle_rapport_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(OverflowError, handle_out_of_range)
    app.add_exception_handler(DataError, handle_out_of_range)
    app.add_exception_handler(OperationalError, handle_database_error)
    app.add_exception_handler(Exception, handle_unexpected)
