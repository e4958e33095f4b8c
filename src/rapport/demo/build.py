"""Builds the demo organisation "Lakeside Family Practice" (idempotent: a rerun resets it)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rapport import dbadmin
from rapport.cli_progress import Step, progress
from rapport.config import Settings
from rapport.core import clock
from rapport.db import get_engine, session_factory, unit_of_work
from rapport.guard.consent import ConsentInput, record_consent, revoke_consent
from rapport.notifications import notify_message
from rapport.workspaces import access, checkpoints, service
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


# Consents per workspace: (day signed, person, kind, channels, expires after days or None,
# revoked on day or None). Valid, expiring, expired and revoked ones, so the registry shows all.
CONSENTS: dict[str, list[tuple[int, str, str, tuple[str, ...], int | None, int | None]]] = {
    "lakeside-madison": [
        (8, "Maria Lopez", "testimonial", ("facebook", "instagram", "website"), None, None),
        (15, "Daniel Okafor", "photo", ("instagram",), 365, None),
        (25, "Tom Becker", "video", ("youtube", "website"), 60, None),
        (33, "Grace Kim", "story", ("newsletter", "website"), None, 90),
    ],
    "lakeside-utrecht": [
        (10, "Sanne de Vries", "photo", ("instagram", "facebook"), 365, None),
        (30, "Pieter Bakker", "testimonial", ("website",), None, None),
    ],
}


def _consents(db: Session, ws: Workspace, actor: User) -> None:
    """Recorded (and one revoked) by the editor on the days they happened; no scanned forms."""
    for day, person, kind, channels, valid_days, revoked_day in CONSENTS.get(ws.slug, []):
        _travel(day)
        signed = clock.to_local(clock.now(), ws.timezone).date()
        expires = signed + timedelta(days=valid_days) if valid_days else None
        data = ConsentInput(
            person_name=person,
            kind=kind,
            signed_on=signed,
            expires_on=expires,
            channels=channels,
            purposes=("marketing",),
        )
        consent = record_consent(db, workspace=ws, data=data, actor=actor, data_dir=Path("."))
        if revoked_day:
            _travel(revoked_day)
            reason = "Asked us to stop sharing her story."
            revoke_consent(db, workspace=ws, consent_id=consent.id, reason=reason, actor=actor)


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
    _consents(db, ws, users["editor"])
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


def _no_step(_what: str) -> None:
    """Where nobody watches the progress (tests, the e2e server)."""


def build_demo(db: Session, step: Step = _no_step) -> DemoResult:
    try:
        return _build(db, step)
    finally:
        clock.set_clock(None)


def _build(db: Session, step: Step) -> DemoResult:
    random.seed(7)
    step("removing the previous demo")
    _remove_previous(db)
    step("people")
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
        step(f"workspace {slug}")
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


DEMO_STEPS = 6  # the step() calls in run_demo and _build


def run_demo(settings: Settings) -> DemoResult:
    url = settings.resolved_database_url
    with progress("Creating the demo", total=DEMO_STEPS) as step:
        step("migrating the database")
        dbadmin.upgrade(url)
        with unit_of_work(session_factory(get_engine(url))) as db:
            result = build_demo(db, step)
            slugs = [w.slug for w in result.workspaces]
            logins = [(role, result.users[role].email) for role in ROLES]
            count = db.scalar(select(Organisation.id).where(Organisation.slug == DEMO_ORG_SLUG))
            step("saving")
    # New chains, perhaps under the ids of the ones the reset deleted: old checkpoints are void.
    checkpoints.append_lines(
        settings.data_dir / checkpoints.CHECKPOINT_FILE,
        [checkpoints.forget_line(w.id) for w in result.workspaces],
    )
    _print(settings, slugs, logins, count)
    return result


def _print(
    settings: Settings, slugs: list[str], logins: list[tuple[str, str]], _org: int | None
) -> None:
    console = Console()
    console.print("\n[bold]Demo ready:[/bold] Lakeside Family Practice.")
    console.print("Start the server with `rapport serve`, then sign in at")
    console.print(f"  {escape(settings.public_url())}/login", soft_wrap=True)
    console.print("Workspaces: " + ", ".join(slugs))
    table = Table("role", "login", "password")
    for role, email in logins:
        table.add_row(role, email, DEMO_PASSWORD)
    console.print(table)
