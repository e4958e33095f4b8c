"""One error hierarchy for every domain; ``rapport.web.errors`` renders it as HTML or JSON."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.core.i18n import N_


@dataclass(frozen=True)
class FieldError:
    loc: str
    msg: str
    type: str = "value_error"


class RapportError(Exception):
    status_code = 400
    title = N_("Bad request")

    def __init__(self, message: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


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

    def __init__(self, field: str, message: str, fix: str = "") -> None:
        text = f"{message} {fix}".strip()
        super().__init__(text, errors=[FieldError(loc=field, msg=text)])
        self.field = field


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
