"""The consent registry: record, list, revoke; which consents count on a given day.

Validity is decided when a text or image is checked, not only when the consent is entered:
a consent that has since expired or been revoked no longer covers anyone.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.core.files import create_private, make_private_dir
from rapport.core.i18n import N_
from rapport.errors import Conflict, NotFound, ValidationFailed
from rapport.guard.consent.models import Consent
from rapport.guard.detect.model import CONSENT_KINDS
from rapport.workspaces import User, Workspace, record_audit

MAX_FORM_BYTES = 10 * 1024 * 1024
STATUSES = ("valid", "expired", "revoked")
CHANNELS = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "mastodon",
    "bluesky",
    "pinterest",
    "youtube",
    "tiktok",
    "website",
    "newsletter",
    "print",
)
# The scanned form is recognised by its first bytes, never by the name or the browser's word.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_SCOPE_ITEMS = 20


@dataclass(frozen=True)
class Attachment:
    """An uploaded file as received: the original name, what the browser said, the bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ConsentInput:
    person_name: str
    kind: str
    signed_on: date | None
    expires_on: date | None = None
    channels: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    notes: str = ""
    form: Attachment | None = field(default=None, repr=False)
    # The explicit choice of the web form: True = every channel (purpose), False = only those
    # listed. None keeps the API's older rule (an empty list means every channel).
    every_channel: bool | None = None
    every_purpose: bool | None = None


def today_for(workspace: Workspace) -> date:
    """The current date in the practice's own time zone."""
    return clock.to_local(clock.now(), workspace.timezone or "UTC").date()


def _clean_scope(name: str, values: tuple[str, ...]) -> list[str]:
    items = sorted({v.strip().lower() for v in values if v.strip()})
    if len(items) > MAX_SCOPE_ITEMS:
        raise ValidationFailed(name, f"At most {MAX_SCOPE_ITEMS} {name} may be listed.")
    for item in items:
        if not _SLUG.match(item):
            raise ValidationFailed(
                name,
                f"“{item[:40]}” is not a valid entry.",
                "Use short lowercase words such as “instagram” or “education”.",
            )
    return items


def check_input(data: ConsentInput, today: date) -> list[ValidationFailed]:
    """Every problem with ``data`` at once (an empty list when it is fine)."""
    problems: list[ValidationFailed] = []

    def problem(field_name: str, message: str, fix: str = "", **params: object) -> None:
        problems.append(ValidationFailed(field_name, message, fix, params=params))

    name = data.person_name.strip()
    if not name:
        problem("person_name", N_("Enter the name of the person who signed."))
    elif len(name) > 200:
        problem("person_name", N_("The name is too long (200 characters at most)."))
    if data.kind not in CONSENT_KINDS:
        problem("kind", N_("Choose what may be published."))
    if data.signed_on is None:
        problem("signed_on", N_("Enter the date the form was signed."))
    elif data.signed_on > today:
        problem("signed_on", N_("The signing date can't be in the future."))
    if data.expires_on and data.signed_on and data.expires_on < data.signed_on:
        problem("expires_on", N_("The expiry date must be on or after the signing date."))
    if data.every_channel is False and not any(c.strip() for c in data.channels):
        problem("channels", N_("Tick the channels it covers, or choose every channel."))
    if data.every_purpose is False and not any(p.strip() for p in data.purposes):
        problem("purposes", N_("List the purposes it covers, or choose every purpose."))
    if len(data.notes) > 2000:
        problem("notes", N_("Notes are too long (2,000 characters at most)."))
    return problems


def _check_input(data: ConsentInput, today: date) -> None:
    if problems := check_input(data, today):
        raise ValidationFailed.combine(problems)


def sniff_form(form: Attachment) -> tuple[str, str]:
    """The content type and extension of a scanned form; ValidationFailed if it isn't one."""
    if not form.data:
        raise ValidationFailed(
            "form_file", "The uploaded file is empty.", "Choose the scanned form."
        )
    if len(form.data) > MAX_FORM_BYTES:
        raise ValidationFailed(
            "form_file", "The file is larger than 10 MB.", "Scan at a lower resolution."
        )
    for magic, content_type, ext in _SIGNATURES:
        if form.data.startswith(magic):
            return content_type, ext
    raise ValidationFailed(
        "form_file", "The file is not a PDF, JPEG or PNG.", "Upload the scan as one of those."
    )


def _store_form(form: Attachment, *, data_dir: Path, workspace_id: int) -> tuple[str, str]:
    content_type, ext = sniff_form(form)
    relative = Path("uploads") / str(workspace_id) / f"{secrets.token_hex(16)}{ext}"
    target = data_dir / relative
    make_private_dir(target.parent)
    with create_private(target) as handle:  # forms name patients: owner-only, like the database
        handle.write(form.data)
    return str(relative), content_type


def record_consent(
    session: Session,
    *,
    workspace: Workspace,
    data: ConsentInput,
    actor: User | None,
    data_dir: Path,
) -> Consent:
    """Validate and store a consent (and its scanned form); writes ``consent.recorded``."""
    _check_input(data, today_for(workspace))
    channels = [] if data.every_channel else _clean_scope("channels", data.channels)
    purposes = [] if data.every_purpose else _clean_scope("purposes", data.purposes)
    if data.form is not None:
        sniff_form(data.form)  # refuse a bad file before anything is written
    assert data.signed_on is not None
    consent = Consent(
        workspace_id=workspace.id,
        person_name=data.person_name.strip(),
        kind=data.kind,
        channels=channels,
        purposes=purposes,
        signed_on=data.signed_on,
        expires_on=data.expires_on,
        notes=data.notes.strip(),
        created_by_id=actor.id if actor else None,
    )
    if data.form is not None:
        consent.form_path, consent.form_type = _store_form(
            data.form, data_dir=data_dir, workspace_id=workspace.id
        )
        consent.form_name = Path(data.form.filename or "form").name[:255]
        consent.form_size = len(data.form.data)
    session.add(consent)
    session.flush()
    _audit(session, consent, actor, "consent.recorded", _summary(consent))
    return consent


def attach_form(
    session: Session,
    *,
    workspace: Workspace,
    consent_id: int,
    form: Attachment,
    actor: User | None,
    data_dir: Path,
) -> Consent:
    """Attach (or replace) the scanned form of a consent; writes ``consent.form_attached``.

    A replaced file stays on disk: the audit trail may still refer to what was attached.
    """
    consent = get_consent(session, workspace=workspace, consent_id=consent_id)
    consent.form_path, consent.form_type = _store_form(
        form, data_dir=data_dir, workspace_id=workspace.id
    )
    consent.form_name = Path(form.filename or "form").name[:255]
    consent.form_size = len(form.data)
    session.flush()
    summary: dict[str, object] = {"form_name": consent.form_name, "form_size": consent.form_size}
    _audit(session, consent, actor, "consent.form_attached", summary)
    return consent


def _summary(consent: Consent) -> dict[str, object]:
    return {
        "person_name": consent.person_name,
        "kind": consent.kind,
        "channels": list(consent.channels),
        "purposes": list(consent.purposes),
        "signed_on": consent.signed_on.isoformat(),
        "expires_on": consent.expires_on.isoformat() if consent.expires_on else None,
        "form_attached": bool(consent.form_path),
    }


def _audit(
    session: Session, consent: Consent, actor: User | None, action: str, summary: dict[str, object]
) -> None:
    record_audit(
        session,
        workspace_id=consent.workspace_id,
        actor=actor,
        action=action,
        object_type="consent",
        object_id=consent.id,
        summary=summary,
    )


def get_consent(session: Session, *, workspace: Workspace, consent_id: int) -> Consent:
    """The workspace's consent; NotFound for another workspace's id, to hide it."""
    consent = session.scalar(
        select(Consent).where(Consent.id == consent_id, Consent.workspace_id == workspace.id)
    )
    if consent is None:
        raise NotFound(f"No consent #{consent_id} in this workspace.")
    return consent


def revoke_consent(
    session: Session,
    *,
    workspace: Workspace,
    consent_id: int,
    reason: str,
    actor: User | None,
) -> Consent:
    """Revoke as of today; it stops covering anyone at once. Writes ``consent.revoked``."""
    consent = get_consent(session, workspace=workspace, consent_id=consent_id)
    if consent.revoked_on is not None:
        raise Conflict(f"This consent was already revoked on {consent.revoked_on.isoformat()}.")
    reason = reason.strip()
    if len(reason) < 3:
        raise ValidationFailed("reason", "Say why the consent is revoked (e.g. “asked by phone”).")
    if len(reason) > 1000:
        raise ValidationFailed("reason", "The reason is too long (1,000 characters at most).")
    consent.revoked_on = today_for(workspace)
    consent.revoked_reason = reason
    session.flush()
    summary: dict[str, object] = {
        "person_name": consent.person_name,
        "kind": consent.kind,
        "reason": reason,
    }
    _audit(session, consent, actor, "consent.revoked", summary)
    return consent


def _valid_on(day: date) -> tuple[ColumnElement[bool], ...]:
    return (
        Consent.signed_on <= day,
        or_(Consent.expires_on.is_(None), Consent.expires_on >= day),
        or_(Consent.revoked_on.is_(None), Consent.revoked_on > day),
    )


def list_consents(
    session: Session,
    *,
    workspace: Workspace,
    status: str = "",
    search: str = "",
    on: date | None = None,
) -> list[Consent]:
    """Newest first; ``status`` is valid, expired, revoked or empty for all."""
    day = on or today_for(workspace)
    query = select(Consent).where(Consent.workspace_id == workspace.id)
    if search.strip():
        query = query.where(
            Consent.person_name.ilike(f"%{_escape_like(search.strip())}%", escape="\\")
        )
    if status == "valid":
        query = query.where(*_valid_on(day))
    elif status == "revoked":
        query = query.where(Consent.revoked_on.is_not(None), Consent.revoked_on <= day)
    elif status == "expired":
        query = query.where(
            Consent.expires_on < day, or_(Consent.revoked_on.is_(None), Consent.revoked_on > day)
        )
    elif status:
        raise ValidationFailed("status", f"Filter by one of: {', '.join(STATUSES)}.")
    return list(session.scalars(query.order_by(Consent.signed_on.desc(), Consent.id.desc())))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def valid_consents(
    session: Session, *, workspace: Workspace, on: date | None = None
) -> list[Consent]:
    """Consents that count on ``on`` (default: today in the practice's time zone)."""
    return list_consents(session, workspace=workspace, status="valid", on=on)


def form_file(consent: Consent, *, data_dir: Path) -> Path:
    """Where the scanned form is; NotFound when none was attached or the file is gone."""
    if not consent.form_path:
        raise NotFound("No scanned form is attached to this consent.")
    path = (data_dir / consent.form_path).resolve()
    uploads = (data_dir / "uploads").resolve()
    if uploads not in path.parents or not path.is_file():
        raise NotFound("The scanned form of this consent is missing from the data directory.")
    return path
