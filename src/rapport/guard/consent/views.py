"""The consent registry's pages: the list with filters, recording (with the scanned form),
revoking with a reason, and serving the form back to members."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from rapport.core.i18n import N_
from rapport.core.i18n import gettext as _
from rapport.errors import NotFound, RapportError, ValidationFailed
from rapport.guard.consent import service as consents
from rapport.guard.consent.models import Consent
from rapport.guard.detect.model import CONSENT_KINDS
from rapport.web.deps import DbDep, SettingsDep, WorkspaceCtx, require
from rapport.web.pages import form_errors, redirect, render

router = APIRouter(include_in_schema=False)
W = "/w/{slug}/guard"

ViewCtx = Annotated[WorkspaceCtx, Depends(require("workspace.view"))]
ConsentCtx = Annotated[WorkspaceCtx, Depends(require("consent.manage"))]


def _errors(exc: RapportError) -> dict[str, str]:
    return form_errors(exc)


def form_response(consent: Consent, data_dir: Path) -> FileResponse:
    """The scanned form as a download, never cached."""
    path = consents.form_file(consent, data_dir=data_dir)
    return FileResponse(
        path,
        media_type=consent.form_type,
        filename=consent.form_name or path.name,
        headers={"cache-control": "private, no-store"},
    )


def _consents_context(db: Session, ctx: WorkspaceCtx, status: str, q: str) -> dict[str, Any]:
    today = consents.today_for(ctx.workspace)
    rows = consents.list_consents(db, workspace=ctx.workspace, status=status, search=q)
    return {
        "title": _("Consents"),
        "tab": "consents",
        "consents": [(c, c.status_on(today)) for c in rows],
        "status": status,
        "q": q,
        "statuses": consents.STATUSES,
        "kinds": CONSENT_KINDS,
        "channels": consents.CHANNELS,
        "form": {},
    }


@router.get(W + "/consents")
def consents_page(
    request: Request, db: DbDep, ctx: ViewCtx, status: str = "", q: str = ""
) -> Response:
    status = status if status in consents.STATUSES else ""
    return render(request, "guard/consents.html", _consents_context(db, ctx, status, q[:200]))


def _parse_date(field: str, value: str) -> date | None:
    """A date from the form's date picker (sent as YYYY-MM-DD whatever the reader's locale)."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationFailed(
            field,
            N_("“%(value)s” is not a date."),
            N_("Choose the date from the calendar."),
            params={"value": value[:20]},
        ) from exc


def _scope(choice: str, ticked: bool) -> bool | None:
    """The explicit "every …" / "only these" choice; ticking items counts as "only these"."""
    if choice in ("all", "some"):
        return choice == "all"
    return False if ticked else None


def _attachment(upload: UploadFile | None) -> consents.Attachment | None:
    if upload is None or not upload.filename:
        return None
    data = upload.file.read(consents.MAX_FORM_BYTES + 1)
    return consents.Attachment(upload.filename, upload.content_type or "", data)


@router.post(W + "/consents")
def record_consent(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    ctx: ConsentCtx,
    person_name: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    signed_on: Annotated[str, Form(max_length=20)] = "",
    expires_on: Annotated[str, Form(max_length=20)] = "",
    channels: Annotated[list[str] | None, Form(max_length=consents.MAX_SCOPE_ITEMS)] = None,
    purposes: Annotated[str, Form(max_length=1000)] = "",
    notes: Annotated[str, Form(max_length=3000)] = "",
    channel_scope: Annotated[str, Form(max_length=10)] = "",
    purpose_scope: Annotated[str, Form(max_length=10)] = "",
    form_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    values = {
        "person_name": person_name,
        "kind": kind,
        "signed_on": signed_on,
        "expires_on": expires_on,
        "channels": channels or [],
        "channel_scope": channel_scope,
        "purposes": purposes,
        "purpose_scope": purpose_scope,
        "notes": notes,
    }
    problems: list[ValidationFailed] = []
    dates: dict[str, date | None] = {}
    for name, raw in (("signed_on", signed_on), ("expires_on", expires_on)):
        try:
            dates[name] = _parse_date(name, raw)
        except ValidationFailed as exc:
            problems.append(exc)
            dates[name] = None
    purpose_list = tuple(p for p in re.split(r"[,\n]", purposes) if p.strip())
    every_channel = _scope(channel_scope, bool(channels))
    every_purpose = _scope(purpose_scope, bool(purpose_list))
    for field_name, choice, message in (
        ("channels", every_channel, N_("Choose every channel, or tick the channels it covers.")),
        ("purposes", every_purpose, N_("Choose every purpose, or list the purposes it covers.")),
    ):
        if choice is None:
            problems.append(ValidationFailed(field_name, message))
    data = consents.ConsentInput(
        person_name=person_name,
        kind=kind,
        signed_on=dates["signed_on"],
        expires_on=dates["expires_on"],
        channels=tuple(channels or ()),
        purposes=purpose_list,
        notes=notes,
        form=_attachment(form_file),
        every_channel=every_channel,
        every_purpose=every_purpose,
    )
    try:
        if problems:
            # Report the parse problems together with everything else that is wrong.
            found = consents.check_input(data, consents.today_for(ctx.workspace))
            unparsed = {p.field for p in problems}
            raise ValidationFailed.combine([p for p in found if p.field not in unparsed] + problems)
        consents.record_consent(
            db, workspace=ctx.workspace, data=data, actor=ctx.actor, data_dir=settings.data_dir
        )
    except RapportError as exc:
        context = _consents_context(db, ctx, "", "")
        context.update(errors=_errors(exc), form=values, open_form=True)
        return render(request, "guard/consents.html", context, exc.status_code)
    return redirect(
        f"/w/{ctx.workspace.slug}/guard/consents",
        flash=_("The consent of {name} was recorded.").format(name=person_name.strip()),
    )


@router.post(W + "/consents/{consent_id}/revoke")
def revoke_consent(
    request: Request,
    db: DbDep,
    ctx: ConsentCtx,
    consent_id: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        consent = consents.revoke_consent(
            db, workspace=ctx.workspace, consent_id=consent_id, reason=reason, actor=ctx.actor
        )
    except NotFound:
        raise
    except RapportError as exc:
        context = _consents_context(db, ctx, "", "")
        context.update(revoke_errors={consent_id: exc.localized()})
        return render(request, "guard/consents.html", context, exc.status_code)
    return redirect(
        f"/w/{ctx.workspace.slug}/guard/consents",
        flash=_("The consent of {name} was revoked.").format(name=consent.person_name),
        kind="warning",
    )


@router.get(W + "/consents/{consent_id}/form")
def consent_form(consent_id: int, db: DbDep, settings: SettingsDep, ctx: ViewCtx) -> FileResponse:
    consent = consents.get_consent(db, workspace=ctx.workspace, consent_id=consent_id)
    return form_response(consent, settings.data_dir)
