"""Invitations by email (expiring, single use) and API tokens (shown once, stored hashed)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.core.crypto import hash_token, new_token
from rapport.core.i18n import N_
from rapport.errors import Conflict, NotFound, ValidationFailed
from rapport.workspaces import audit
from rapport.workspaces.models import ApiToken, Invitation, User, Workspace
from rapport.workspaces.service import (
    add_member,
    check_role,
    clean_email,
    create_user,
    get_user_by_email,
    membership_of,
)

INVITATION_VALID_FOR = timedelta(days=7)
TOKEN_PREFIX = "rpt_"


def invite(
    session: Session, *, workspace: Workspace, email: str, role: str, actor: User | None
) -> tuple[Invitation, str]:
    """Create an invitation; returns it and the raw token for the link (shown once)."""
    email = clean_email(email)
    check_role(role)
    existing = get_user_by_email(session, email=email)
    if existing and membership_of(session, user=existing, workspace=workspace):
        raise Conflict(
            N_("%(email)s is already a member of %(workspace)s."),
            params={"email": email, "workspace": workspace.name},
        )
    token = new_token()
    invitation = Invitation(
        workspace_id=workspace.id,
        email=email,
        role=role,
        token_hash=hash_token(token),
        expires_at=clock.now() + INVITATION_VALID_FOR,
        invited_by_id=actor.id if actor else None,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="member.invited",
        object_type="invitation",
        object_id=invitation.id,
        summary={"email": email, "role": role},
    )
    return invitation, token


def open_invitation(session: Session, *, token: str) -> Invitation:
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None:
        raise NotFound(
            N_("This invitation link is not valid. Ask the person who invited you again.")
        )
    if invitation.accepted_at is not None:
        raise NotFound("This invitation was already used. Sign in, or ask for a new invitation.")
    if clock.as_utc(invitation.expires_at) <= clock.now():
        raise NotFound("This invitation has expired. Ask the person who invited you for a new one.")
    return invitation


def accept_invitation(
    session: Session, *, token: str, name: str = "", password: str = "", user: User | None = None
) -> tuple[User, Workspace]:
    """Join the workspace: as the signed-in user, or with a new account for the invited email."""
    invitation = open_invitation(session, token=token)
    if user is None:
        user = get_user_by_email(session, email=invitation.email)
        if user is not None:
            raise Conflict(
                N_("%(email)s already has an account: sign in first."),
                params={"email": invitation.email},
            )
        user = create_user(session, email=invitation.email, name=name, password=password)
    add_member(session, workspace=invitation.workspace, user=user, role=invitation.role, actor=user)
    invitation.accepted_at = clock.now()
    return user, invitation.workspace


def totp_required_by_org(user: User) -> bool:
    return any(m.workspace.organisation.require_totp for m in user.memberships)


def totp_required(user: User) -> bool:
    """True when one of the user's organisations demands a second factor they lack."""
    return not user.totp_enabled and totp_required_by_org(user)


def list_invitations(session: Session, *, workspace: Workspace) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.workspace_id == workspace.id, Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at.desc())
        )
    )


def create_api_token(
    session: Session, *, workspace: Workspace, name: str, role: str, actor: User | None
) -> tuple[ApiToken, str]:
    if not name.strip():
        raise ValidationFailed("name", N_("Give the token a name that says what uses it."))
    check_role(role)
    raw = TOKEN_PREFIX + new_token()
    token = ApiToken(
        workspace_id=workspace.id,
        name=name.strip(),
        role=role,
        token_hash=hash_token(raw),
        prefix=raw[:10],
        created_by_id=actor.id if actor else None,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="token.created",
        object_type="api_token",
        object_id=token.id,
        summary={"name": token.name, "role": role},
    )
    return token, raw


def authenticate_token(session: Session, *, raw: str) -> ApiToken | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - clock.as_utc(token.last_used_at) > timedelta(minutes=5):
        token.last_used_at = now
    return token


def list_api_tokens(session: Session, *, workspace: Workspace) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.workspace_id == workspace.id)
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(
    session: Session, *, workspace: Workspace, token_id: int, actor: User | None
) -> None:
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.workspace_id == workspace.id)
    )
    if token is None:
        raise NotFound("No such API token in this workspace.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record(
            session,
            workspace_id=workspace.id,
            actor=actor,
            action="token.revoked",
            object_type="api_token",
            object_id=token.id,
            summary={"name": token.name},
        )
