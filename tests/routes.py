"""Walking the app's routes, also those FastAPI (>= 0.165) includes lazily."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def all_routes(app: FastAPI) -> list[Any]:
    """Every API route with its full path, methods and resolved dependencies."""
    found: list[Any] = []
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            found += list(route.effective_route_contexts())
        elif isinstance(route, APIRoute):
            found.append(route)
    return found


def workspace_routes(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    """(method, path, route) for every route scoped to a workspace by a {slug} in its path."""
    for route in all_routes(app):
        if "{slug}" in route.path:
            for method in sorted(set(route.methods) - {"HEAD"}):
                yield method, route.path, route
