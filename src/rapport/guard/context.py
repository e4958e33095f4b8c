"""The guard's view of a workspace: its own details, staff, valid consents and policy.

Built fresh for every check, so a consent that expired or was revoked since yesterday, or a
policy changed a minute ago, takes effect at once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from rapport.core.slots import WorkSlots
from rapport.errors import ExternalServiceError, ValidationFailed
from rapport.guard import check
from rapport.guard.consent.models import Consent
from rapport.guard.consent.service import today_for, valid_consents
from rapport.guard.detect.model import (
    KINDS,
    LANGS,
    MAX_TEXT_LENGTH,
    ConsentRef,
    GuardContext,
    Report,
    StaffMember,
)
from rapport.guard.images import ImageReport, OcrUnavailable, check_image
from rapport.guard.imaging.metadata import UnreadableImage
from rapport.guard.policy import get_policy
from rapport.workspaces import Workspace


def _present(*values: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v and v.strip())


def consent_ref(consent: Consent) -> ConsentRef:
    return ConsentRef(
        person_name=consent.person_name,
        kind=consent.kind,
        channels=tuple(consent.channels),
        purposes=tuple(consent.purposes),
        signed_on=consent.signed_on,
        expires_on=consent.expires_on,
        revoked_on=consent.revoked_on,
    )


def context_for_workspace(
    session: Session,
    *,
    workspace: Workspace,
    channel: str | None = None,
    purpose: str | None = None,
) -> GuardContext:
    """Everything the engine needs to tell the practice's own words from a patient's."""
    today = today_for(workspace)
    policy = get_policy(session, workspace=workspace)
    consents = valid_consents(session, workspace=workspace, on=today)
    return GuardContext(
        practice_names=_present(workspace.name, workspace.organisation.name),
        phones=_present(workspace.phone),
        emails=_present(workspace.email),
        addresses=_present(workspace.address),
        websites=_present(workspace.website),
        staff=tuple(StaffMember(s.name, s.title) for s in workspace.staff),
        consents=tuple(consent_ref(c) for c in consents),
        channel=channel,
        purpose=purpose,
        today=today,
        allow_terms=policy.allow_terms,
        deny_terms=policy.deny_terms,
        policy=policy.severities,
    )


def validate_request(*, text: str, kind: str, lang: str) -> None:
    """Bad input gets a message naming the field and the fix, before the engine runs."""
    if not text.strip():
        raise ValidationFailed("text", "The text is empty.", "Type or paste the text to check.")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationFailed(
            "text",
            f"The text is {len(text):,} characters long; the limit is {MAX_TEXT_LENGTH:,}.",
            "Check it in parts.",
        )
    if kind not in KINDS:
        raise ValidationFailed(
            "kind", f"Unknown kind “{kind[:20]}”.", f"Use one of: {', '.join(KINDS)}."
        )
    if lang not in LANGS:
        raise ValidationFailed(
            "lang", f"Unknown language “{lang[:20]}”.", f"Use one of: {', '.join(LANGS)}."
        )


def check_text(
    *, text: str, kind: str = "post", lang: str = "auto", context: GuardContext | None = None
) -> Report:
    """Validate, then run the text engine (an empty context when there is no workspace)."""
    validate_request(text=text, kind=kind, lang=lang)
    return check(text, kind=kind, lang=lang, context=context or GuardContext())


MAX_IMAGE_BYTES = 25 * 1024 * 1024
# Two at once on the 2-core machine a practice typically runs; the rest wait up to 20 s.
IMAGE_CHECKS = WorkSlots("image check", slots=2, wait_seconds=20, retry_after=10)


def check_image_upload(
    data: bytes,
    *,
    kind: str = "post",
    context: GuardContext | None = None,
    consented_faces: int = 0,
) -> ImageReport:
    """Run the image check; a file that is not an image becomes a 422 naming ``file``."""
    if not data:
        raise ValidationFailed(
            "file", "The file is empty.", "Choose a JPEG, PNG, WebP or GIF image."
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationFailed(
            "file", "The image is larger than 25 MB.", "Resize it and try again."
        )
    if kind not in KINDS:
        raise ValidationFailed(
            "kind", f"Unknown kind “{kind[:20]}”.", f"Use one of: {', '.join(KINDS)}."
        )
    try:
        with IMAGE_CHECKS.slot():
            return check_image(
                data, kind=kind, context=context or GuardContext(), consented_faces=consented_faces
            )
    except OcrUnavailable as exc:
        raise ExternalServiceError(f"The text in the image could not be read: {exc}") from exc
    except UnreadableImage as exc:
        # Its message already says what is wrong and which formats work: say it once.
        raise ValidationFailed("file", str(exc)) from exc
    except ValueError as exc:
        raise ValidationFailed(
            "file", f"This file can't be checked: {exc}", "Upload a JPEG, PNG, WebP or GIF image."
        ) from exc
