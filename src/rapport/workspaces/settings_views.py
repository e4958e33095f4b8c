"""The account page and a workspace's settings: practice details, team, API tokens, audit."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import PlainTextResponse, Response

from rapport.core import clock
from rapport.core.i18n import LOCALES, N_, ngettext
from rapport.core.i18n import gettext as _
from rapport.db import all_or_nothing
from rapport.errors import RapportError, ValidationFailed
from rapport.web.deps import (
    SESSION_COOKIE,
    Auth,
    AuthDep,
    DbDep,
    IdPath,
    SettingsDep,
    WorkspaceCtx,
    require,
)
from rapport.web.links import PublicUrl
from rapport.web.pages import form_errors, redirect, render
from rapport.workspaces import access, audit, audit_text, auth, checkpoints, outbox, service
from rapport.workspaces import account as account_service
from rapport.workspaces.models import Invitation
from rapport.workspaces.roles import PERMISSIONS, ROLE_LABELS, ROLES

router = APIRouter()
PAGE_SIZE = 50


def _qr_svg(data: str) -> str:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


# --- account --------------------------------------------------------------------------


def _account_context(db: DbDep, auth_: Auth, **extra: object) -> dict[str, object]:
    """What the account page shows besides the second factor: the sessions, this one marked."""
    current = auth_.session_row.id_hash if auth_.session_row else ""
    return {
        "title": _("Account and security"),
        "locales": LOCALES,
        "sessions": account_service.active_sessions(db, user=auth_.user),
        "current_session": current,
        "name_limit": service.MAX_PERSON_NAME,
        "timezone": _reader_zone(db, auth_),
        **extra,
    }


def _reader_zone(db: DbDep, auth_: Auth) -> str:
    """Times on personal pages: the zone of the reader's first practice (UTC without one)."""
    memberships = service.workspaces_of(db, user=auth_.user)
    return memberships[0][0].timezone if memberships else "UTC"


@router.get("/account")
def account(request: Request, db: DbDep, auth_: AuthDep, settings: SettingsDep) -> Response:
    context = _account_context(db, auth_)
    if request.query_params.get("setup") == "totp" and not auth_.user.totp_enabled:
        setup = auth.begin_totp(auth_.user)
        context.update(totp_secret=setup.secret, totp_qr=_qr_svg(setup.provisioning_uri))
    return render(request, "workspaces/account.html", context)


@router.post("/account/profile")
def update_profile(
    request: Request,
    db: DbDep,
    auth_: AuthDep,
    name: Annotated[str, Form()] = "",
    locale: Annotated[str, Form()] = "en",
) -> Response:
    try:
        account_service.update_profile(auth_.user, name=name, locale=locale)
    except RapportError as exc:
        db.expire(auth_.user)
        context = _account_context(db, auth_, errors=form_errors(exc), profile_name=name)
        return render(request, "workspaces/account.html", context, exc.status_code)
    return redirect("/account", flash=_("Saved."))


@router.post("/account/password")
def change_password(
    request: Request,
    db: DbDep,
    auth_: AuthDep,
    settings: SettingsDep,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
) -> Response:
    """A new password ends every other session and every reset link of the account; wrong
    current passwords count towards the lock-out."""
    try:
        auth.change_password(
            db,
            user=auth_.user,
            current=current_password,
            new=new_password,
            settings=settings,
            keep_session_raw=request.cookies.get(SESSION_COOKIE, ""),
        )
    except RapportError as exc:
        context = _account_context(db, auth_, password_errors=form_errors(exc))
        return render(request, "workspaces/account.html", context, exc.status_code)
    return redirect(
        "/account", flash=_("Your password is changed. Other browsers were signed out.")
    )


@router.post("/account/sessions/others")
def sign_out_elsewhere(db: DbDep, auth_: AuthDep) -> Response:
    keep = auth_.session_row.id_hash if auth_.session_row else ""
    ended = account_service.end_other_sessions(db, user=auth_.user, keep_session=keep)
    message = ngettext(
        "Signed out of %(num)s other browser.", "Signed out of %(num)s other browsers.", ended
    ) % {"num": ended}
    return redirect("/account#sessions", flash=message)


@router.post("/account/totp")
def confirm_totp(
    request: Request,
    db: DbDep,
    auth_: AuthDep,
    settings: SettingsDep,
    secret: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    try:
        codes = auth.confirm_totp(
            db, user=auth_.user, secret=secret, code=code, secret_key=settings.ensure_secret_key()
        )
    except RapportError as exc:
        extra: dict[str, object] = {}
        if not auth_.user.totp_enabled:
            setup = auth.begin_totp(auth_.user)  # a fresh key: the posted one may be unusable
            extra = {"totp_secret": setup.secret, "totp_qr": _qr_svg(setup.provisioning_uri)}
        context = _account_context(db, auth_, errors=form_errors(exc), **extra)
        return render(request, "workspaces/account.html", context, exc.status_code)
    context = _account_context(db, auth_, recovery_codes=codes)
    return render(request, "workspaces/account.html", context)


@router.post("/account/totp/disable")
def disable_totp(
    request: Request,
    db: DbDep,
    auth_: AuthDep,
    settings: SettingsDep,
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    """Turning the second factor off asks for the password or a current code first."""
    if access.totp_required_by_org(auth_.user):
        return redirect(
            "/account",
            flash=_("Your organisation requires a second factor; it can't be turned off."),
            kind="danger",
        )
    try:
        auth.confirm_identity(db, user=auth_.user, password=password, code=code, settings=settings)
    except RapportError as exc:
        context = _account_context(db, auth_, disable_errors=form_errors(exc))
        return render(request, "workspaces/account.html", context, exc.status_code)
    auth.disable_totp(auth_.user)
    return redirect("/account", flash=_("Second factor turned off."), kind="warning")


# --- practice details and staff -------------------------------------------------------

SettingsCtx = Annotated[WorkspaceCtx, Depends(require("workspace.view"))]
ManageCtx = Annotated[WorkspaceCtx, Depends(require("workspace.manage"))]
MembersCtx = Annotated[WorkspaceCtx, Depends(require("members.manage"))]
TokensCtx = Annotated[WorkspaceCtx, Depends(require("tokens.manage"))]
AuditCtx = Annotated[WorkspaceCtx, Depends(require("audit.view"))]


@router.get("/w/{slug}/settings")
def practice_settings(request: Request, db: DbDep, ctx: SettingsCtx) -> Response:
    staff_text = "\n".join(f"{s.name}, {s.title}".rstrip(", ") for s in ctx.workspace.staff)
    context = {
        "title": _("Settings"),
        "tab": "practice",
        "staff_text": staff_text,
        "org_owner": service.is_organisation_owner(
            db, user=ctx.user, organisation=ctx.workspace.organisation
        ),
    }
    return render(request, "workspaces/settings.html", {**context, **_practice_choices()})


def _practice_choices() -> dict[str, object]:
    return {"time_zones": clock.time_zone_choices(), "name_limit": service.MAX_WORKSPACE_NAME}


@router.post("/w/{slug}/settings")
def save_practice_settings(
    request: Request,
    db: DbDep,
    ctx: ManageCtx,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    locale: Annotated[str, Form()] = "en",
    practice_type: Annotated[str, Form()] = "clinic",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    website: Annotated[str, Form()] = "",
    opening_hours: Annotated[str, Form()] = "",
    require_approval: Annotated[bool, Form()] = False,
    staff: Annotated[str, Form()] = "",
) -> Response:
    details = service.WorkspaceDetails(
        name=name,
        timezone=timezone,
        locale=locale,
        practice_type=practice_type,
        phone=phone,
        email=email,
        address=address,
        website=website,
        opening_hours=opening_hours,
        require_approval=require_approval,
    )
    try:
        with all_or_nothing(db):
            service.update_workspace(db, workspace=ctx.workspace, details=details, actor=ctx.user)
            service.set_staff(db, workspace=ctx.workspace, staff=parse_staff(staff), actor=ctx.user)
    except RapportError as exc:
        db.expire(ctx.workspace)
        context = {
            "title": _("Settings"),
            "tab": "practice",
            "types": service.PRACTICE_TYPES,
            "errors": form_errors(exc),
            "form": details,
            "staff_text": staff,
            **_practice_choices(),
        }
        return render(request, "workspaces/settings.html", context, exc.status_code)
    return redirect(f"/w/{ctx.workspace.slug}/settings", flash=_("Practice details saved."))


def parse_staff(text: str) -> list[tuple[str, str]]:
    """One person a line: ``Name, Title`` (the title is optional)."""
    rows = []
    for line in text.splitlines():
        name, _sep, title = line.partition(",")
        if name.strip():
            rows.append((name.strip(), title.strip()))
    return rows


# --- team ------------------------------------------------------------------------------


def _team_context(db: DbDep, ctx: WorkspaceCtx, **extra: object) -> dict[str, object]:
    invitations = access.list_invitations(db, workspace=ctx.workspace)
    now = clock.now()
    return {
        "title": _("Team"),
        "tab": "team",
        "members": service.list_members(db, workspace=ctx.workspace),
        "invitations": invitations,
        "expired_invitations": {i.id for i in invitations if clock.as_utc(i.expires_at) <= now},
        "roles": ROLES,
        "role_labels": ROLE_LABELS,
        "permissions": PERMISSIONS,
        **extra,
    }


@router.get("/w/{slug}/settings/team")
def team(request: Request, db: DbDep, ctx: SettingsCtx) -> Response:
    return render(request, "workspaces/team.html", _team_context(db, ctx))


@router.post("/w/{slug}/settings/team/invite")
def invite(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    public_url: PublicUrl,
    ctx: MembersCtx,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "editor",
) -> Response:
    try:
        invitation, token = access.invite(
            db, workspace=ctx.workspace, email=email, role=role, actor=ctx.user
        )
    except RapportError as exc:
        context = _team_context(db, ctx, errors=form_errors(exc), invite_email=email)
        return render(request, "workspaces/team.html", context, exc.status_code)
    return _invitation_sent(request, db, settings, public_url, ctx, invitation, token)


def _invitation_sent(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    public_url: str,
    ctx: WorkspaceCtx,
    invitation: Invitation,
    token: str,
) -> Response:
    """The team page after an invitation went out: emailed, or its link to pass on by hand."""
    emailed = outbox.send_invitation(
        settings,
        public_url=public_url,
        invitation=invitation,
        workspace=ctx.workspace,
        inviter=ctx.user,
        token=token,
    )
    link = None if emailed else outbox.invitation_link(public_url, token)
    context = _team_context(db, ctx, new_link=link, invited=invitation.email)
    return render(request, "workspaces/team.html", context)


@router.post("/w/{slug}/settings/team/invitations/{invitation_id}/resend")
def resend_invitation(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    public_url: PublicUrl,
    ctx: MembersCtx,
    invitation_id: IdPath,
) -> Response:
    invitation, token = access.resend_invitation(
        db, workspace=ctx.workspace, invitation_id=invitation_id, actor=ctx.user
    )
    return _invitation_sent(request, db, settings, public_url, ctx, invitation, token)


@router.post("/w/{slug}/settings/team/invitations/{invitation_id}/cancel")
def cancel_invitation(db: DbDep, ctx: MembersCtx, invitation_id: IdPath) -> Response:
    access.cancel_invitation(
        db, workspace=ctx.workspace, invitation_id=invitation_id, actor=ctx.user
    )
    return redirect(
        f"/w/{ctx.workspace.slug}/settings/team",
        flash=_("Invitation cancelled: its link no longer works."),
    )


@router.post("/w/{slug}/settings/team/{user_id}/role")
def change_role(
    db: DbDep, ctx: MembersCtx, user_id: IdPath, role: Annotated[str, Form()] = ""
) -> Response:
    service.change_role(db, workspace=ctx.workspace, user_id=user_id, role=role, actor=ctx.user)
    return redirect(f"/w/{ctx.workspace.slug}/settings/team", flash=_("Role changed."))


@router.post("/w/{slug}/settings/team/{user_id}/remove")
def remove_member(db: DbDep, ctx: MembersCtx, user_id: IdPath) -> Response:
    service.remove_member(db, workspace=ctx.workspace, user_id=user_id, actor=ctx.user)
    return redirect(
        f"/w/{ctx.workspace.slug}/settings/team", flash=_("Removed from the workspace.")
    )


# --- API tokens ------------------------------------------------------------------------


@router.get("/w/{slug}/settings/tokens")
def tokens(request: Request, db: DbDep, ctx: TokensCtx) -> Response:
    context = {
        "title": _("API tokens"),
        "tab": "tokens",
        "tokens": access.list_api_tokens(db, workspace=ctx.workspace),
        "roles": ROLES,
    }
    return render(request, "workspaces/tokens.html", context)


@router.post("/w/{slug}/settings/tokens")
def create_token(
    request: Request,
    db: DbDep,
    ctx: TokensCtx,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "analyst",
) -> Response:
    context: dict[str, object] = {"title": _("API tokens"), "tab": "tokens", "roles": ROLES}
    status = 200
    try:
        _token, raw = access.create_api_token(
            db, workspace=ctx.workspace, name=name, role=role, actor=ctx.user
        )
        context["new_token"] = raw
    except RapportError as exc:
        context["errors"] = form_errors(exc)
        status = exc.status_code
    context["tokens"] = access.list_api_tokens(db, workspace=ctx.workspace)
    return render(request, "workspaces/tokens.html", context, status)


@router.post("/w/{slug}/settings/tokens/{token_id}/revoke")
def revoke_token(db: DbDep, ctx: TokensCtx, token_id: IdPath) -> Response:
    access.revoke_api_token(db, workspace=ctx.workspace, token_id=token_id, actor=ctx.user)
    return redirect(f"/w/{ctx.workspace.slug}/settings/tokens", flash=_("Token revoked."))


# --- audit trail -----------------------------------------------------------------------


def _day(field: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(field, N_("Choose a date from the calendar.")) from None


def _audit_filter(
    ctx: WorkspaceCtx, kind: str, person: str, since: str, until: str
) -> audit.AuditFilter:
    """The chosen filters; the lists offer only known values, so anything else is ignored."""
    start, end = audit_text.day_range(
        _day("since", since), _day("until", until), ctx.workspace.timezone
    )
    return audit.AuditFilter(
        action=kind if kind in audit_text.KINDS else "",
        actor=person.strip()[:200],
        since=start,
        until=end,
    )


@router.get("/w/{slug}/settings/audit")
def audit_trail(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    ctx: AuditCtx,
    kind: str = "",
    person: str = "",
    since: str = "",
    until: str = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    chosen = {"kind": kind, "person": person, "since": since[:10], "until": until[:10]}
    errors: dict[str, str] = {}
    try:
        filters = _audit_filter(ctx, kind, person, since, until)
    except RapportError as exc:
        errors, filters = form_errors(exc), audit.AuditFilter()
    events, total = audit.list_events(
        db,
        workspace_id=ctx.workspace.id,
        filters=filters,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    problem = audit.verify_chain(
        db,
        workspace_id=ctx.workspace.id,
        marks=checkpoints.marks_for(settings.data_dir, ctx.workspace.id),
    )
    context = {
        "title": _("Audit trail"),
        "tab": "audit",
        "events": audit_text.readable(db, events, ctx.workspace.slug),
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "chosen": chosen,
        "errors": errors,
        "kinds": audit_text.kind_options(),
        "people": audit_text.people(db, workspace_id=ctx.workspace.id),
        "problem": problem,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
    }
    return render(request, "workspaces/audit.html", context)


@router.get("/w/{slug}/settings/audit.csv")
def audit_csv(
    db: DbDep, ctx: AuditCtx, kind: str = "", person: str = "", since: str = "", until: str = ""
) -> Response:
    body = audit_text.export_csv(
        db,
        workspace_id=ctx.workspace.id,
        slug=ctx.workspace.slug,
        filters=_audit_filter(ctx, kind, person, since, until),
    )
    filename = f"rapport-audit-{ctx.workspace.slug}.csv"
    return PlainTextResponse(
        body,
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
