"""Invitations by email (expiring, single use) and API tokens (shown once, stored hashed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.core.crypto import hash_token, new_token
from rapport.core.i18n import N_
from rapport.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from rapport.workspaces import audit
from rapport.workspaces.models import ApiToken, Invitation, Organisation, User, Workspace
from rapport.workspaces.roles import lower_role
from rapport.workspaces.service import (
    add_member,
    check_role,
    clean_email,
    create_user,
    get_user_by_email,
    membership_of,
    organisation_for_owner,
)

INVITATION_VALID_FOR = timedelta(days=7)
TOKEN_PREFIX = "rpt_"
COMMAND_LINE = "command line"


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


class InvitationForSomeoneElse(PermissionDenied):
    """The signed-in account's address is not the one the invitation was sent to."""


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    return invitation.email.casefold() == user.email.casefold()


def accept_invitation(
    session: Session, *, token: str, name: str = "", password: str = "", user: User | None = None
) -> tuple[User, Workspace]:
    """Join the workspace as the invited address: signed in as it, or as a new account for it.

    An invitation is bound to the address it was sent to: a signed-in user with another
    address can't accept it (a forwarded or leaked link must not make a stranger an owner),
    and an address that already has an account signs in first. The invitation is claimed with
    a conditional update, so it is used once even when accepted twice at the same moment.
    """
    invitation = open_invitation(session, token=token)
    if user is not None and not invitation_is_for(invitation, user):
        raise InvitationForSomeoneElse(
            f"This invitation is for {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out, then open the link again and sign in (or sign up) "
            f"as {invitation.email}."
        )
    if user is None:
        if get_user_by_email(session, email=invitation.email) is not None:
            raise Conflict(
                N_("%(email)s already has an account: sign in first."),
                params={"email": invitation.email},
            )
        user = create_user(session, email=invitation.email, name=name, password=password)
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=clock.now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("This invitation was already used. Sign in, or ask for a new invitation.")
    add_member(session, workspace=invitation.workspace, user=user, role=invitation.role, actor=user)
    return user, invitation.workspace


def totp_required_by_org(user: User) -> bool:
    return any(m.workspace.organisation.require_totp for m in user.memberships)


def totp_required(user: User) -> bool:
    """True when one of the user's organisations demands a second factor they lack."""
    return not user.totp_enabled and totp_required_by_org(user)


def _open_invitation_in(session: Session, workspace: Workspace, invitation_id: int) -> Invitation:
    """An invitation of this workspace nobody has accepted yet (expired ones count: they can be
    sent again). NotFound otherwise, also for another workspace's invitation."""
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.workspace_id == workspace.id,
            Invitation.accepted_at.is_(None),
        )
    )
    if invitation is None:
        raise NotFound(f"There is no open invitation #{invitation_id} in {workspace.name}.")
    return invitation


def resend_invitation(
    session: Session, *, workspace: Workspace, invitation_id: int, actor: User | None
) -> tuple[Invitation, str]:
    """Give an open invitation a new link valid for another 7 days; the old link stops working.

    Returns the invitation and the new raw token (for the email or to show once)."""
    invitation = _open_invitation_in(session, workspace, invitation_id)
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = clock.now() + INVITATION_VALID_FOR
    session.flush()
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="member.invitation_resent",
        object_type="invitation",
        object_id=invitation.id,
        summary={"email": invitation.email, "role": invitation.role},
    )
    return invitation, token


def cancel_invitation(
    session: Session, *, workspace: Workspace, invitation_id: int, actor: User | None
) -> None:
    """Withdraw an open invitation: its link stops working and it leaves the list."""
    invitation = _open_invitation_in(session, workspace, invitation_id)
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="member.invitation_cancelled",
        object_type="invitation",
        object_id=invitation.id,
        summary={"email": invitation.email, "role": invitation.role},
    )
    session.delete(invitation)
    session.flush()


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
    """A token of ``role``, created by ``actor``; ``actor=None`` is the command line.

    A member's token never has more power than its creator has at the moment it is used
    (see :func:`authenticate_token`); a command-line token has no member behind it and keeps
    its role until revoked.
    """
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
        created_from_cli=actor is None,
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
        actor_label=None if actor or audit.acting_through_token(session) else COMMAND_LINE,
    )
    return token, raw


@dataclass(frozen=True)
class TokenUse:
    """An API token at the moment of use: its workspace and the power it has right now."""

    token: ApiToken
    creator: User | None
    role: str
    """The lower of the token's role and its creator's current role in the workspace."""

    @property
    def workspace(self) -> Workspace:
        return self.token.workspace

    @property
    def name(self) -> str:
        return self.token.name

    @property
    def actor_label(self) -> str:
        if self.creator is None:
            return f"command line token ‘{self.token.name}’"
        return f"{self.creator.email} via token ‘{self.token.name}’"


def authenticate_token(session: Session, *, raw: str) -> TokenUse:
    """The token's power now, checked against its creator's current membership and role.

    A token made by a member works only while that member belongs to the workspace, and never
    above their current role: removing or demoting the member removes or lowers every token
    they made. Raises NotAuthenticated (401) for an unknown, revoked or orphaned token.
    """
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        raise NotAuthenticated("The API token is unknown or revoked. Create a new one.")
    creator, role = _token_power(session, token)
    now = clock.now()
    if token.last_used_at is None or now - clock.as_utc(token.last_used_at) > timedelta(minutes=5):
        token.last_used_at = now
    use = TokenUse(token=token, creator=creator, role=role)
    audit.act_through_token(
        session, creator_id=creator.id if creator else None, label=use.actor_label
    )
    return use


def _token_power(session: Session, token: ApiToken) -> tuple[User | None, str]:
    if token.created_from_cli:
        return None, token.role
    creator = session.get(User, token.created_by_id) if token.created_by_id else None
    member = (
        membership_of(session, user=creator, workspace=token.workspace)
        if creator is not None and creator.is_active
        else None
    )
    if creator is None or member is None:
        raise NotAuthenticated(
            "The member who created this token no longer belongs to the workspace. "
            "Ask an owner for a new token."
        )
    return creator, lower_role(token.role, member.role)


def organisation_for_caller(
    session: Session, *, slug: str, user: User, token: TokenUse | None
) -> Organisation:
    """The organisation, if the caller is its owner; NotFound otherwise (existence hidden).

    A token acts for its creator only as far as the token goes: it must be an owner token
    now (see :func:`authenticate_token`), of one of the organisation's workspaces, and its
    creator must be an organisation owner. A command-line token has no owner behind it.
    """
    if token is not None:
        if token.role != "owner" or token.creator is None:
            raise NotFound(f"No organisation “{slug}” that you own.")
        org = organisation_for_owner(session, slug=slug, user=token.creator)
        if token.workspace.organisation_id != org.id:
            raise NotFound(f"No organisation “{slug}” that you own.")
        return org
    return organisation_for_owner(session, slug=slug, user=user)


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
