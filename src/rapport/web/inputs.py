"""Control characters and oversized fields are refused in every text a request carries.

PostgreSQL can't store NUL at all (a NUL in any text field was a 500 there and stored on
SQLite), and the other C0 controls only hide text from the people who read it. This
dependency runs before every route's own dependencies and checks the path and query
parameters, form fields (not uploaded files) and every string in a JSON body, answering 422
with the field's name. Schemas also declare :class:`rapport.core.fields.PlainText`, which
says the same for input that reaches a service some other way.

It also puts a ceiling on every field, so that no form field or query parameter is unbounded
even where a route forgot its own limit: the exact limits (a name's 200 characters) are the
schemas' and the services' to check, with their own words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import Request

from rapport.core.fields import control_character_problem
from rapport.errors import ValidationFailed

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Twice the longest text anything accepts (the guard's 100,000 characters), so the guard can
# still explain a text that is somewhat too long in its own words, in the page.
MAX_FIELD_CHARS = 200_000
MAX_PARAMETER_CHARS = 2_000  # path and query parameters: slugs, filters, searches


async def refuse_control_characters(request: Request) -> None:
    """An app-wide dependency: 422 naming the first field with a control character."""
    _check(request.path_params.items(), MAX_PARAMETER_CHARS)
    _check(request.query_params.multi_items(), MAX_PARAMETER_CHARS)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_CONTENT_TYPES):
        form = await request.form()
        _check(
            ((key, value) for key, value in form.multi_items() if isinstance(value, str)),
            MAX_FIELD_CHARS,
        )
    elif "json" in content_type:
        body = await request.body()
        try:
            data = json.loads(body) if body else None
        except ValueError:
            return  # not JSON: the route's own validation says so
        _check(_json_strings(data), MAX_FIELD_CHARS)


def _check(items: Iterable[tuple[str, Any]], limit: int) -> None:
    for field, value in items:
        for text in (field, value):
            if not isinstance(text, str):
                continue
            if len(text) > limit:
                raise ValidationFailed(
                    field,
                    f"“{_printable(field)}” is {len(text):,} characters long; "
                    f"at most {limit:,} are accepted.",
                    "Shorten it.",
                )
            if problem := control_character_problem(text):
                raise ValidationFailed(field, f"“{_printable(field)}” {problem}.")


def _printable(field: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in field)[:80]


def _json_strings(data: Any) -> Iterator[tuple[str, Any]]:
    """(dotted path, string) for every key and string value in a JSON document."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else str(key)
                yield inner, key
                stack.append((inner, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{n}" if path else str(n), item) for n, item in enumerate(value))
        elif isinstance(value, str):
            yield path or "body", value
