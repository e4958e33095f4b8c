"""JSON API for workspaces, members, invitations, tokens and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from rapport.config import Settings
from rapport.errors import ValidationFailed
from rapport.web.deps import AuthDep, DbDep, IdPath, SettingsDep, WorkspaceCtx, require
from rapport.web.links import PublicUrl
from rapport.workspaces import access, audit, checkpoints, outbox, service
from rapport.workspaces.models import Invitation, Organisation, Workspace
from rapport.workspaces.schemas import (
    AuditEventRead,
    AuditPage,
    InvitationCreate,
    InvitationRead,
    MemberRead,
    MeRead,
    OrganisationRead,
    OrganisationUpdate,
    RoleUpdate,
    TokenCreate,
    TokenCreated,
    TokenRead,
    WorkspaceRead,
    WorkspaceUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["workspaces"])
WS = "/workspaces/{slug}"


def _read(workspace: Workspace, role: str) -> WorkspaceRead:
    data = WorkspaceRead.model_validate(workspace)
    return data.model_copy(update={"role": role})


@router.get("/me", response_model=MeRead, summary="Who am I")
def me(auth_: AuthDep) -> MeRead:
    """The signed-in person's profile: name, email, language. An API token has no profile (422);
    use *List workspaces*."""
    if auth_.token is not None and not auth_.user.id:
        raise ValidationFailed(
            "authorization", "An API token has no user profile.", "Use /workspaces."
        )
    return MeRead.model_validate(auth_.user)


@router.get("/workspaces", response_model=list[WorkspaceRead], summary="List my workspaces")
def list_workspaces(db: DbDep, auth_: AuthDep) -> list[WorkspaceRead]:
    """The workspaces the caller may open, each with the caller's role in it. A token sees only its
    own workspace."""
    if auth_.token is not None:
        return [_read(auth_.token.workspace, auth_.token.role)]
    return [_read(w, role) for w, role in service.workspaces_of(db, user=auth_.user)]


@router.get(WS, response_model=WorkspaceRead, summary="Get a workspace")
def get_workspace(
    ctx: Annotated[WorkspaceCtx, Depends(require("workspace.view"))],
) -> WorkspaceRead:
    """The practice's details: name, time zone, language, public contact details."""
    return _read(ctx.workspace, ctx.role)


@router.put(WS, response_model=WorkspaceRead, summary="Change a workspace's details")
def update_workspace(
    body: WorkspaceUpdate,
    db: DbDep,
    ctx: Annotated[WorkspaceCtx, Depends(require("workspace.manage"))],
) -> WorkspaceRead:
    """Replace the practice's details and, when `staff` is given, its staff and provider list (the
    guard treats these names as the practice's own). Audited."""
    details = service.WorkspaceDetails(**body.model_dump(exclude={"staff"}))
    service.update_workspace(db, workspace=ctx.workspace, details=details, actor=ctx.actor)
    if body.staff is not None:
        staff = [(s.name, s.title) for s in body.staff]
        service.set_staff(db, workspace=ctx.workspace, staff=staff, actor=ctx.actor)
    db.flush()
    db.refresh(ctx.workspace)
    return _read(ctx.workspace, ctx.role)


@router.get(WS + "/members", response_model=list[MemberRead], summary="List members")
def list_members(
    db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("workspace.view"))]
) -> list[MemberRead]:
    """Everyone in the workspace with their role."""
    return [
        MemberRead(user_id=m.user_id, name=m.user.name, email=m.user.email, role=m.role)
        for m in service.list_members(db, workspace=ctx.workspace)
    ]


@router.put(WS + "/members/{user_id}", response_model=MemberRead, summary="Change a member's role")
def change_member_role(
    user_id: IdPath,
    body: RoleUpdate,
    db: DbDep,
    ctx: Annotated[WorkspaceCtx, Depends(require("members.manage"))],
) -> MemberRead:
    """Give a member another role. The last owner can't be demoted. Audited."""
    m = service.change_role(
        db, workspace=ctx.workspace, user_id=user_id, role=body.role, actor=ctx.actor
    )
    return MemberRead(user_id=m.user_id, name=m.user.name, email=m.user.email, role=m.role)


@router.delete(WS + "/members/{user_id}", status_code=204, summary="Remove a member")
def remove_member(
    user_id: IdPath, db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("members.manage"))]
) -> Response:
    """Take someone out of the workspace (their account stays). The last owner can't be removed.
    Audited."""
    service.remove_member(db, workspace=ctx.workspace, user_id=user_id, actor=ctx.actor)
    return Response(status_code=204)


MembersCtx = Annotated[WorkspaceCtx, Depends(require("members.manage"))]


def _sent(
    settings: Settings, public_url: str, ctx: WorkspaceCtx, invitation: Invitation, token: str
) -> InvitationRead:
    """Email the invitation; the link is in the answer only when no SMTP server is set."""
    emailed = outbox.send_invitation(
        settings,
        public_url=public_url,
        invitation=invitation,
        workspace=ctx.workspace,
        inviter=ctx.user,
        token=token,
    )
    link = None if emailed else outbox.invitation_link(public_url, token)
    return _invitation_read(invitation, link)


def _invitation_read(invitation: Invitation, link: str | None = None) -> InvitationRead:
    return InvitationRead(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        expires_at=invitation.expires_at,
        link=link,
    )


@router.get(
    WS + "/invitations", response_model=list[InvitationRead], summary="List open invitations"
)
def list_invitations(db: DbDep, ctx: MembersCtx) -> list[InvitationRead]:
    """Invitations nobody has accepted yet, newest first, expired ones included (they can be
    resent). Links are never listed: they are shown once."""
    return [_invitation_read(i) for i in access.list_invitations(db, workspace=ctx.workspace)]


@router.post(
    WS + "/invitations", response_model=InvitationRead, status_code=201, summary="Invite someone"
)
def invite(
    body: InvitationCreate,
    db: DbDep,
    settings: SettingsDep,
    public_url: PublicUrl,
    ctx: MembersCtx,
) -> InvitationRead:
    """Invite an email address with a role. The link works once, for 7 days. With an SMTP server it
    is emailed and `link` is empty; without one `link` holds it, to pass on yourself. Audited."""
    invitation, token = access.invite(
        db, workspace=ctx.workspace, email=body.email, role=body.role, actor=ctx.actor
    )
    return _sent(settings, public_url, ctx, invitation, token)


@router.post(
    WS + "/invitations/{invitation_id}/resend",
    response_model=InvitationRead,
    summary="Resend an invitation",
)
def resend_invitation(
    invitation_id: IdPath,
    db: DbDep,
    settings: SettingsDep,
    public_url: PublicUrl,
    ctx: MembersCtx,
) -> InvitationRead:
    """Give an open invitation a new link, valid for another 7 days; the old link stops working.
    Emailed, or returned in `link` when no SMTP server is set. Audited."""
    invitation, token = access.resend_invitation(
        db, workspace=ctx.workspace, invitation_id=invitation_id, actor=ctx.actor
    )
    return _sent(settings, public_url, ctx, invitation, token)


@router.delete(WS + "/invitations/{invitation_id}", status_code=204, summary="Cancel an invitation")
def cancel_invitation(invitation_id: IdPath, db: DbDep, ctx: MembersCtx) -> Response:
    """Withdraw an open invitation: its link stops working. Audited."""
    access.cancel_invitation(
        db, workspace=ctx.workspace, invitation_id=invitation_id, actor=ctx.actor
    )
    return Response(status_code=204)


@router.get(WS + "/tokens", response_model=list[TokenRead], summary="List API tokens")
def list_tokens(
    db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("tokens.manage"))]
) -> list[TokenRead]:
    """The workspace's API tokens with their role, creator and last use; never the token itself."""
    return [
        TokenRead.model_validate(t) for t in access.list_api_tokens(db, workspace=ctx.workspace)
    ]


@router.post(
    WS + "/tokens", response_model=TokenCreated, status_code=201, summary="Create an API token"
)
def create_token(
    body: TokenCreate, db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("tokens.manage"))]
) -> TokenCreated:
    """A new token for this workspace with the given role. `token` is in this answer only: store it
    now, Rapport keeps only a hash. Audited."""
    token, raw = access.create_api_token(
        db, workspace=ctx.workspace, name=body.name, role=body.role, actor=ctx.actor
    )
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=raw)


@router.delete(WS + "/tokens/{token_id}", status_code=204, summary="Revoke an API token")
def revoke_token(
    token_id: IdPath, db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("tokens.manage"))]
) -> Response:
    """The token stops working at once. Audited."""
    access.revoke_api_token(db, workspace=ctx.workspace, token_id=token_id, actor=ctx.actor)
    return Response(status_code=204)


@router.get(WS + "/audit", response_model=AuditPage, summary="Read the audit trail")
def audit_events(
    db: DbDep,
    settings: SettingsDep,
    ctx: Annotated[WorkspaceCtx, Depends(require("audit.view"))],
    action: Annotated[str, Query(max_length=80)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AuditPage:
    """Events newest first, filtered by action code and actor, paged with `limit` and `offset`.
    `chain_intact` says whether the hash chain is unbroken."""
    filters = audit.AuditFilter(action=action, actor=actor)
    events, total = audit.list_events(
        db, workspace_id=ctx.workspace.id, filters=filters, limit=limit, offset=offset
    )
    marks = checkpoints.marks_for(settings.data_dir, ctx.workspace.id)
    intact = audit.verify_chain(db, workspace_id=ctx.workspace.id, marks=marks) is None
    return AuditPage(
        items=[AuditEventRead.model_validate(e) for e in events], total=total, chain_intact=intact
    )


# --- organisations ------------------------------------------------------------------------

ORG = "/organisations/{org_slug}"


def _org_read(org: Organisation) -> OrganisationRead:
    return OrganisationRead(
        slug=org.slug,
        name=org.name,
        require_totp=org.require_totp,
        workspaces=sorted(w.slug for w in org.workspaces),
    )


@router.get(ORG, response_model=OrganisationRead, summary="Get an organisation")
def get_organisation(
    org_slug: Annotated[str, Path(max_length=80)], db: DbDep, auth_: AuthDep
) -> OrganisationRead:
    """For an organisation owner (an owner of every one of its workspaces); 404 for others."""
    org = access.organisation_for_caller(db, slug=org_slug, user=auth_.user, token=auth_.token)
    return _org_read(org)


@router.put(ORG, response_model=OrganisationRead, summary="Change organisation-wide settings")
def update_organisation(
    org_slug: Annotated[str, Path(max_length=80)],
    body: OrganisationUpdate,
    db: DbDep,
    auth_: AuthDep,
) -> OrganisationRead:
    """Change organisation-wide settings; recorded in every workspace's audit trail."""
    org = access.organisation_for_caller(db, slug=org_slug, user=auth_.user, token=auth_.token)
    actor = auth_.user if auth_.user.id else None
    service.set_require_totp(db, organisation=org, required=body.require_totp, actor=actor)
    return _org_read(org)
