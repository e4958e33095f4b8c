"""Builds the demo organisation "Lakeside Family Practice" (idempotent: a rerun resets it)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.table import Table
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rapport import dbadmin
from rapport.config import Settings
from rapport.core import clock
from rapport.db import get_engine, session_factory, unit_of_work
from rapport.notifications import notify_message
from rapport.workspaces import access, service
from rapport.workspaces.models import Organisation, User, Workspace
from rapport.workspaces.roles import ROLES

DEMO_ORG_SLUG = "lakeside-family-practice"
DEMO_DOMAIN = "lakeside.example"
DEMO_PASSWORD = "lakeside-demo-2026"
HISTORY_DAYS = 150

US_CLINIC = service.WorkspaceDetails(
    name="Lakeside Family Practice",
    timezone="America/Chicago",
    locale="en",
    practice_type="clinic",
    phone="(608) 555-0142",
    email="hello@lakesidefamily.example",
    address="1200 Shoreline Drive, Madison, WI 53703",
    website="https://lakesidefamily.example",
    opening_hours="Mon–Fri 8:00–18:00, Sat 9:00–12:00",
)
NL_DENTAL = service.WorkspaceDetails(
    name="Lakeside Tandartsen Utrecht",
    timezone="Europe/Amsterdam",
    locale="nl",
    practice_type="dental",
    phone="030 555 0198",
    email="info@lakeside-tandartsen.example",
    address="Oudegracht 120, 3511 AX Utrecht",
    website="https://lakeside-tandartsen.example",
    opening_hours="ma–vr 8:00–17:30",
)
US_STAFF = [
    ("Dr. Maria Alvarez", "MD, family physician"),
    ("Dr. James Okafor", "DO, family physician"),
    ("Linda Park", "Nurse practitioner"),
    ("Tom Becker", "Practice manager"),
]
NL_STAFF = [
    ("Sanne de Vries", "tandarts"),
    ("Pieter van den Berg", "tandarts-implantoloog"),
    ("Fatima El Amrani", "mondhygiënist"),
]
PEOPLE = {
    "owner": "Olivia Owens",
    "approver": "Adam Pierce",
    "editor": "Emma Diaz",
    "contributor": "Chris Nolan",
    "analyst": "Ana Lopes",
}


@dataclass
class DemoResult:
    workspaces: list[Workspace]
    users: dict[str, User]


def _remove_previous(db: Session) -> None:
    db.execute(delete(Organisation).where(Organisation.slug == DEMO_ORG_SLUG))
    db.execute(delete(User).where(User.email.endswith("@" + DEMO_DOMAIN)))
    db.flush()


_REAL_START = datetime.now(UTC) - timedelta(days=HISTORY_DAYS)


def _travel(day: int, hour: int = 15) -> None:
    """Let the services record what follows as happening on that day of the history."""
    when = (_REAL_START + timedelta(days=day)).replace(hour=hour, minute=random.randint(0, 59))
    clock.set_clock(lambda: when)


def _history(
    db: Session, ws: Workspace, users: dict[str, User], staff: list[tuple[str, str]]
) -> None:
    """Months of everyday changes, each at its own moment in the past."""
    owner = users["owner"]
    _travel(2)
    service.set_staff(db, workspace=ws, staff=staff[:-1], actor=owner)
    for day, role in ((4, "approver"), (6, "editor"), (9, "contributor"), (12, "analyst")):
        _travel(day)
        service.add_member(db, workspace=ws, user=users[role], role=role, actor=owner)
    _travel(20)
    access.create_api_token(
        db, workspace=ws, name="Website review widget", role="analyst", actor=owner
    )
    _travel(45, 16)
    service.set_staff(db, workspace=ws, staff=staff, actor=owner)
    _travel(70)
    service.change_role(
        db, workspace=ws, user_id=users["contributor"].id, role="editor", actor=owner
    )
    _travel(71)
    service.change_role(
        db, workspace=ws, user_id=users["contributor"].id, role="contributor", actor=owner
    )
    _travel(HISTORY_DAYS - 3)
    access.invite(db, workspace=ws, email=f"new.hire@{DEMO_DOMAIN}", role="editor", actor=owner)
    clock.set_clock(None)


def build_demo(db: Session) -> DemoResult:
    try:
        return _build(db)
    finally:
        clock.set_clock(None)


def _build(db: Session) -> DemoResult:
    random.seed(7)
    _remove_previous(db)
    _travel(0, 14)
    org = service.create_organisation(db, name="Lakeside Family Practice", slug=DEMO_ORG_SLUG)
    users = {
        role: service.create_user(
            db,
            email=f"{role}@{DEMO_DOMAIN}",
            name=name,
            password=DEMO_PASSWORD,
            locale="nl" if role == "analyst" else "en",
        )
        for role, name in PEOPLE.items()
    }
    workspaces = []
    for details, slug, staff in (
        (US_CLINIC, "lakeside-madison", US_STAFF),
        (NL_DENTAL, "lakeside-utrecht", NL_STAFF),
    ):
        _travel(0, 14)
        ws = service.create_workspace(
            db, organisation=org, details=details, slug=slug, actor=users["owner"]
        )
        service.add_member(db, workspace=ws, user=users["owner"], role="owner", actor=None)
        _history(db, ws, users, staff)
        workspaces.append(ws)
    notify_message(
        db,
        user_ids=[users["owner"].id],
        kind="workspaces.invitation",
        message="invitation_sent",
        params={"email": "new.hire@lakeside.example", "workspace": workspaces[0].name},
        workspace_id=workspaces[0].id,
    )
    return DemoResult(workspaces, users)


def run_demo(settings: Settings) -> DemoResult:
    url = settings.resolved_database_url
    dbadmin.upgrade(url)
    with unit_of_work(session_factory(get_engine(url))) as db:
        result = build_demo(db)
        slugs = [w.slug for w in result.workspaces]
        logins = [(role, result.users[role].email) for role in ROLES]
        count = db.scalar(select(Organisation.id).where(Organisation.slug == DEMO_ORG_SLUG))
    _print(settings, slugs, logins, count)
    return result


def _print(
    settings: Settings, slugs: list[str], logins: list[tuple[str, str]], _org: int | None
) -> None:
    console = Console()
    console.print(
        f"\n[bold]Demo ready:[/bold] Lakeside Family Practice — sign in at {settings.base_url}/login"
    )
    console.print("Workspaces: " + ", ".join(slugs))
    table = Table("role", "login", "password")
    for role, email in logins:
        table.add_row(role, email, DEMO_PASSWORD)
    console.print(table)
