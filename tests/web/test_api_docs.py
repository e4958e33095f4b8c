"""The OpenAPI document people read at /api/docs: every operation has a human summary and a
description, says how to authenticate and which permission it needs, and the page itself
loads only local files and runs no inline script."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from rapport.web.api_docs import SCHEME, authentication_need, operations, required_permission


def _generated(route_name: str) -> str:
    """FastAPI's summary when none is given: the function name, title-cased ("List Api")."""
    return route_name.replace("_", " ").title()


def test_every_operation_has_a_written_summary_and_a_description(app: FastAPI) -> None:
    schema = app.openapi()
    found = list(operations(app, schema))
    assert len(found) >= 30
    missing = [
        f"{route.path} {route.name}"
        for route, operation in found
        if route.summary is None
        or operation["summary"] == _generated(route.name)
        or operation["summary"].endswith(" Api")
        or not (route.description or "").strip()
    ]
    assert missing == [], "give these a summary= and a docstring"


def test_the_bearer_token_is_declared_and_required_where_it_is(app: FastAPI) -> None:
    schema = app.openapi()
    assert schema["components"]["securitySchemes"][SCHEME] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "rpt_…",
        "description": schema["components"]["securitySchemes"][SCHEME]["description"],
    }
    needs = {}
    for route, operation in operations(app, schema):
        needs[route.path] = authentication_need(route)
        if needs[route.path] == "required":
            assert operation["security"] == [{SCHEME: []}], route.path
        if permission := required_permission(route):
            assert f"`{permission}`" in operation["description"], route.path
    assert needs["/healthz"] == "none" and "security" not in schema["paths"]["/healthz"]["get"]
    assert needs["/api/v1/workspaces/{slug}/members"] == "required"


def test_the_docs_page_is_local_and_runs_no_inline_script(client: TestClient) -> None:
    page = client.get("/api/docs")
    html = page.text
    assert '<html lang="en">' in html and "<main" in html
    assert "/static/vendor/swagger-ui-bundle.js" in html and "/static/api-docs.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html
    script_src = next(
        part for part in page.headers["content-security-policy"].split(";") if "script-src" in part
    )
    assert "unsafe-inline" not in script_src
    for asset in ("/static/api-docs.js", "/static/api-docs.css", "/static/vendor/swagger-ui.css"):
        assert client.get(asset).status_code == 200, asset
