"""Jinja2 set-up shared by every domain's views: loaders, i18n, filters, the page context."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from rapport.core import i18n
from rapport.core.crypto import new_token
from rapport.workspaces.roles import permission_label, role_label, roles_allowed

TEMPLATE_PACKAGES = ("web", "workspaces", "jobs", "notifications", "guard")
ROOT = Path(__file__).resolve().parent.parent


def _loader() -> ChoiceLoader:
    dirs = [ROOT / pkg / "templates" for pkg in TEMPLATE_PACKAGES]
    return ChoiceLoader([FileSystemLoader(str(d)) for d in dirs if d.is_dir()])


def anon_csrf_token(request: Request) -> str:
    """The double-submit token for pages seen before sign-in; ``render`` sets its cookie."""
    token = getattr(request.state, "anon_csrf", "") or request.cookies.get("rapport_csrf", "")
    if not token:
        token = new_token(24)
        request.state.anon_csrf = token
    return token


LAST_WORKSPACE_COOKIE = "rapport_last_ws"


def _last_workspace(request: Request, shell: dict[str, Any]) -> Any:
    """On pages outside a workspace, keep the navigation of the one used last."""
    choices = [w for w, _role in shell.get("workspaces", [])]
    last = request.cookies.get(LAST_WORKSPACE_COOKIE)
    return next((w for w in choices if w.slug == last), choices[0] if choices else None)


def _page_context(request: Request) -> dict[str, Any]:
    """Values every page needs: who is signed in, where, and the shell's badges."""
    auth = getattr(request.state, "auth", None)
    ctx = getattr(request.state, "workspace_ctx", None)
    shell = getattr(request.state, "shell", None) or {}
    return {
        "auth": auth,
        "user": auth.user if auth else None,
        "csrf_token": auth.csrf_token if auth else anon_csrf_token(request),
        "ws": ctx,
        "workspace": ctx.workspace if ctx else None,
        "nav_workspace": ctx.workspace if ctx else _last_workspace(request, shell),
        "locale": i18n.current_locale(),
        "shell": shell,
        "current_path": request.url.path,
    }


def summary_text(value: Any) -> str:
    """Readable audit details: lists of pairs become "A (b); C (d)", not Python reprs."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return "; ".join(" — ".join(str(x) for x in v) for v in value)
    if isinstance(value, list):
        return ", ".join(summary_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {summary_text(v)}" for k, v in value.items())
    return "—" if value in (None, "") else str(value)


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=_loader(),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["datetime"] = i18n.fmt_datetime
    env.filters["date"] = i18n.fmt_date
    env.filters["number"] = i18n.fmt_number
    env.filters["tojson_attr"] = lambda value: json.dumps(value)
    env.filters["summary"] = summary_text
    env.filters["role_label"] = role_label
    env.globals["LOCALE_NAMES"] = i18n.LOCALE_NAMES
    env.globals["roles_allowed"] = roles_allowed
    env.globals["permission_label"] = permission_label
    return Jinja2Templates(env=env, context_processors=[_page_context])
