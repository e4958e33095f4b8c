"""The notification centre: a person's notifications, marking them read, and their channels.

Notifications belong to a person, not a workspace, so the API answers signed-in sessions only:
an API token is scoped to one workspace and must not read its creator's other notices.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from rapport.core.i18n import current_locale
from rapport.core.i18n import gettext as _
from rapport.errors import PermissionDenied
from rapport.notifications import (
    NOTIFICATION_KINDS,
    get_preferences,
    list_for_user,
    mark_all_read,
    mark_read,
    notice_text,
    set_preference,
    unread_count,
)
from rapport.notifications.models import Notification
from rapport.web.deps import Auth, AuthDep, DbDep, IdPath, SettingsDep
from rapport.web.pages import load_shell, redirect, render
from rapport.workspaces import workspaces_of

PAGE_SIZE = 50
Page = Annotated[int, Query(ge=1, le=100000)]

pages = APIRouter(dependencies=[Depends(load_shell)], include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["notifications"])


def kind_label(kind: str) -> str:
    labels = NOTIFICATION_KINDS.get(kind, {})
    return labels.get(current_locale()) or labels.get("en") or kind


def save_preferences(db: Session, *, user_id: int, in_app: list[str], email: list[str]) -> None:
    """One row per known kind: a box left unticked turns that channel off."""
    for kind in NOTIFICATION_KINDS:
        set_preference(db, user_id=user_id, kind=kind, in_app=kind in in_app, email=kind in email)


# --- the page --------------------------------------------------------------------------


@pages.get("/notifications")
def centre(
    request: Request, db: DbDep, auth_: AuthDep, settings: SettingsDep, page: Page = 1
) -> Response:
    user_id = auth_.user.id
    items = list_for_user(db, user_id=user_id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    context = {
        "title": _("Notifications"),
        "notifications": items[:PAGE_SIZE],
        "has_more": len(items) > PAGE_SIZE,
        "page": page,
        "unread": unread_count(db, user_id=user_id),
        "preferences": get_preferences(db, user_id=user_id),
        "kind_label": kind_label,
        "notice": lambda row: notice_text(row, current_locale()),
        "timezone": settings.default_timezone,
        "zones": {w.id: w.timezone for w, _role in workspaces_of(db, user=auth_.user)},
    }
    return render(request, "notifications/centre.html", context)


@pages.post("/notifications/{notification_id}/read")
def read_one(db: DbDep, auth_: AuthDep, notification_id: IdPath) -> Response:
    mark_read(db, user_id=auth_.user.id, notification_id=notification_id)
    return redirect("/notifications")


@pages.post("/notifications/read-all")
def read_all(db: DbDep, auth_: AuthDep) -> Response:
    count = mark_all_read(db, user_id=auth_.user.id)
    return redirect("/notifications", flash=_("%(count)s marked read.") % {"count": count})


@pages.post("/notifications/preferences")
def preferences(
    db: DbDep,
    auth_: AuthDep,
    in_app: Annotated[list[str] | None, Form(max_length=100)] = None,
    email: Annotated[list[str] | None, Form(max_length=100)] = None,
) -> Response:
    save_preferences(db, user_id=auth_.user.id, in_app=in_app or [], email=email or [])
    return redirect("/notifications#preferences", flash=_("Notification settings saved."))


# --- JSON API --------------------------------------------------------------------------


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


def _read(row: Notification) -> NotificationRead:
    """The notification as the API shows it: title and body in the reader's language."""
    text = notice_text(row, current_locale())
    return NotificationRead.model_validate(row).model_copy(
        update={"title": text.title, "body": text.body}
    )


class NotificationList(BaseModel):
    items: list[NotificationRead]
    unread: int


class MarkedRead(BaseModel):
    marked: int


def _person(auth_: AuthDep) -> Auth:
    if auth_.token is not None:
        raise PermissionDenied(
            "Notifications belong to a person: use a signed-in session, not an API token."
        )
    return auth_


PersonDep = Annotated[Auth, Depends(_person)]


@api.get("/notifications", response_model=NotificationList, summary="List my notifications")
def list_api(
    db: DbDep,
    auth_: PersonDep,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> NotificationList:
    """Your notifications, newest first, and how many are unread."""
    user_id = auth_.user.id
    items = list_for_user(db, user_id=user_id, unread_only=unread_only, limit=limit, offset=offset)
    return NotificationList(
        items=[_read(n) for n in items],
        unread=unread_count(db, user_id=user_id),
    )


@api.post(
    "/notifications/read-all", response_model=MarkedRead, summary="Mark all my notifications read"
)
def read_all_api(db: DbDep, auth_: PersonDep) -> MarkedRead:
    """Mark all your unread notifications read; returns how many changed."""
    return MarkedRead(marked=mark_all_read(db, user_id=auth_.user.id))


@api.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationRead,
    summary="Mark a notification read",
)
def read_one_api(db: DbDep, auth_: PersonDep, notification_id: IdPath) -> NotificationRead:
    """Mark one of your notifications read (idempotent; 404 for anyone else's)."""
    row = mark_read(db, user_id=auth_.user.id, notification_id=notification_id)
    return _read(row)


router = APIRouter()
router.include_router(pages)
router.include_router(api)
