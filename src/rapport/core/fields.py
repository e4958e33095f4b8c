"""Checks every input field shares: bounded plain text, web addresses, sender addresses.

One place, so every schema, form and setting refuses the same things with the same words:

- :class:`PlainText` in a pydantic annotation (``Annotated[str, PlainText(200)]``) limits the
  length and refuses control characters (NUL and the other C0 controls except tab, line feed
  and carriage return, which text areas send). PostgreSQL can't store NUL at all, and the
  others only hide text from people reading it.
- :func:`web_url_problem` accepts ``http``/``https`` addresses with a host and nothing else
  (``javascript:…`` in a link is a script).
- :func:`sender_problem` accepts ``address`` or ``Name <address>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_problem(value: str) -> str | None:
    """Why ``value`` can't be stored as text (a control character, named), else None."""
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    return (
        f"contains a control character ({code}) at position {found.start() + 1}; "
        "remove it (it is often left over from copying text)"
    )


def refuse_control_characters(value: str) -> str:
    """A pydantic validator: ``value`` unchanged, or ValueError naming the character."""
    if problem := control_character_problem(value):
        raise ValueError(problem)
    return value


@dataclass(frozen=True)
class PlainText:
    """Annotation for a text field: at most ``max_length`` characters, no control characters.

    The length is checked first (cheap) and the message counts like people do ("100,000");
    the JSON schema carries ``maxLength`` so the API documents the limit.
    """

    max_length: int
    min_length: int = 0

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["maxLength"] = self.max_length
        if self.min_length:
            json_schema["minLength"] = self.min_length
        return json_schema

    def validate(self, value: str) -> str:
        if len(value) > self.max_length:
            raise ValueError(
                f"is {len(value):,} characters long; at most {self.max_length:,} are allowed"
            )
        if len(value) < self.min_length:
            raise ValueError("must not be empty" if self.min_length == 1 else "is too short")
        return refuse_control_characters(value)


def web_url_problem(value: str) -> str | None:
    """Why ``value`` is not a web address people can open (http or https, with a host)."""
    if control_character_problem(value) or any(c.isspace() for c in value):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "is not a valid web address"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if not host:
        return "needs a host name after http:// or https://"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    return None


def sender_problem(value: str) -> str | None:
    """Why ``value`` is not a sender such as ``Rapport <rapport@example.org>``, else None."""
    if control_character_problem(value):
        return "must not contain control characters"
    # localhost is fine for a sender (development); the validator refuses special-use names.
    checked = re.sub(r"@localhost(>?)$", r"@localhost.example.org\1", value.strip())
    try:
        validate_email(
            checked,
            allow_display_name=True,
            check_deliverability=False,
            globally_deliverable=False,
        )
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        return f"is not an address or “Name <address>” ({reason[:1].lower()}{reason[1:]})"
    return None
