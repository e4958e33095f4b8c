"""The shell's own pages: home, the sections not built yet, the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from rapport.core.i18n import LOCALES, N_
from rapport.core.i18n import gettext as _
from rapport.web.deps import (
    Auth,
    AuthDep,
    DbDep,
    SubmittedCsrf,
    WorkspaceCtx,
    anon_csrf,
    optional_auth,
    require,
)
from rapport.web.pages import load_shell, redirect, render, safe_next
from rapport.workspaces import service

router = APIRouter(dependencies=[Depends(load_shell)], include_in_schema=False)

COMING = {
    "today": N_(
        "Your 30-minute routine, in two 15-minute sessions: what to post, what to answer, who to thank."
    ),
    "calendar": N_(
        "The weekly theme plan and the posts scheduled on each day, in the practice's time zone."
    ),
    "compose": N_("Write one post for many networks, checked by the compliance guard as you type."),
    "inbox": N_(
        "Mentions, comments and reviews in one place, with sentiment, urgency and response-time targets."
    ),
    "analytics": N_(
        "Best times to post, which topics resonate, followers gained and kept, traffic by channel."
    ),
    "strategy": N_(
        "The audience survey, SMART goals, budget and the return on your time and money."
    ),
    "relationships": N_(
        "Patients, referral sources and staff: touchpoints, relationship health and follow-ups."
    ),
}


@router.get("/")
def home(db: DbDep, auth_: AuthDep) -> Response:
    memberships = service.workspaces_of(db, user=auth_.user)
    if len(memberships) >= 1:
        return redirect(f"/w/{memberships[0][0].slug}/today")
    return redirect("/account")


@router.get("/w/{slug}")
def workspace_home(ctx: Annotated[WorkspaceCtx, Depends(require("workspace.view"))]) -> Response:
    return redirect(f"/w/{ctx.workspace.slug}/today")


@router.get("/w/{slug}/{section}")
def section_page(
    request: Request,
    section: str,
    ctx: Annotated[WorkspaceCtx, Depends(require("workspace.view"))],
) -> Response:
    if section not in COMING:
        return render(
            request,
            "errors/error.html",
            {"status": 404, "title": "Not found", "detail": _("There is no such page.")},
            404,
        )
    labels = dict((k, v) for k, v in request.state.shell["sections"])
    return render(
        request,
        "shell/coming.html",
        {"title": labels[section], "section": section, "intro": _(COMING[section])},
    )


@router.post("/locale")
def set_language(
    request: Request,
    db: DbDep,
    submitted: SubmittedCsrf,
    locale: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
    auth_: Annotated[Auth | None, Depends(optional_auth)] = None,
) -> Response:
    chosen = locale if locale in LOCALES else "en"
    if auth_ is None:
        anon_csrf(request, submitted)
    else:
        auth_.user.locale = chosen
    response = redirect(safe_next(next))
    response.set_cookie("rapport_locale", chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response
