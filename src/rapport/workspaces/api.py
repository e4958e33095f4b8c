"""JSON API for workspaces, members, invitations, tokens and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from rapport.errors import ValidationFailed
from rapport.web.deps import AuthDep, DbDep, IdPath, SettingsDep, WorkspaceCtx, require
from rapport.workspaces import access, audit, outbox, service
from rapport.workspaces.models import Organisation, Workspace
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


@router.get("/me", response_model=MeRead)
def me(auth_: AuthDep) -> MeRead:
    if auth_.token is not None and not auth_.user.id:
        raise ValidationFailed(
            "authorization", "An API token has no user profile.", "Use /workspaces."
        )
    return MeRead.model_validate(auth_.user)


@router.get("/workspaces", response_model=list[WorkspaceRead])
def list_workspaces(db: DbDep, auth_: AuthDep) -> list[WorkspaceRead]:
    if auth_.token is not None:
        return [_read(auth_.token.workspace, auth_.token.role)]
    return [_read(w, role) for w, role in service.workspaces_of(db, user=auth_.user)]


@router.get(WS, response_model=WorkspaceRead)
def get_workspace(
    ctx: Annotated[WorkspaceCtx, Depends(require("workspace.view"))],
) -> WorkspaceRead:
    return _read(ctx.workspace, ctx.role)


@router.put(WS, response_model=WorkspaceRead)
def update_workspace(
    body: WorkspaceUpdate,
    db: DbDep,
    ctx: Annotated[WorkspaceCtx, Depends(require("workspace.manage"))],
) -> WorkspaceRead:
    details = service.WorkspaceDetails(**body.model_dump(exclude={"staff"}))
    service.update_workspace(db, workspace=ctx.workspace, details=details, actor=ctx.actor)
    if body.staff is not None:
        staff = [(s.name, s.title) for s in body.staff]
        service.set_staff(db, workspace=ctx.workspace, staff=staff, actor=ctx.actor)
    db.flush()
    db.refresh(ctx.workspace)
    return _read(ctx.workspace, ctx.role)


@router.get(WS + "/members", response_model=list[MemberRead])
def list_members(
    db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("workspace.view"))]
) -> list[MemberRead]:
    return [
        MemberRead(user_id=m.user_id, name=m.user.name, email=m.user.email, role=m.role)
        for m in service.list_members(db, workspace=ctx.workspace)
    ]


@router.put(WS + "/members/{user_id}", response_model=MemberRead)
def change_member_role(
    user_id: IdPath,
    body: RoleUpdate,
    db: DbDep,
    ctx: Annotated[WorkspaceCtx, Depends(require("members.manage"))],
) -> MemberRead:
    m = service.change_role(
        db, workspace=ctx.workspace, user_id=user_id, role=body.role, actor=ctx.actor
    )
    return MemberRead(user_id=m.user_id, name=m.user.name, email=m.user.email, role=m.role)


@router.delete(WS + "/members/{user_id}", status_code=204)
def remove_member(
    user_id: IdPath, db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("members.manage"))]
) -> Response:
    service.remove_member(db, workspace=ctx.workspace, user_id=user_id, actor=ctx.actor)
    return Response(status_code=204)


@router.post(WS + "/invitations", response_model=InvitationRead, status_code=201)
def invite(
    body: InvitationCreate,
    db: DbDep,
    settings: SettingsDep,
    ctx: Annotated[WorkspaceCtx, Depends(require("members.manage"))],
) -> InvitationRead:
    invitation, token = access.invite(
        db, workspace=ctx.workspace, email=body.email, role=body.role, actor=ctx.actor
    )
    emailed = outbox.send_invitation(
        settings, invitation=invitation, workspace=ctx.workspace, inviter=ctx.user, token=token
    )
    link = None if emailed else outbox.invitation_link(settings, token)
    return InvitationRead(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        expires_at=invitation.expires_at,
        link=link,
    )


@router.get(WS + "/tokens", response_model=list[TokenRead])
def list_tokens(
    db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("tokens.manage"))]
) -> list[TokenRead]:
    return [
        TokenRead.model_validate(t) for t in access.list_api_tokens(db, workspace=ctx.workspace)
    ]


@router.post(WS + "/tokens", response_model=TokenCreated, status_code=201)
def create_token(
    body: TokenCreate, db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("tokens.manage"))]
) -> TokenCreated:
    token, raw = access.create_api_token(
        db, workspace=ctx.workspace, name=body.name, role=body.role, actor=ctx.actor
    )
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=raw)


@router.delete(WS + "/tokens/{token_id}", status_code=204)
def revoke_token(
    token_id: IdPath, db: DbDep, ctx: Annotated[WorkspaceCtx, Depends(require("tokens.manage"))]
) -> Response:
    access.revoke_api_token(db, workspace=ctx.workspace, token_id=token_id, actor=ctx.actor)
    return Response(status_code=204)


@router.get(WS + "/audit", response_model=AuditPage)
def audit_events(
    db: DbDep,
    ctx: Annotated[WorkspaceCtx, Depends(require("audit.view"))],
    action: Annotated[str, Query(max_length=80)] = "",
    actor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AuditPage:
    filters = audit.AuditFilter(action=action, actor=actor)
    events, total = audit.list_events(
        db, workspace_id=ctx.workspace.id, filters=filters, limit=limit, offset=offset
    )
    intact = audit.verify_chain(db, workspace_id=ctx.workspace.id) is None
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


@router.get(ORG, response_model=OrganisationRead)
def get_organisation(
    org_slug: Annotated[str, Path(max_length=80)], db: DbDep, auth_: AuthDep
) -> OrganisationRead:
    """For an organisation owner (an owner of every one of its workspaces); 404 for others."""
    org = access.organisation_for_caller(db, slug=org_slug, user=auth_.user, token=auth_.token)
    return _org_read(org)


@router.put(ORG, response_model=OrganisationRead)
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
