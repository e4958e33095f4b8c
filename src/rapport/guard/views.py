"""The Compliance pages: check a text (live, as you type), check an image, consents, policy."""

from __future__ import annotations

import base64
import re
import secrets
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rapport.config import Settings
from rapport.core import i18n
from rapport.core.i18n import gettext as _
from rapport.errors import RapportError, ValidationFailed
from rapport.guard import consent as consents
from rapport.guard import policy as policies
from rapport.guard.api import read_upload
from rapport.guard.consent.views import router as consent_router
from rapport.guard.context import check_image_upload, check_text, context_for_workspace
from rapport.guard.detect.model import CATEGORIES, KINDS, LANGS, MAX_TEXT_LENGTH, SEVERITIES, Report
from rapport.guard.images import ImageReport
from rapport.web.deps import DbDep, FormDep, SettingsDep, WorkspaceCtx, require
from rapport.web.pages import form_errors, load_shell, redirect, render

router = APIRouter(dependencies=[Depends(load_shell)], include_in_schema=False)
router.include_router(consent_router)
W = "/w/{slug}/guard"

CheckCtx = Annotated[WorkspaceCtx, Depends(require("guard.check"))]
ViewCtx = Annotated[WorkspaceCtx, Depends(require("workspace.view"))]
ConsentCtx = Annotated[WorkspaceCtx, Depends(require("consent.manage"))]
PolicyCtx = Annotated[WorkspaceCtx, Depends(require("guard.policy"))]
ApproveCtx = Annotated[WorkspaceCtx, Depends(require("post.approve"))]

TEMP_IMAGE_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def category_label(category: str) -> str:
    labels = CATEGORIES.get(category)
    if labels is None:
        return _("A face without a linked consent") if category.startswith("face") else category
    return labels.get(i18n.current_locale(), labels["en"])


# --- the reusable checker: view model ------------------------------------------------------


def highlight(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``text`` cut into plain and marked segments; overlapping findings share one mark."""
    spans = sorted(
        (f["start"], f["end"], i) for i, f in enumerate(findings) if "start" in f and "end" in f
    )
    segments: list[dict[str, Any]] = []
    position = 0
    for start, end, index in spans:
        if segments and segments[-1]["items"] and start < segments[-1]["end"]:
            mark = segments[-1]
            mark["end"] = max(mark["end"], end)
            mark["text"] = text[mark["start"] : mark["end"]]
            mark["items"].append(index)
            position = mark["end"]
            continue
        if start < position:
            continue
        if start > position:
            segments.append({"text": text[position:start], "items": []})
        segments.append({"text": text[start:end], "start": start, "end": end, "items": [index]})
        position = end
    segments.append({"text": text[position:], "items": []})
    for segment in segments:
        items = [findings[i] for i in segment["items"]]
        segment["labels"] = sorted({category_label(f["category"]) for f in items})
        segment["severity"] = "block" if any(f["severity"] == "block" for f in items) else "warn"
    return segments


def findings_view(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings as shown: label added; one rewrite button per distinct span and suggestion."""
    seen: set[tuple[Any, ...]] = set()
    shown = []
    for finding in findings:
        key = (finding.get("start"), finding.get("end"), finding.get("suggestion"))
        offer = "start" in finding and key not in seen
        seen.add(key)
        shown.append({**finding, "label": category_label(finding["category"]), "offer": offer})
    return shown


def result_context(text: str, report: Report, **extra: Any) -> dict[str, Any]:
    data = report.to_dict()
    findings = [f for f in data["findings"] if f["severity"] != "off"]
    return {
        "text": text,
        "verdict": data["verdict"],
        "lang": data["lang"],
        "segments": highlight(text, findings),
        "findings": findings_view(findings),
        **extra,
    }


def _field(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value if isinstance(value, str) else default


def _page_result(text: str, report: Report, kind: str, lang: str) -> dict[str, Any]:
    return result_context(
        text,
        report,
        target="guard-text-text",
        override=True,
        kind=kind,
        lang_choice=lang,
    )


def _run_check(db: Session, ctx: WorkspaceCtx, text: str, kind: str, lang: str) -> Report:
    context = context_for_workspace(db, workspace=ctx.workspace)
    return check_text(text=text, kind=kind, lang=lang, context=context)


# --- check a text ------------------------------------------------------------------------


@router.get(W)
def guard_home(ctx: CheckCtx) -> Response:
    return redirect(f"/w/{ctx.workspace.slug}/guard/check")


def _check_page(request: Request, status: int = 200, **context: Any) -> Response:
    base = {"title": _("Check a text"), "tab": "check", "kinds": KINDS, "langs": LANGS}
    return render(request, "guard/check.html", {**base, **context}, status)


@router.get(W + "/check")
def check_page(request: Request, ctx: CheckCtx) -> Response:
    return _check_page(request, text="", kind="post", lang="auto")


@router.post(W + "/check")
def check_submit(request: Request, db: DbDep, ctx: CheckCtx, form: FormDep) -> Response:
    """The same check without JavaScript: the whole page comes back with the result."""
    text, kind, lang = (
        _field(form, "text"),
        _field(form, "text__kind", "post"),
        _field(form, "text__lang", "auto"),
    )
    values: dict[str, Any] = {"text": text, "kind": kind, "lang": lang}
    try:
        report = _run_check(db, ctx, text, kind, lang)
    except RapportError as exc:
        return _check_page(request, exc.status_code, errors=form_errors(exc), **values)
    result = _page_result(text, report, kind, lang)
    return _check_page(request, result=result, **values)


@router.post(W + "/check/partial")
def check_partial(request: Request, db: DbDep, ctx: CheckCtx, form: FormDep) -> Response:
    """The live result under a checker; the checker says which field holds the text."""
    field = _field(form, "guard_field", "text")[:80]
    text = _field(form, field)
    kind = _field(form, f"{field}__kind", _field(form, "guard_kind", "post"))
    lang = _field(form, f"{field}__lang", "auto")
    extra = {
        "field": field,
        "target": _field(form, "guard_target")[:120],
        "override": _field(form, "guard_override") == "1",
        "kind": kind,
        "lang_choice": lang,
    }
    if not text.strip():
        return render(request, "guard/_result.html", {"result": None, "empty": True})
    try:
        report = _run_check(db, ctx, text, kind, lang)
    except ValidationFailed as exc:
        return render(request, "guard/_result.html", {"result": None, "error": exc.localized()})
    return render(request, "guard/_result.html", {"result": result_context(text, report, **extra)})


@router.post(W + "/override")
def override(
    request: Request,
    db: DbDep,
    ctx: ApproveCtx,
    text: Annotated[str, Form(max_length=MAX_TEXT_LENGTH)] = "",
    kind: Annotated[str, Form(max_length=20)] = "post",
    lang: Annotated[str, Form(max_length=10)] = "auto",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """An approver accepts the warnings on a text, saying why; recorded in the audit trail."""
    values: dict[str, Any] = {"text": text, "kind": kind, "lang": lang}
    try:
        report = _run_check(db, ctx, text, kind, lang)
    except RapportError as exc:
        return _check_page(request, exc.status_code, errors=form_errors(exc), **values)
    findings = [f.to_dict() for f in report.findings if f.severity != "off"]
    try:
        policies.record_override(
            db,
            workspace=ctx.workspace,
            actor=ctx.actor,
            text_excerpt_hash=policies.text_hash(text),
            findings=findings,
            reason=reason,
            excerpt=policies.redacted_excerpt(text, findings),
        )
    except RapportError as exc:
        result = _page_result(text, report, kind, lang)
        return _check_page(
            request, exc.status_code, result=result, errors=form_errors(exc), **values
        )
    return redirect(
        f"/w/{ctx.workspace.slug}/guard/check",
        flash=_("The override and its reason were recorded in the audit trail."),
    )


# --- check an image ----------------------------------------------------------------------


def _temp_dir(settings: Settings, workspace_id: int) -> Path:
    return settings.data_dir / "tmp" / "guard-images" / str(workspace_id)


def _save_temp(settings: Settings, workspace_id: int, data: bytes) -> str:
    """Keep the cleaned image for an hour, so consents can be linked without re-uploading."""
    folder = _temp_dir(settings, workspace_id)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - TEMP_IMAGE_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / token).write_bytes(data)
    return token


def _load_temp(settings: Settings, workspace_id: int, token: str) -> bytes:
    path = _temp_dir(settings, workspace_id) / token
    if not _TOKEN.match(token) or not path.is_file():
        raise ValidationFailed(
            "file", "The checked image is no longer kept (after an hour).", "Upload it again."
        )
    return path.read_bytes()


def _photo_consents(db: Session, ctx: WorkspaceCtx) -> list[consents.Consent]:
    rows = consents.valid_consents(db, workspace=ctx.workspace)
    return [c for c in rows if c.kind in ("photo", "video")]


def _image_view(report: ImageReport, token: str) -> dict[str, Any]:
    data = report.to_dict()
    ocr_findings = [f for f in data["findings"] if f.get("source") == "ocr" and "start" in f]
    mime = f"image/{report.image.format.lower()}"
    return {
        **data,
        "token": token,
        "src": f"data:{mime};base64,{base64.b64encode(report.image.data).decode('ascii')}",
        "segments": highlight(data["ocr_text"], ocr_findings) if data["ocr_text"] else [],
        "findings": findings_view(data["findings"]),
        "faces_blocked": any(f.get("source") == "face" for f in data["findings"]),
    }


def _image_page(
    request: Request, db: Session, ctx: WorkspaceCtx, status: int = 200, **extra: Any
) -> Response:
    context = {
        "title": _("Check an image"),
        "tab": "image",
        "kinds": KINDS,
        "photo_consents": _photo_consents(db, ctx),
        "chosen": [],
        **extra,
    }
    return render(request, "guard/image.html", context, status)


@router.get(W + "/image")
def image_page(request: Request, db: DbDep, ctx: CheckCtx) -> Response:
    return _image_page(request, db, ctx)


def _consented(db: Session, ctx: WorkspaceCtx, ids: list[int]) -> tuple[int, list[int]]:
    """How many of the chosen consents are valid photo or video consents of this workspace."""
    valid = {c.id for c in _photo_consents(db, ctx)}
    chosen = sorted({i for i in ids if i in valid})
    return len(chosen), chosen


@router.post(W + "/image")
def image_submit(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    ctx: CheckCtx,
    file: Annotated[UploadFile | None, File()] = None,
    image_token: Annotated[str, Form(max_length=80)] = "",
    kind: Annotated[str, Form(max_length=20)] = "post",
    consent_ids: Annotated[list[int] | None, Form(max_length=100)] = None,
) -> Response:
    faces, chosen = _consented(db, ctx, consent_ids or [])
    try:
        if image_token and (file is None or not file.filename):
            data = _load_temp(settings, ctx.workspace.id, image_token)
        else:
            data = read_upload(file if file is not None and file.filename else None)
        context = context_for_workspace(db, workspace=ctx.workspace)
        report = check_image_upload(data, kind=kind, context=context, consented_faces=faces)
    except RapportError as exc:
        return _image_page(request, db, ctx, exc.status_code, errors=form_errors(exc), kind=kind)
    token = _save_temp(settings, ctx.workspace.id, report.image.data)
    image = _image_view(report, token)
    return _image_page(request, db, ctx, image=image, kind=kind, chosen=chosen)


# --- policy -------------------------------------------------------------------------------


def _policy_context(policy: policies.Policy, **extra: Any) -> dict[str, Any]:
    rows = [
        (key, category_label(key), policy.severities.get(key, "block"), key in policies.LOCKED)
        for key in CATEGORIES
    ]
    return {
        "title": _("Guard policy"),
        "tab": "policy",
        "rows": rows,
        "severities": SEVERITIES,
        "allow_text": "\n".join(policy.allow_terms),
        "deny_text": "\n".join(policy.deny_terms),
        **extra,
    }


@router.get(W + "/policy")
def policy_page(request: Request, db: DbDep, ctx: CheckCtx) -> Response:
    policy = policies.get_policy(db, workspace=ctx.workspace)
    return render(request, "guard/policy.html", _policy_context(policy))


@router.post(W + "/policy")
def save_policy(request: Request, db: DbDep, ctx: PolicyCtx, form: FormDep) -> Response:
    severities = {
        key: _field(form, f"sev__{key}")
        for key in CATEGORIES
        if _field(form, f"sev__{key}") and key not in policies.LOCKED
    }
    allow = _field(form, "allow_terms").splitlines()
    deny = _field(form, "deny_terms").splitlines()
    try:
        policies.update_policy(
            db,
            workspace=ctx.workspace,
            actor=ctx.actor,
            severities=severities,
            allow_terms=allow,
            deny_terms=deny,
        )
    except RapportError as exc:
        current = policies.get_policy(db, workspace=ctx.workspace)
        context = _policy_context(current, errors=form_errors(exc))
        context.update(allow_text="\n".join(allow), deny_text="\n".join(deny))
        return render(request, "guard/policy.html", context, exc.status_code)
    return redirect(f"/w/{ctx.workspace.slug}/guard/policy", flash=_("The guard policy was saved."))
