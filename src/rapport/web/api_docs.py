"""The API's OpenAPI document and its docs page at /api/docs.

The document declares how to authenticate (an API token as a bearer token) per operation, so
Swagger UI shows an Authorize button and a padlock on each operation, and says which permission
an operation needs. The page is Swagger UI from npm (served from /static/vendor), started by a
script file rather than an inline one and themed by api-docs.css for WCAG AA contrast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts

from rapport.workspaces.roles import PERMISSIONS, ROLE_LABELS, ROLES

SCHEME = "apiToken"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "rpt_…",
    "description": (
        "An API token: create one under Settings → API tokens (or `rapport token create`). "
        "It acts in one workspace with one role. Paste it without the word Bearer."
    ),
}
DESCRIPTION = """Social media for healthcare practices, without leaking PHI.

**Authentication.** Create an API token under Settings → API tokens (owners) or with
`rapport token create`, then send it as `Authorization: Bearer rpt_…` — here: *Authorize*.
A token belongs to one workspace and acts with one role; each operation names the permission it
needs. Someone without access to a workspace gets 404, without the permission 403.

**Errors** are `application/problem+json` with `errors: [{loc, msg, type}]` naming the field
and the fix."""

Need = Literal["required", "optional", "none"]

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Rapport API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/vendor/swagger-ui.css">
  <link rel="stylesheet" href="/static/api-docs.css">
</head>
<body>
  <main id="swagger-ui" data-openapi-url="/api/openapi.json" aria-label="Rapport API">
    <p class="rp-docs-loading">Loading the API description…</p>
  </main>
  <script src="/static/vendor/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def docs_page() -> HTMLResponse:
    return HTMLResponse(PAGE)


def operations(app: FastAPI, schema: dict[str, Any]) -> Iterator[tuple[APIRoute, dict[str, Any]]]:
    """Each operation of the OpenAPI document with the route behind it (FastAPI >= 0.165
    includes routers lazily, so the document, not the route, says what is in it)."""
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "route", context)
        if not isinstance(route, APIRoute):
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                yield route, operation


def _dependencies(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _dependencies(dep)


def authentication_need(route: APIRoute) -> Need:
    """Whether the route needs a signed-in caller, takes one if there is one, or neither."""
    names = {getattr(call, "__name__", "") for call in _dependencies(route.dependant)}
    if "current_auth" in names:
        return "required"
    return "optional" if "optional_auth" in names else "none"


def required_permission(route: APIRoute) -> str | None:
    for call in _dependencies(route.dependant):
        if permission := getattr(call, "permission", None):
            return str(permission)
    return None


def _permission_note(permission: str) -> str:
    label, roles = PERMISSIONS[permission]
    names = ", ".join(ROLE_LABELS[r].lower() for r in ROLES if r in roles)
    return f"**Permission:** `{permission}` — {label.lower()} ({names})."


def _document(operation: dict[str, Any], route: APIRoute) -> None:
    need = authentication_need(route)
    if need == "required":
        operation["security"] = [{SCHEME: []}]
    elif need == "optional":
        operation["security"] = [{SCHEME: []}, {}]
    if permission := required_permission(route):
        note = _permission_note(permission)
        operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()


def install(app: FastAPI) -> None:
    """Serve /api/docs and add authentication and permissions to the OpenAPI document."""
    app.description = DESCRIPTION
    app.add_api_route("/api/docs", docs_page, include_in_schema=False)
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = plain()
        schema.setdefault("components", {})["securitySchemes"] = {SCHEME: SECURITY_SCHEME}
        for route, operation in operations(app, schema):
            _document(operation, route)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
