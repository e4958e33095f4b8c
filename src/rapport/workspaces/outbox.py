"""Emails this domain sends: invitations and password resets."""

from __future__ import annotations

import logging

from rapport.config import Settings
from rapport.workspaces.models import Invitation, User, Workspace

log = logging.getLogger("rapport.workspaces")


def _send(settings: Settings, to: str, subject: str, body: str) -> None:
    from rapport.notifications import send_email_now

    send_email_now(to, subject, body, settings=settings)


def invitation_link(public_url: str, token: str) -> str:
    """The link an invitee opens; ``public_url`` is where they reach Rapport (no slash)."""
    return f"{public_url}/invite/{token}"


def send_invitation(
    settings: Settings,
    *,
    public_url: str,
    invitation: Invitation,
    workspace: Workspace,
    inviter: User,
    token: str,
) -> bool:
    """Email the link; False when no SMTP server is set (the inviter then sees the link)."""
    if not settings.smtp_host:
        return False
    body = (
        f"{inviter.name} invites you to {workspace.name} on Rapport as {invitation.role}.\n\n"
        f"Accept within 7 days: {invitation_link(public_url, token)}\n\n"
        "If you did not expect this, ignore this email."
    )
    _send(settings, invitation.email, f"Join {workspace.name} on Rapport", body)
    return True


def send_password_reset(settings: Settings, *, public_url: str, user: User, token: str) -> None:
    link = f"{public_url}/password/reset/{token}"
    body = (
        f"Hello {user.name},\n\nSomeone asked to reset your Rapport password. "
        f"Choose a new one within 2 hours: {link}\n\nIf it wasn't you, ignore this email."
    )
    _send(settings, user.email, "Reset your Rapport password", body)
