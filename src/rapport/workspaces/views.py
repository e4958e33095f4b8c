"""Sign-in, second factor, password reset, invitations and the account page."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from rapport.core.i18n import gettext as _
from rapport.core.ratelimit import SlidingWindowLimiter
from rapport.errors import NotAuthenticated, RapportError, RateLimited
from rapport.web.deps import (
    SESSION_COOKIE,
    Auth,
    AuthDep,
    DbDep,
    SettingsDep,
    SubmittedCsrf,
    anon_csrf,
    optional_auth,
)
from rapport.web.pages import form_errors, load_shell, redirect, render, safe_next
from rapport.workspaces import access, auth, outbox
from rapport.workspaces.settings_views import router as settings_router

log = logging.getLogger("rapport.workspaces")
router = APIRouter(dependencies=[Depends(load_shell)], include_in_schema=False)
router.include_router(settings_router)

PENDING_COOKIE = "rapport_pending"
login_limiter = SlidingWindowLimiter(limit=30, window_seconds=600)  # failed sign-ins per address


def _set_session_cookie(response: Response, raw: str, request: Request, name: str) -> None:
    response.set_cookie(
        name,
        raw,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=request.app.state.settings.session_max_age_hours * 3600,
    )


@router.get("/login")
def login_form(request: Request, auth_: Annotated[Auth | None, Depends(optional_auth)]) -> Response:
    if auth_ is not None:
        return redirect(safe_next(request.query_params.get("next")))
    return render(request, "workspaces/login.html", {"next": request.query_params.get("next", "")})


@router.post("/login", dependencies=[Depends(anon_csrf)])
def login(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    client = request.client.host if request.client else "unknown"
    if login_limiter.blocked(client):
        context = {
            "error": _(
                "Too many sign-in attempts from your network. Wait a few minutes and try again."
            ),
            "email": email,
            "next": next,
        }
        return render(request, "workspaces/login.html", context, 429)
    try:
        user = auth.authenticate(db, email=email, password=password, settings=settings)
    except (NotAuthenticated, RateLimited) as exc:
        login_limiter.hit(client)
        status = 429 if isinstance(exc, RateLimited) else 401
        context = {"error": exc.localized(), "email": email, "next": next}
        return render(request, "workspaces/login.html", context, status)
    pending = auth.needs_second_factor(user)
    raw, _row = auth.start_session(db, user=user, settings=settings, second_factor_pending=pending)
    if pending:
        response = redirect(f"/login/second-factor?next={safe_next(next)}")
        _set_session_cookie(response, raw, request, PENDING_COOKIE)
        return response
    if access.totp_required(user):
        response = redirect(
            "/account?setup=totp",
            flash=_("Your organisation requires a second factor: set it up now."),
            kind="warning",
        )
    else:
        response = redirect(safe_next(next))
    _set_session_cookie(response, raw, request, SESSION_COOKIE)
    return response


@router.get("/login/second-factor")
def second_factor_form(request: Request) -> Response:
    return render(
        request, "workspaces/second_factor.html", {"next": request.query_params.get("next", "")}
    )


@router.post("/login/second-factor", dependencies=[Depends(anon_csrf)])
def second_factor(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    raw = request.cookies.get(PENDING_COOKIE, "")
    row = auth.load_session(db, raw=raw, settings=settings) if raw else None
    if row is None or not row.second_factor_pending:
        return redirect("/login", flash=_("Please sign in again."), kind="warning")
    if not auth.verify_second_factor(row.user, code=code, secret_key=settings.ensure_secret_key()):
        auth.register_second_factor_failure(row.user, settings)
        context = {
            "error": _(
                "That code is not right. Type the current code from your app, or a recovery code."
            ),
            "next": next,
        }
        return render(request, "workspaces/second_factor.html", context, 401)
    auth.end_session(db, raw=raw)
    new_raw, _row = auth.start_session(db, user=row.user, settings=settings)
    response = redirect(safe_next(next))
    response.delete_cookie(PENDING_COOKIE)
    _set_session_cookie(response, new_raw, request, SESSION_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, db: DbDep, auth_: AuthDep) -> Response:
    auth.end_session(db, raw=request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login", flash=_("You are signed out."))
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/password/forgot")
def forgot_form(request: Request) -> Response:
    return render(request, "workspaces/forgot.html")


@router.post("/password/forgot", dependencies=[Depends(anon_csrf)])
def forgot(
    request: Request, db: DbDep, settings: SettingsDep, email: Annotated[str, Form()] = ""
) -> Response:
    found = auth.request_password_reset(db, email=email)
    if found:
        user, token = found
        outbox.send_password_reset(settings, user=user, token=token)
    return render(request, "workspaces/forgot.html", {"sent": True})


@router.get("/password/reset/{token}")
def reset_form(request: Request, db: DbDep, token: str) -> Response:
    auth.open_password_reset(db, token=token)
    return render(request, "workspaces/reset.html", {"token": token})


@router.post("/password/reset/{token}", dependencies=[Depends(anon_csrf)])
def reset(
    request: Request, db: DbDep, token: str, password: Annotated[str, Form()] = ""
) -> Response:
    try:
        auth.reset_password(db, token=token, password=password)
    except RapportError as exc:
        return render(
            request,
            "workspaces/reset.html",
            {"token": token, "errors": form_errors(exc)},
            exc.status_code,
        )
    return redirect("/login", flash=_("Your password is changed. Sign in with the new one."))


@router.get("/invite/{token}")
def invitation_form(
    request: Request, db: DbDep, token: str, auth_: Annotated[Auth | None, Depends(optional_auth)]
) -> Response:
    invitation = access.open_invitation(db, token=token)
    return render(request, "workspaces/invite.html", {"invitation": invitation, "token": token})


@router.post("/invite/{token}")
def accept_invitation(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    token: str,
    submitted: SubmittedCsrf,
    auth_: Annotated[Auth | None, Depends(optional_auth)],
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if auth_ is None:
        anon_csrf(request, submitted)
    try:
        user, workspace = access.accept_invitation(
            db, token=token, name=name, password=password, user=auth_.user if auth_ else None
        )
    except RapportError as exc:
        invitation = access.open_invitation(db, token=token)
        context = {
            "invitation": invitation,
            "token": token,
            "errors": form_errors(exc),
            "name": name,
        }
        return render(request, "workspaces/invite.html", context, exc.status_code)
    response = redirect(f"/w/{workspace.slug}/today", flash=_("Welcome to Rapport."))
    if auth_ is None:
        raw, _row = auth.start_session(db, user=user, settings=settings)
        _set_session_cookie(response, raw, request, SESSION_COOKIE)
    return response
