"""Sign-in, second factor, password reset, invitations and the account page."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from rapport.core.i18n import N_
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
from rapport.web.links import PublicUrl
from rapport.web.pages import form_errors, load_shell, redirect, render, safe_next
from rapport.workspaces import access, auth, service
from rapport.workspaces.org_views import router as org_router
from rapport.workspaces.settings_views import router as settings_router

log = logging.getLogger("rapport.workspaces")
router = APIRouter(dependencies=[Depends(load_shell)], include_in_schema=False)
router.include_router(settings_router)
router.include_router(org_router)

PENDING_COOKIE = "rapport_pending"


@dataclass
class ClientLimits:
    """Per-client limits of this app (in-process on purpose: the per-account lock-out in the
    database is the durable guard; these slow down one client trying many accounts)."""

    sign_in: SlidingWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(limit=30, window_seconds=600)
    )
    """Failed sign-ins and wrong codes."""
    reset: SlidingWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(limit=20, window_seconds=3600)
    )
    """Password reset requests."""
    unknown_addresses: auth.UnknownAddressLockout = field(
        default_factory=auth.UnknownAddressLockout
    )
    """Lock-out of addresses without an account, so it looks like a real account's."""


_limits_lock = threading.Lock()


def client_limits(request: Request) -> ClientLimits:
    with _limits_lock:
        limits: ClientLimits | None = getattr(request.app.state, "client_limits", None)
        if limits is None:
            limits = request.app.state.client_limits = ClientLimits()
        return limits


TOO_MANY_FROM_CLIENT = N_(
    "Too many sign-in attempts from your network. Wait a few minutes and try again."
)


def _set_session_cookie(
    response: Response, raw: str, request: Request, name: str, max_age: float | None = None
) -> None:
    response.set_cookie(
        name,
        raw,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=int(max_age or request.app.state.settings.session_max_age_hours * 3600),
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
    client = _client(request)
    if client_limits(request).sign_in.blocked(client):
        context = {"error": _(TOO_MANY_FROM_CLIENT), "email": email, "next": next}
        return render(request, "workspaces/login.html", context, 429)
    try:
        user = auth.authenticate(
            db,
            email=email,
            password=password,
            settings=settings,
            unknown_addresses=client_limits(request).unknown_addresses,
        )
    except (NotAuthenticated, RateLimited) as exc:
        client_limits(request).sign_in.hit(client)
        status = 429 if isinstance(exc, RateLimited) else 401
        context = {"error": exc.localized(), "email": email, "next": next}
        return render(request, "workspaces/login.html", context, status)
    pending = auth.needs_second_factor(user)
    raw, _row = auth.start_session(db, user=user, settings=settings, second_factor_pending=pending)
    if pending:
        response = redirect(f"/login/second-factor?next={safe_next(next)}")
        _set_session_cookie(
            response, raw, request, PENDING_COOKIE, auth.PENDING_SIGN_IN_LIFETIME.total_seconds()
        )
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
    """Finish a sign-in with a code. Wrong codes count towards the account's lock-out and the
    client's limit; a locked account can't finish a sign-in, not even with the right code."""
    raw = request.cookies.get(PENDING_COOKIE, "")
    row = auth.load_session(db, raw=raw, settings=settings) if raw else None
    if row is None or not row.second_factor_pending:
        return redirect("/login", flash=_("Please sign in again."), kind="warning")
    user, client = row.user, _client(request)
    try:
        if client_limits(request).sign_in.blocked(client):
            raise RateLimited(_(TOO_MANY_FROM_CLIENT))
        auth.refuse_if_locked(user)
        secret_key = settings.ensure_secret_key()
        if not auth.verify_second_factor(db, user=user, code=code, secret_key=secret_key):
            client_limits(request).sign_in.hit(client)
            auth.register_failure(db, user=user, settings=settings)
            auth.refuse_if_locked(user)
            raise NotAuthenticated(
                _(
                    "That code is not right. Type the current code from your app, "
                    "or a recovery code."
                )
            )
    except RateLimited as exc:
        auth.end_session(db, raw=raw)  # a lock-out has ended the account's other ones too
        refused = render(request, "workspaces/login.html", {"error": exc.message}, 429)
        refused.delete_cookie(PENDING_COOKIE)
        return refused
    except NotAuthenticated as exc:
        context = {"error": exc.message, "next": next}
        return render(request, "workspaces/second_factor.html", context, 401)
    auth.clear_failures(user)
    auth.end_session(db, raw=raw)
    new_raw, _row = auth.start_session(db, user=user, settings=settings)
    response = redirect(safe_next(next))
    response.delete_cookie(PENDING_COOKIE)
    _set_session_cookie(response, new_raw, request, SESSION_COOKIE)
    return response


@router.post("/logout")
def logout(
    request: Request, db: DbDep, auth_: AuthDep, next: Annotated[str, Form()] = ""
) -> Response:
    auth.end_session(db, raw=request.cookies.get(SESSION_COOKIE, ""))
    response = redirect(safe_next(next, "/login"), flash=_("You are signed out."))
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/password/forgot")
def forgot_form(request: Request) -> Response:
    return render(request, "workspaces/forgot.html")


@router.post("/password/forgot", dependencies=[Depends(anon_csrf)])
def forgot(
    request: Request, db: DbDep, public_url: PublicUrl, email: Annotated[str, Form()] = ""
) -> Response:
    """Quietly limited per client (and, in the job, per address): the page says the same."""
    limit = client_limits(request).reset
    client = _client(request)
    if not limit.blocked(client):
        limit.hit(client)
        auth.queue_password_reset(db, email=email, public_url=public_url)
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


def _invitation_context(
    db: DbDep, token: str, auth_: Auth | None, **extra: object
) -> dict[str, object]:
    """What the invitation page shows: accept, sign up, sign in first, or sign out first."""
    invitation = access.open_invitation(db, token=token)
    if auth_ is not None:
        state = "accept" if access.invitation_is_for(invitation, auth_.user) else "other_account"
    elif service.get_user_by_email(db, email=invitation.email) is not None:
        state = "sign_in"
    else:
        state = "sign_up"
    return {"invitation": invitation, "token": token, "state": state, **extra}


@router.get("/invite/{token}")
def invitation_form(
    request: Request, db: DbDep, token: str, auth_: Annotated[Auth | None, Depends(optional_auth)]
) -> Response:
    return render(request, "workspaces/invite.html", _invitation_context(db, token, auth_))


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
        context = _invitation_context(db, token, auth_, errors=form_errors(exc), name=name)
        return render(request, "workspaces/invite.html", context, exc.status_code)
    response = redirect(f"/w/{workspace.slug}/today", flash=_("Welcome to Rapport."))
    if auth_ is None:
        raw, _row = auth.start_session(db, user=user, settings=settings)
        _set_session_cookie(response, raw, request, SESSION_COOKIE)
    return response
