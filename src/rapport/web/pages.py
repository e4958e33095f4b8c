"""What every HTML page shares: the shell's data (workspaces, unread count, banner), flashes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from rapport.core.i18n import gettext as _
from rapport.errors import RapportError
from rapport.jobs.watchdog import Stall, queue_health
from rapport.notifications import unread_count
from rapport.web.deps import ANON_CSRF_COOKIE, Auth, get_db, optional_auth
from rapport.web.templating import LAST_WORKSPACE_COOKIE
from rapport.workspaces import service

FLASH_COOKIE = "rapport_flash"


def sections() -> list[tuple[str, str]]:
    return [
        ("today", _("Today")),
        ("calendar", _("Calendar")),
        ("compose", _("Compose")),
        ("inbox", _("Inbox")),
        ("analytics", _("Analytics")),
        ("strategy", _("Strategy")),
        ("relationships", _("Relationships")),
        ("guard", _("Compliance")),
        ("settings", _("Settings")),
    ]


def _queue_stalled(request: Request, db: Session) -> list[Stall]:
    """Why jobs are not being run (empty when they are): due jobs nobody claims, expired
    leases of a dead worker, a worker whose heartbeat is missing."""
    return queue_health(db).stalls(request.app.state.settings.watchdog_minutes)


def load_shell(
    request: Request,
    db: Session = Depends(get_db),
    auth_: Auth | None = Depends(optional_auth),
) -> None:
    flashes = _read_flashes(request)
    shell: dict[str, Any] = {"flashes": flashes, "sections": sections()}
    if auth_ is not None and auth_.token is None:
        shell["workspaces"] = service.workspaces_of(db, user=auth_.user)
        shell["unread"] = unread_count(db, user_id=auth_.user.id)
        shell["queue_stalled"] = _queue_stalled(request, db)
    request.state.shell = shell


def _read_flashes(request: Request) -> list[tuple[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    request.state.clear_flash = True
    try:
        items = json.loads(unquote(raw))
        return [(str(k), str(m)) for k, m in items][:5]
    except (ValueError, TypeError):
        return []


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context or {}, status_code=status
    )
    if getattr(request.state, "clear_flash", False):
        response.delete_cookie(FLASH_COOKIE)
    if ctx := getattr(request.state, "workspace_ctx", None):
        response.set_cookie(
            LAST_WORKSPACE_COOKIE, ctx.workspace.slug, httponly=True, samesite="lax"
        )
    if token := getattr(request.state, "anon_csrf", ""):
        response.set_cookie(ANON_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def redirect(url: str, *, flash: str = "", kind: str = "success") -> Response:
    """303 after a successful form post, with a one-time message on the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE, quote(json.dumps([[kind, flash]])), httponly=True, samesite="lax"
        )
    return response


def form_errors(exc: RapportError) -> dict[str, str]:
    """Field name → message, for a form to mark each field; ``form`` when no field is named."""
    return {e.loc: e.localized() for e in exc.errors} or {"form": exc.localized()}


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site paths: never redirect a sign-in to another host."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default
