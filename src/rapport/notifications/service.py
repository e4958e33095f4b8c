"""Telling people things: in-app notifications and emails, per each user's preferences.

Nothing here commits. ``notify`` writes the in-app rows and enqueues the emails as
``notifications.send_email`` jobs in the caller's transaction, so they exist only if it commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rapport.config import Settings, get_settings
from rapport.core import clock
from rapport.core.i18n import N_, translations
from rapport.errors import NotFound, ValidationFailed
from rapport.jobs import JobRequest, count_rows, enqueue_many
from rapport.notifications.email import OutgoingEmail
from rapport.notifications.messages import check_message, render_message
from rapport.notifications.models import Notification, NotificationPreference
from rapport.workspaces import User

SEND_EMAIL_KIND = "notifications.send_email"

NOTIFICATION_KINDS: dict[str, dict[str, str]] = {
    "jobs.queue_stalled": {
        "en": "Background jobs are not running",
        "nl": "Achtergrondtaken lopen niet",
    },
    "workspaces.invitation": {"en": "Invitations", "nl": "Uitnodigingen"},
    "workspaces.password_reset": {"en": "Password resets", "nl": "Wachtwoordherstel"},
    "guard.override": {
        "en": "Compliance guard overrides",
        "nl": "Overschreven compliancecontroles",
    },
}

EmailVia = Literal["queue", "caller", "none"]


@dataclass(frozen=True)
class Preference:
    kind: str
    in_app: bool = True
    email: bool = True


@dataclass
class NotifyResult:
    """What ``notify`` did: the in-app rows, and the emails (already queued when
    ``email_via="queue"``; for the caller to send after commit when ``"caller"``)."""

    notifications: list[Notification] = field(default_factory=list)
    emails: list[OutgoingEmail] = field(default_factory=list)


def _check_kind(kind: str) -> None:
    if kind not in NOTIFICATION_KINDS:
        known = ", ".join(sorted(NOTIFICATION_KINDS))
        raise ValidationFailed(
            "kind", f"'{kind}' is not a notification kind.", f"Use one of {known}."
        )


def notify(
    session: Session,
    *,
    user_ids: Sequence[int],
    kind: str,
    title: str,
    body: str,
    link: str | None = None,
    workspace_id: int | None = None,
    email_via: EmailVia = "queue",
    settings: Settings | None = None,
    public_url: str | None = None,
    message: str = "",
    params: Mapping[str, Any] | None = None,
) -> NotifyResult:
    """Notify active users in-app and by email, each as their preference for ``kind`` says.

    Prefer :func:`notify_message`, which stores a message code with parameters so each reader
    sees the notice in their own language; ``title``/``body`` are the English fallback.

    ``email_via="caller"`` returns the emails unsent, for when the queue can't be trusted (the
    stalled-queue alarm). A relative ``link`` is made absolute in emails with ``public_url`` (a
    request's address) or the settings' (see ``Settings.public_url``). Duplicated user ids are
    notified once. Never commits.
    """
    base = (settings or get_settings()).public_url(public_url)
    _check_kind(kind)
    users = session.scalars(select(User).where(User.id.in_(set(user_ids)), User.is_active)).all()
    prefs = _preferences_for(session, [u.id for u in users], kind)
    result = NotifyResult()
    for user in sorted(users, key=lambda u: u.id):
        pref = prefs.get(user.id, Preference(kind))
        if pref.in_app:
            row = Notification(
                workspace_id=workspace_id,
                user_id=user.id,
                kind=kind,
                title=title,
                body=body,
                link=link,
                message=message,
                params=dict(params) if params else None,
            )
            session.add(row)
            result.notifications.append(row)
        if pref.email and email_via != "none":
            text = render_message(message, params or {}, user.locale) if message else None
            result.emails.append(
                _email_for(
                    user,
                    text.title if text else title,
                    text.body if text else body,
                    link,
                    base,
                )
            )
    if email_via == "queue":
        enqueue_many(session, [_email_job(email, workspace_id) for email in result.emails])
    session.flush()
    return result


def notify_message(
    session: Session,
    *,
    user_ids: Sequence[int],
    kind: str,
    message: str,
    params: Mapping[str, Any],
    link: str | None = None,
    workspace_id: int | None = None,
    email_via: EmailVia = "queue",
    settings: Settings | None = None,
) -> NotifyResult:
    """Like :func:`notify`, with the text given as a code from ``notifications.messages`` and its
    parameters: shown and emailed in each reader's language."""
    check_message(message)
    english = render_message(message, params, "en")
    return notify(
        session,
        user_ids=user_ids,
        kind=kind,
        title=english.title[:200],
        body=english.body,
        link=link,
        workspace_id=workspace_id,
        email_via=email_via,
        settings=settings,
        message=message,
        params=params,
    )


def _email_for(user: User, title: str, body: str, link: str | None, base: str) -> OutgoingEmail:
    parts = [body]
    if link:
        parts.append(link if "://" in link else base + link)
    footer = translations(user.locale).gettext(
        N_("Rapport. Choose which notifications you receive in your settings.")
    )
    parts.append("—\n" + footer)
    return OutgoingEmail(to=user.email, subject=title, body_text="\n\n".join(parts))


def _email_job(email: OutgoingEmail, workspace_id: int | None) -> JobRequest:
    payload = {"to": email.to, "subject": email.subject, "body_text": email.body_text}
    return JobRequest(SEND_EMAIL_KIND, payload, workspace_id=workspace_id, max_attempts=8)


def _preferences_for(session: Session, user_ids: list[int], kind: str) -> dict[int, Preference]:
    stmt = select(NotificationPreference).where(
        NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
    )
    return {p.user_id: Preference(kind, p.in_app, p.email) for p in session.scalars(stmt)}


def unread_count(session: Session, *, user_id: int) -> int:
    stmt = select(func.count()).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return session.scalar(stmt) or 0


def list_for_user(
    session: Session, *, user_id: int, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> list[Notification]:
    """The user's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def mark_read(session: Session, *, user_id: int, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent). NotFound for anyone else's."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"There is no notification #{notification_id}.")
    if row.read_at is None:
        row.read_at = clock.now()
        session.flush()
    return row


def mark_all_read(session: Session, *, user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    stmt = (
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return count_rows(session, stmt, synchronize="fetch")


def get_preferences(session: Session, *, user_id: int) -> list[Preference]:
    """The user's channels for every kind in ``NOTIFICATION_KINDS`` (defaults filled in)."""
    stmt = select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    stored = {p.kind: Preference(p.kind, p.in_app, p.email) for p in session.scalars(stmt)}
    return [stored.get(kind, Preference(kind)) for kind in NOTIFICATION_KINDS]


def set_preference(
    session: Session, *, user_id: int, kind: str, in_app: bool, email: bool
) -> Preference:
    """Store the user's channels for ``kind`` (idempotent)."""
    _check_kind(kind)
    stmt = select(NotificationPreference).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
    )
    row = session.scalars(stmt).one_or_none()
    if row is None:
        row = NotificationPreference(user_id=user_id, kind=kind)
        session.add(row)
    row.in_app, row.email = in_app, email
    session.flush()
    return Preference(kind, in_app, email)
