"""Request dependencies: the database session, who is asking, which workspace, what they may do.

The request owns the unit of work: services flush, ``get_db`` commits once at the end.

Every dependency and route that touches the database is a plain ``def``: FastAPI runs it in
the thread pool, so a request waiting for the database never stalls the event loop (an
``async`` dependency blocking on SQLite deadlocked the whole server against the request that
held the write lock). The only ``async`` dependencies here read the request body
(:func:`read_form`, :func:`submitted_csrf`) and touch nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rapport.config import Settings
from rapport.core import i18n
from rapport.core.crypto import constant_time_equal
from rapport.core.i18n import N_
from rapport.db import has_uncommitted_writes
from rapport.errors import Msgid, NotAuthenticated, NotFound, PermissionDenied
from rapport.workspaces import access, auth, service
from rapport.workspaces.models import User, UserSession, Workspace
from rapport.workspaces.roles import PERMISSIONS, ROLE_LABELS, can

MAX_ID = 2_147_483_647  # ids are 32-bit on PostgreSQL; larger numbers can't name a row
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

SESSION_COOKIE = "rapport_session"
ANON_CSRF_COOKIE = "rapport_csrf"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.session_factory()
    request.state.db = session
    try:
        yield session
        session.commit()
    except BaseException:
        # Detach first: the error page can still show what was loaded (user, workspace)
        # while the rollback discards every change of this request.
        session.expunge_all()
        session.rollback()
        raise
    finally:
        session.close()


DbDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


@dataclass
class Auth:
    user: User
    session_row: UserSession | None = None
    token: access.TokenUse | None = None

    @property
    def csrf_token(self) -> str:
        return self.session_row.csrf_token if self.session_row else ""


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_form(request: Request) -> FormData:
    """The parsed form (Starlette caches it), read here so routes can stay plain ``def``."""
    if request.headers.get("content-type", "").startswith(FORM_CONTENT_TYPES):
        return await request.form()
    return FormData()


FormDep = Annotated[FormData, Depends(read_form)]


async def submitted_csrf(request: Request) -> str:
    """The CSRF token a state-changing request carries (header or form field), else ``""``."""
    if request.method not in UNSAFE_METHODS:
        return ""
    if header := request.headers.get("x-csrf-token", ""):
        return header
    if not request.cookies.get(SESSION_COOKIE) and not request.cookies.get(ANON_CSRF_COOKIE):
        return ""  # nothing to compare against: don't parse a stranger's upload
    value = (await read_form(request)).get("csrf_token", "")
    return value if isinstance(value, str) else ""


SubmittedCsrf = Annotated[str, Depends(submitted_csrf)]


def check_csrf(request: Request, expected: str, submitted: str) -> None:
    if request.method not in UNSAFE_METHODS:
        return
    if not expected or not submitted or not constant_time_equal(submitted, expected):
        raise PermissionDenied(
            "This form has expired or did not come from Rapport (CSRF check). Reload the page "
            "and try again."
        )


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def optional_auth(
    request: Request, db: DbDep, settings: SettingsDep, submitted: SubmittedCsrf
) -> Auth | None:
    """Who is asking: an API token (Authorization: Bearer) or a signed-in browser session."""
    if cached := getattr(request.state, "auth", None):
        return cached  # type: ignore[no-any-return]
    result: Auth | None = None
    if raw := _bearer(request):
        token = access.authenticate_token(db, raw=raw)  # checks its creator's current role
        creator = token.creator
        result = Auth(user=creator or User(id=0, email="api", name=token.name), token=token)
    elif raw := request.cookies.get(SESSION_COOKIE, ""):
        row = auth.load_session(db, raw=raw, settings=settings)
        if row is not None and not row.second_factor_pending:
            check_csrf(request, row.csrf_token, submitted)
            result = Auth(user=row.user, session_row=row)
            i18n.set_locale(row.user.locale)
    _commit_bookkeeping(db)
    request.state.auth = result
    return result


def _commit_bookkeeping(db: Session) -> None:
    """Commit "last seen" and "last used" stamps at once, in their own short transaction.

    Left pending, the route's first query would flush them and the request would hold the
    write lock (SQLite) or the token's row lock (PostgreSQL) through whatever slow work it
    does next, such as a 10-second image check, stalling every other request.
    """
    if has_uncommitted_writes(db):
        db.commit()


async def current_auth(auth_: Annotated[Auth | None, Depends(optional_auth)]) -> Auth:
    if auth_ is None:
        raise NotAuthenticated("Please sign in.")
    return auth_


AuthDep = Annotated[Auth, Depends(current_auth)]


@dataclass
class WorkspaceCtx:
    workspace: Workspace
    role: str
    auth: Auth

    @property
    def user(self) -> User:
        return self.auth.user

    @property
    def actor(self) -> User | None:
        """The user to record in the audit trail (None for a token without a creator)."""
        return self.auth.user if self.auth.user.id else None

    def can(self, permission: str) -> bool:
        return can(self.role, permission)


def _resolve_workspace(db: Session, slug: str, auth_: Auth) -> WorkspaceCtx:
    if auth_.token is not None:
        if auth_.token.workspace.slug != slug:
            raise NotFound(f"No workspace “{slug}”.")
        return WorkspaceCtx(auth_.token.workspace, auth_.token.role, auth_)
    workspace, role = service.workspace_for_member(db, slug=slug, user=auth_.user)
    if workspace.organisation.require_totp and not auth_.user.totp_enabled:
        raise PermissionDenied(
            N_(
                "%(organisation)s requires a second factor. Set it up under Account and "
                "security (/account?setup=totp), then come back."
            ),
            params={"organisation": workspace.organisation.name},
        )
    return WorkspaceCtx(workspace, role, auth_)


def require(permission: str) -> Callable[[Request, str, Session, Auth], WorkspaceCtx]:
    """A dependency for routes under /w/{slug} or /api/v1/workspaces/{slug}.

    Non-members get 404 (the workspace's existence is not revealed); members without the
    permission get 403. The permission is kept on the function so tests can walk the routes.
    """
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def dependency(request: Request, slug: str, db: DbDep, auth_: AuthDep) -> WorkspaceCtx:
        ctx = _resolve_workspace(db, slug, auth_)
        request.state.workspace_ctx = ctx
        if not ctx.can(permission):
            raise PermissionDenied(
                N_(
                    "Your role (%(role)s) may not do this: %(action)s. Ask an owner of %(workspace)s."
                ),
                params={
                    "role": Msgid(ROLE_LABELS.get(ctx.role, ctx.role)),
                    "action": Msgid(PERMISSIONS[permission][0]),
                    "workspace": ctx.workspace.name,
                },
            )
        return ctx

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def anon_csrf(request: Request, submitted: SubmittedCsrf) -> None:
    """Double-submit check for forms used before sign-in (login, reset, invitation)."""
    check_csrf(request, request.cookies.get(ANON_CSRF_COOKIE, ""), submitted)
