"""The consent registry: who agreed to be featured, where, for what, and until when."""

from __future__ import annotations

from rapport.guard.consent.models import Consent
from rapport.guard.consent.service import (
    CHANNELS,
    MAX_FORM_BYTES,
    STATUSES,
    Attachment,
    ConsentInput,
    attach_form,
    form_file,
    get_consent,
    list_consents,
    record_consent,
    revoke_consent,
    today_for,
    valid_consents,
)

__all__ = [
    "CHANNELS",
    "MAX_FORM_BYTES",
    "STATUSES",
    "Attachment",
    "Consent",
    "ConsentInput",
    "attach_form",
    "form_file",
    "get_consent",
    "list_consents",
    "record_consent",
    "revoke_consent",
    "today_for",
    "valid_consents",
]
