"""One error hierarchy for every domain; ``rapport.web.errors`` renders it as HTML or JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapport.core.i18n import N_, gettext


class Msgid(str):
    """A parameter that is itself a catalog message (a role's name, a permission): shown in
    the reader's language like the sentence around it."""


def translate(template: str, params: Mapping[str, Any] | None = None) -> str:
    """``template`` in the current language, with ``params`` filled in (Msgid ones translated).

    Messages are English sentences; one the catalog does not know is shown as it is.
    """
    if not template:
        return ""
    if not params:
        return gettext(template)
    values = {k: gettext(v) if isinstance(v, Msgid) else v for k, v in params.items()}
    try:
        return gettext(template) % values
    except (KeyError, ValueError, TypeError):
        return template % dict(params)


@dataclass(frozen=True)
class FieldError:
    loc: str
    msg: str
    type: str = "value_error"
    # The sentence's parts as catalog messages with their parameters, for ``localized``.
    parts: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    def localized(self) -> str:
        """The message in the reader's language (``msg`` stays English for the API)."""
        if not self.parts:
            return gettext(self.msg)
        return " ".join(translate(p, self.params) for p in self.parts if p)


class RapportError(Exception):
    """``message`` is an English sentence, a catalog message; with ``params`` it is a
    template (``%(name)s``) filled in for ``message`` and translated by ``localized``."""

    status_code = 400
    title = N_("Bad request")

    def __init__(
        self,
        message: str,
        *,
        errors: list[FieldError] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = message
        self.params = dict(params or {})
        text = message % self.params if self.params else message
        super().__init__(text)
        self.message = text
        self.errors = errors or []

    def localized(self) -> str:
        """The message in the current language, for pages (the API keeps the English)."""
        return translate(self.template, self.params)


class NotFound(RapportError):
    status_code = 404
    title = N_("Not found")


class PermissionDenied(RapportError):
    status_code = 403
    title = N_("Not allowed")


class NotAuthenticated(RapportError):
    status_code = 401
    title = N_("Sign-in required")


class ValidationFailed(RapportError):
    """Bad input: names the field, what is wrong and how to fix it."""

    status_code = 422
    title = N_("Please correct the highlighted field")

    def __init__(
        self, field: str, message: str, fix: str = "", params: Mapping[str, Any] | None = None
    ) -> None:
        values = dict(params or {})
        english = " ".join(p % values if values else p for p in (message, fix) if p)
        error = FieldError(loc=field, msg=english, parts=(message, fix), params=values)
        super().__init__(english, errors=[error])
        self.field = field
        self.parts = (message, fix)
        self.params = values

    def localized(self) -> str:
        return " ".join(e.localized() for e in self.errors)

    @classmethod
    def combine(cls, failures: Sequence[ValidationFailed]) -> ValidationFailed:
        """One error naming every bad field, so a form shows all its problems at once."""
        combined = failures[0]
        combined.errors = [e for failure in failures for e in failure.errors]
        combined.message = " ".join(e.msg for e in combined.errors)
        return combined


class Conflict(RapportError):
    status_code = 409
    title = N_("Conflict")


class RateLimited(RapportError):
    status_code = 429
    title = N_("Too many attempts")


class ExternalServiceError(RapportError):
    """A network or outside service failed; ``permanent`` says whether retrying can help."""

    status_code = 502
    title = N_("An outside service failed")

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ServiceBusy(RapportError):
    """Too much at once right now: the client should try again after ``retry_after`` seconds."""

    status_code = 503
    title = N_("Busy, please try again shortly")

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DatabaseBusy(ServiceBusy):
    """The database stayed locked by other writers past the retry budget."""

    def __init__(self) -> None:
        super().__init__(
            "The database is busy with other changes. Nothing was changed; try again in a few "
            "seconds.",
            retry_after=2,
        )
