"""The application factory: JSON API under /api/v1, server-rendered pages, one error handler."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from rapport import __version__
from rapport.config import Settings, get_settings
from rapport.db import get_engine, session_factory
from rapport.models import import_all_models
from rapport.web import api_docs, errors
from rapport.web.inputs import refuse_control_characters
from rapport.web.limits import RequestLimits
from rapport.web.middleware import LocaleMiddleware
from rapport.web.security import SecurityHeaders
from rapport.web.templating import make_templates
from rapport.workspaces import configure_audit_key

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Every module that contributes routes, in one explicit list: (module, attribute).
ROUTERS: tuple[tuple[str, str], ...] = (
    ("rapport.web.health", "router"),
    ("rapport.workspaces.api", "router"),
    ("rapport.workspaces.views", "router"),
    ("rapport.notifications.views", "router"),
    ("rapport.jobs.views", "router"),
    ("rapport.guard.api", "router"),
    ("rapport.guard.views", "router"),
    ("rapport.web.views", "router"),
)


def _include_routers(app: FastAPI) -> None:
    for module_name, attribute in ROUTERS:
        module = importlib.import_module(module_name)
        router: APIRouter = getattr(module, attribute)
        app.include_router(router)


def create_app(
    settings: Settings | None = None, sessions: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or get_settings()
    settings.check_for_production()
    configure_audit_key(settings.ensure_secret_key())
    import_all_models()
    app = FastAPI(
        title="Rapport",
        version=__version__,
        description="Social media for healthcare practices, without leaking PHI.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        responses=errors.API_ERROR_RESPONSES,
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.settings = settings
    app.state.session_factory = sessions or session_factory(
        get_engine(settings.resolved_database_url)
    )
    app.state.templates = make_templates()
    app.add_middleware(LocaleMiddleware, default=settings.default_locale)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        RequestLimits,
        concurrent=settings.max_concurrent_requests,
        json_body_bytes=settings.max_json_body_kb * 1024,
        upload_bytes=settings.max_upload_mb * 1024 * 1024,
    )
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    api_docs.install(app)
    _include_routers(app)
    return app
