"""JSON API of the compliance guard: check a text or an image, consents, policy, overrides."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from rapport.errors import NotFound, ValidationFailed
from rapport.guard import consent as consents
from rapport.guard import policy as policies
from rapport.guard.consent.views import form_response
from rapport.guard.context import (
    MAX_IMAGE_BYTES,
    check_image_upload,
    check_text,
    context_for_workspace,
)
from rapport.guard.detect.model import CATEGORIES, GuardContext
from rapport.guard.schemas import (
    CheckRequest,
    ConsentCreate,
    ConsentRead,
    OverrideRead,
    OverrideRequest,
    PolicyRead,
    PolicyUpdate,
    ReportRead,
    RevokeRequest,
    WorkspaceCheckRequest,
)
from rapport.web.deps import Auth, AuthDep, DbDep, SettingsDep, WorkspaceCtx, require
from rapport.workspaces import Workspace, can, workspace_for_member

router = APIRouter(prefix="/api/v1", tags=["guard"])
WS = "/workspaces/{slug}"

CheckCtx = Annotated[WorkspaceCtx, Depends(require("guard.check"))]
ViewCtx = Annotated[WorkspaceCtx, Depends(require("workspace.view"))]
ConsentCtx = Annotated[WorkspaceCtx, Depends(require("consent.manage"))]
PolicyCtx = Annotated[WorkspaceCtx, Depends(require("guard.policy"))]
ApproveCtx = Annotated[WorkspaceCtx, Depends(require("post.approve"))]


def member_workspace(db: Session, *, auth_: Auth, slug: str) -> Workspace:
    """The workspace named in a request body; 404 unless the caller may check in it."""
    if auth_.token is not None:
        if auth_.token.workspace.slug != slug:
            raise NotFound(f"No workspace “{slug}”.")
        workspace, role = auth_.token.workspace, auth_.token.role
    else:
        workspace, role = workspace_for_member(db, slug=slug, user=auth_.user)
    if not can(role, "guard.check"):
        raise NotFound(f"No workspace “{slug}”.")
    return workspace


# --- checks ------------------------------------------------------------------------------


@router.post("/guard/check", response_model=ReportRead, summary="Check a text")
def check(body: CheckRequest, db: DbDep, auth_: AuthDep) -> dict[str, Any]:
    """Check a text; with ``workspace`` the practice's own details, consents and policy count."""
    context = GuardContext()
    if body.workspace:
        workspace = member_workspace(db, auth_=auth_, slug=body.workspace)
        context = context_for_workspace(
            db, workspace=workspace, channel=body.channel, purpose=body.purpose
        )
    return check_text(text=body.text, kind=body.kind, lang=body.lang, context=context).to_dict()


@router.post(
    WS + "/guard/check", response_model=ReportRead, summary="Check a text for this workspace"
)
def workspace_check(body: WorkspaceCheckRequest, db: DbDep, ctx: CheckCtx) -> dict[str, Any]:
    """Check a post, reply or comment with this practice's context: its own contact details and
    staff, its consents and its policy. The verdict is `ok`, `warn` or `block`, each finding
    with its span, an explanation and, where possible, a safer wording."""
    context = context_for_workspace(
        db, workspace=ctx.workspace, channel=body.channel, purpose=body.purpose
    )
    return check_text(text=body.text, kind=body.kind, lang=body.lang, context=context).to_dict()


def read_upload(file: UploadFile | None, field: str = "file") -> bytes:
    if file is None:
        raise ValidationFailed(field, "No file was uploaded.", "Attach the file and try again.")
    data = file.file.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationFailed(field, "The file is larger than 25 MB.", "Resize it and try again.")
    return data


def image_result(data: bytes, *, context: GuardContext, kind: str, faces: int) -> dict[str, Any]:
    report = check_image_upload(data, kind=kind, context=context, consented_faces=faces)
    result = report.to_dict()
    result["clean_image"] = base64.b64encode(report.image.data).decode("ascii")
    result["clean_image_type"] = f"image/{report.image.format.lower()}"
    return result


@router.post("/guard/check-image", summary="Check an image")
def check_image(
    db: DbDep,
    auth_: AuthDep,
    file: Annotated[UploadFile | None, File()] = None,
    workspace: Annotated[str, Form(max_length=80)] = "",
    kind: Annotated[str, Form(max_length=20)] = "post",
    consented_faces: Annotated[int, Form(ge=0, le=100)] = 0,
) -> dict[str, Any]:
    """Strip the metadata, find faces and text. ``clean_image`` is the image without metadata,
    base64-encoded; a face beyond ``consented_faces`` blocks."""
    data = read_upload(file)
    context = GuardContext()
    if workspace:
        ws = member_workspace(db, auth_=auth_, slug=workspace)
        context = context_for_workspace(db, workspace=ws)
    return image_result(data, context=context, kind=kind, faces=consented_faces)


@router.post(
    WS + "/guard/overrides",
    response_model=OverrideRead,
    status_code=201,
    summary="Override a guard warning",
)
def override(body: OverrideRequest, db: DbDep, ctx: ApproveCtx) -> dict[str, Any]:
    """Accept a text despite warnings (never a block); the reason goes to the audit trail."""
    context = context_for_workspace(
        db, workspace=ctx.workspace, channel=body.channel, purpose=body.purpose
    )
    report = check_text(text=body.text, kind=body.kind, lang=body.lang, context=context)
    findings = [f.to_dict() for f in report.findings if f.severity != "off"]
    return policies.record_override(
        db,
        workspace=ctx.workspace,
        actor=ctx.actor,
        text_excerpt_hash=policies.text_hash(body.text),
        findings=findings,
        reason=body.reason,
        excerpt=policies.redacted_excerpt(body.text, findings),
    )


# --- consents -----------------------------------------------------------------------------


def consent_read(consent: consents.Consent, workspace: Workspace) -> ConsentRead:
    data = ConsentRead.model_validate(consent)
    return data.model_copy(update={"status": consent.status_on(consents.today_for(workspace))})


@router.get(WS + "/consents", response_model=list[ConsentRead], summary="List consents")
def list_consents(
    db: DbDep,
    ctx: ViewCtx,
    status: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> list[ConsentRead]:
    """``status``: valid, expired or revoked (empty for all); ``q`` searches names."""
    rows = consents.list_consents(db, workspace=ctx.workspace, status=status, search=q[:200])
    return [consent_read(c, ctx.workspace) for c in rows]


@router.post(
    WS + "/consents", response_model=ConsentRead, status_code=201, summary="Record a consent"
)
def record_consent(
    body: ConsentCreate, db: DbDep, settings: SettingsDep, ctx: ConsentCtx
) -> ConsentRead:
    """Record a patient's consent (testimonial, photo, video or story) with its channels, purposes
    and expiry. Audited."""
    data = consents.ConsentInput(
        person_name=body.person_name,
        kind=body.kind,
        signed_on=body.signed_on,
        expires_on=body.expires_on,
        channels=tuple(body.channels),
        purposes=tuple(body.purposes),
        notes=body.notes,
    )
    consent = consents.record_consent(
        db, workspace=ctx.workspace, data=data, actor=ctx.actor, data_dir=settings.data_dir
    )
    return consent_read(consent, ctx.workspace)


@router.get(WS + "/consents/{consent_id}", response_model=ConsentRead, summary="Get a consent")
def get_consent(consent_id: int, db: DbDep, ctx: ViewCtx) -> ConsentRead:
    """One consent with its status: valid, expired or revoked."""
    consent = consents.get_consent(db, workspace=ctx.workspace, consent_id=consent_id)
    return consent_read(consent, ctx.workspace)


@router.get(
    WS + "/consents/{consent_id}/form",
    response_class=FileResponse,
    summary="Download a consent's scanned form",
)
def consent_form(consent_id: int, db: DbDep, settings: SettingsDep, ctx: ViewCtx) -> FileResponse:
    """The scanned form, to members of the workspace only."""
    consent = consents.get_consent(db, workspace=ctx.workspace, consent_id=consent_id)
    return form_response(consent, settings.data_dir)


@router.post(
    WS + "/consents/{consent_id}/form",
    response_model=ConsentRead,
    summary="Attach a consent's scanned form",
)
def attach_consent_form(
    consent_id: int,
    db: DbDep,
    settings: SettingsDep,
    ctx: ConsentCtx,
    form_file: Annotated[UploadFile | None, File()] = None,
) -> ConsentRead:
    """Attach the scanned form (PDF, JPEG or PNG, up to 10 MB) as multipart ``form_file``."""
    if form_file is None:
        raise ValidationFailed("form_file", "No file was uploaded.", "Attach the scanned form.")
    data = form_file.file.read(consents.MAX_FORM_BYTES + 1)
    form = consents.Attachment(form_file.filename or "form", form_file.content_type or "", data)
    consent = consents.attach_form(
        db,
        workspace=ctx.workspace,
        consent_id=consent_id,
        form=form,
        actor=ctx.actor,
        data_dir=settings.data_dir,
    )
    return consent_read(consent, ctx.workspace)


@router.post(
    WS + "/consents/{consent_id}/revoke", response_model=ConsentRead, summary="Revoke a consent"
)
def revoke_consent(consent_id: int, body: RevokeRequest, db: DbDep, ctx: ConsentCtx) -> ConsentRead:
    """The consent stops covering new posts from now on; the reason is kept. Audited."""
    consent = consents.revoke_consent(
        db, workspace=ctx.workspace, consent_id=consent_id, reason=body.reason, actor=ctx.actor
    )
    return consent_read(consent, ctx.workspace)


# --- policy -------------------------------------------------------------------------------


def policy_read(policy: policies.Policy) -> PolicyRead:
    return PolicyRead(
        severities=policy.severities,
        allow_terms=list(policy.allow_terms),
        deny_terms=list(policy.deny_terms),
        categories={key: labels["en"] for key, labels in CATEGORIES.items()},
        locked=sorted(policies.LOCKED),
    )


@router.get(WS + "/guard/policy", response_model=PolicyRead, summary="Get the guard policy")
def get_policy(db: DbDep, ctx: CheckCtx) -> PolicyRead:
    """Which categories block or warn in this workspace, and its allow and deny terms."""
    return policy_read(policies.get_policy(db, workspace=ctx.workspace))


@router.put(WS + "/guard/policy", response_model=PolicyRead, summary="Change the guard policy")
def put_policy(body: PolicyUpdate, db: DbDep, ctx: PolicyCtx) -> PolicyRead:
    """Set which categories block or warn and the allow/deny terms. Audited."""
    policy = policies.update_policy(
        db,
        workspace=ctx.workspace,
        actor=ctx.actor,
        severities=body.severities,
        allow_terms=body.allow_terms,
        deny_terms=body.deny_terms,
    )
    return policy_read(policy)
