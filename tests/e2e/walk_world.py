"""A richer world for walking every page: readers of every role, a Dutch practice with a Dutch
owner, a practice whose name is as long as the limit allows, audit events, consents and
notifications stored as a kind with parameters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from rapport.guard import policy as policies
from rapport.guard.consent import service as consents
from rapport.notifications import notify_message
from rapport.workspaces import access, service
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.service import MAX_WORKSPACE_NAME
from tests.e2e.server import PASSWORD, seed_world

# One unbroken word: the worst case for a layout (nothing to wrap at).
LONG_NAME = ("Huisartsenpraktijk" + "Zuidoost" * 13)[:MAX_WORKSPACE_NAME]
DUTCH_OWNER = "dirk@example.com"
DUTCH_ANALYST = "anouk@example.com"
READERS = {"contributor": "carl@example.com", "analyst": "ana@example.com"}


def seed_walk_world(db: Session) -> None:
    seed_world(db)
    lakeside = service.get_workspace_by_slug(db, slug="lakeside")
    alice = service.get_user_by_email(db, email="alice@example.com")
    assert alice is not None
    for role, email in READERS.items():
        reader = service.create_user(
            db, email=email, name=role.title() + " Reader", password=PASSWORD
        )
        service.add_member(db, workspace=lakeside, user=reader, role=role, actor=alice)
    _long_named(db, alice)
    _dutch_practice(db)


def _long_named(db: Session, owner: User) -> None:
    org = service.create_organisation(db, name=LONG_NAME)
    ws = service.create_workspace(
        db, organisation=org, details=service.WorkspaceDetails(name=LONG_NAME), slug="long"
    )
    service.add_member(db, workspace=ws, user=owner, role="owner", actor=None)


def _dutch_practice(db: Session) -> None:
    org = service.create_organisation(db, name="Tandartspraktijk Utrecht")
    details = service.WorkspaceDetails(
        name="Tandartspraktijk Utrecht", locale="nl", timezone="Europe/Amsterdam"
    )
    ws = service.create_workspace(db, organisation=org, details=details, slug="utrecht")
    dirk = service.create_user(
        db, email=DUTCH_OWNER, name="Dirk de Vries", password=PASSWORD, locale="nl"
    )
    service.add_member(db, workspace=ws, user=dirk, role="owner", actor=None)
    anouk = service.create_user(
        db, email=DUTCH_ANALYST, name="Anouk Bakker", password=PASSWORD, locale="nl"
    )
    service.add_member(db, workspace=ws, user=anouk, role="analyst", actor=dirk)
    _dutch_history(db, ws, dirk)


def _dutch_history(db: Session, ws: Workspace, dirk: User) -> None:
    """Something on every Dutch page: audit events of several kinds, a consent, notices."""
    invitation, _token = access.invite(
        db, workspace=ws, email="e.jansen@example.com", role="editor", actor=dirk
    )
    policies.update_policy(
        db,
        workspace=ws,
        actor=dirk,
        severities={"patient_story": "block"},
        allow_terms=["Open dag"],
        deny_terms=[],
    )
    data = consents.ConsentInput(
        person_name="Eva de Vries",
        kind="photo",
        signed_on=date(2025, 5, 1),
        channels=("instagram",),
        purposes=("marketing",),
    )
    consents.record_consent(db, workspace=ws, data=data, actor=dirk, data_dir=Path("."))
    notify_message(
        db,
        user_ids=[dirk.id],
        kind="workspaces.invitation",
        message="invitation_sent",
        params={"email": invitation.email, "workspace": ws.name},
        link=f"/w/{ws.slug}/settings/team",
        workspace_id=ws.id,
        email_via="none",
    )
