"""Organisations, workspaces, people and memberships. Functions never commit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.core.crypto import hash_password
from rapport.core.fields import control_character_problem, web_url_problem
from rapport.core.i18n import N_
from rapport.errors import Conflict, NotFound, ValidationFailed
from rapport.workspaces import audit
from rapport.workspaces.models import Membership, Organisation, StaffMember, User, Workspace
from rapport.workspaces.roles import ROLES

PRACTICE_TYPES = ("clinic", "dental", "eye_care", "hospital_department", "other")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MIN_PASSWORD_LENGTH = 10
MAX_STAFF = 200
# The longest each practice detail may be (the database columns hold these, the API says so).
DETAIL_LIMITS = {
    "name": 120,
    "timezone": 64,
    "phone": 40,
    "email": 200,
    "address": 300,
    "website": 300,
    "opening_hours": 2000,
}
STAFF_NAME_LIMIT = 100  # the same as MAX_PERSON_NAME below
STAFF_TITLE_LIMIT = 120

# Names are shown in the header, headings and lists: long enough for any real practice or
# person, short enough that no name can take over a page.
MAX_WORKSPACE_NAME = DETAIL_LIMITS["name"]
MAX_PERSON_NAME = 100


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "workspace"


def clean_email(email: str, field: str = "email") -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed(
            field,
            N_("“%(email)s” is not a valid email address."),
            N_("Check it for typing errors: it looks like name@example.org."),
            params={"email": email[:100]},
        ) from None


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            field,
            N_("The password is too short (%(length)s characters)."),
            N_("Use at least %(minimum)s characters; a few unrelated words work well."),
            params={"length": len(password), "minimum": MIN_PASSWORD_LENGTH},
        )


def check_role(role: str, field: str = "role") -> str:
    if role not in ROLES:
        raise ValidationFailed(
            field,
            N_("“%(role)s” is not a role."),
            N_("Use one of: %(roles)s."),
            params={"role": role[:40], "roles": ", ".join(ROLES)},
        )
    return role


def check_timezone(tz: str, field: str = "timezone") -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            field,
            N_("“%(zone)s” is not a time zone."),
            N_("Choose one from the list, such as Europe/Amsterdam."),
            params={"zone": tz[:64]},
        ) from None
    return tz


def check_text(field: str, value: str, *, limit: int, what: str = "This field") -> None:
    """Refuse text longer than ``limit`` or with control characters, naming the field."""
    if len(value) > limit:
        raise ValidationFailed(
            field,
            f"{what} is too long ({len(value)} characters).",
            f"Use at most {limit} characters.",
        )
    if problem := control_character_problem(value):
        raise ValidationFailed(field, f"{what} {problem}.")


def check_website(website: str, field: str = "website") -> None:
    if website and (problem := web_url_problem(website)):
        raise ValidationFailed(
            field,
            f"The website {problem}.",
            "Give the full address, e.g. https://www.lakeside-clinic.example.",
        )


def _bound_checks(details: WorkspaceDetails) -> list[Callable[[], object]]:
    """Lengths and characters of every detail but the name (``check_name`` says more there)."""
    checks: list[Callable[[], object]] = [
        partial(check_text, field, getattr(details, field), limit=limit)
        for field, limit in DETAIL_LIMITS.items()
        if field != "name"
    ]
    checks.append(partial(check_website, details.website.strip()))
    return checks


def check_name(name: str, *, field: str, limit: int, missing: str) -> str:
    """A trimmed name, present and at most ``limit`` characters, else a message saying so."""
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(field, missing)
    if len(name) > limit:
        raise ValidationFailed(
            field,
            N_("The name is too long (%(length)s characters)."),
            N_("Use at most %(limit)s characters; a shorter everyday name works best."),
            params={"length": len(name), "limit": limit},
        )
    return name


def _unique_slug(session: Session, model: type[Organisation] | type[Workspace], slug: str) -> str:
    if not SLUG_RE.match(slug):
        raise ValidationFailed(
            "slug",
            f"“{slug}” can't be used in a web address.",
            "Use lowercase letters, digits and -.",
        )
    if session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise Conflict(f"The slug “{slug}” is taken; choose another.")
    return slug


def create_organisation(
    session: Session, *, name: str, slug: str | None = None, require_totp: bool = False
) -> Organisation:
    name = check_name(
        name, field="name", limit=MAX_WORKSPACE_NAME, missing=N_("The organisation needs a name.")
    )
    org = Organisation(
        name=name,
        slug=_unique_slug(session, Organisation, slug or slugify(name)),
        require_totp=require_totp,
    )
    session.add(org)
    session.flush()
    return org


@dataclass(frozen=True)
class WorkspaceDetails:
    """The practice's own public details: the guard treats them as 'ours', not a patient's."""

    name: str
    timezone: str = "Europe/Amsterdam"
    locale: str = "en"
    practice_type: str = "clinic"
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    opening_hours: str = ""
    require_approval: bool = True


def _check_details(details: WorkspaceDetails) -> None:
    """Every problem at once, so a form can mark all its bad fields in one go."""
    checks: tuple[Callable[[], object], ...] = (
        *_bound_checks(details),
        lambda: check_name(
            details.name,
            field="name",
            limit=MAX_WORKSPACE_NAME,
            missing=N_("The workspace needs a name, usually the practice's name."),
        ),
        lambda: check_timezone(details.timezone),
        lambda: _check_choice("locale", details.locale, ("en", "nl")),
        lambda: _check_choice("practice_type", details.practice_type, PRACTICE_TYPES),
        lambda: clean_email(details.email) if details.email else None,
    )
    failures = []
    for check in checks:
        try:
            check()
        except ValidationFailed as exc:
            failures.append(exc)
    if failures:
        raise ValidationFailed.combine(failures)


def _check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValidationFailed(
            field,
            N_("“%(value)s” is not one of the choices."),
            N_("Use one of: %(choices)s."),
            params={"value": value[:40], "choices": ", ".join(choices)},
        )


def create_workspace(
    session: Session,
    *,
    organisation: Organisation,
    details: WorkspaceDetails,
    slug: str | None = None,
    actor: User | None = None,
) -> Workspace:
    _check_details(details)
    workspace = Workspace(
        organisation_id=organisation.id,
        slug=_unique_slug(session, Workspace, slug or slugify(details.name)),
        **vars(details),
    )
    workspace.name = " ".join(details.name.split())
    session.add(workspace)
    session.flush()
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="workspace.created",
        object_type="workspace",
        object_id=workspace.id,
        summary={"name": workspace.name},
    )
    return workspace


def update_workspace(
    session: Session, *, workspace: Workspace, details: WorkspaceDetails, actor: User | None
) -> Workspace:
    _check_details(details)
    before = {k: getattr(workspace, k) for k in vars(details)}
    for key, value in vars(details).items():
        setattr(workspace, key, value.strip() if isinstance(value, str) else value)
    after = {k: getattr(workspace, k) for k in vars(details)}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit.record(
            session,
            workspace_id=workspace.id,
            actor=actor,
            action="workspace.updated",
            object_type="workspace",
            object_id=workspace.id,
            summary={"changed": changed},
        )
    return workspace


def is_organisation_owner(session: Session, *, user: User, organisation: Organisation) -> bool:
    """An organisation owner owns every one of its workspaces (and there is at least one).

    Organisation-wide settings govern every workspace of the organisation, so only someone who
    already holds full power over all of them may change them: the owner of one practice can't
    change the rules of another. No separate role to manage, and it follows the memberships:
    add a workspace with another owner and nobody is organisation owner until someone owns all.
    """
    workspace_ids = set(
        session.scalars(select(Workspace.id).where(Workspace.organisation_id == organisation.id))
    )
    owned = set(
        session.scalars(
            select(Membership.workspace_id).where(
                Membership.user_id == user.id,
                Membership.role == "owner",
                Membership.workspace_id.in_(workspace_ids),
            )
        )
    )
    return bool(workspace_ids) and owned == workspace_ids


def organisation_for_owner(session: Session, *, slug: str, user: User) -> Organisation:
    """The organisation, for its owner; NotFound for anyone else (its existence is hidden)."""
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None or not is_organisation_owner(session, user=user, organisation=org):
        raise NotFound(f"No organisation “{slug}” that you own.")
    return org


def owned_organisations(session: Session, *, user: User) -> list[Organisation]:
    orgs = session.scalars(
        select(Organisation)
        .join(Workspace, Workspace.organisation_id == Organisation.id)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user.id, Membership.role == "owner")
        .distinct()
        .order_by(Organisation.name)
    )
    return [o for o in orgs if is_organisation_owner(session, user=user, organisation=o)]


def set_require_totp(
    session: Session, *, organisation: Organisation, required: bool, actor: User | None
) -> None:
    """Require a second factor for everyone in the organisation (an organisation owner's call).

    The change is recorded in the audit trail of every workspace of the organisation, so the
    owners of each practice see who changed a rule that governs them.
    """
    if required and actor is not None and not actor.totp_enabled:
        raise ValidationFailed(
            "require_totp",
            "Turn on your own second factor first, or you would lock yourself out.",
            "Account and security → Set up a second factor.",
        )
    if organisation.require_totp == required:
        return
    organisation.require_totp = required
    workspace_ids = session.scalars(
        select(Workspace.id)
        .where(Workspace.organisation_id == organisation.id)
        .order_by(Workspace.id)
    )
    for workspace_id in list(workspace_ids):
        audit.record(
            session,
            workspace_id=workspace_id,
            actor=actor,
            action="organisation.second_factor_required"
            if required
            else "organisation.second_factor_optional",
            object_type="organisation",
            object_id=organisation.id,
            summary={"organisation": organisation.name, "required": required},
        )


def set_staff(
    session: Session, *, workspace: Workspace, staff: list[tuple[str, str]], actor: User | None
) -> None:
    """Replace the published staff list (name, title)."""
    _check_staff_bounds(staff)
    cleaned = [
        (check_name(n, field="staff", limit=MAX_PERSON_NAME, missing=""), " ".join(t.split()))
        for n, t in staff
        if n.strip()
    ]
    before = [(s.name, s.title) for s in workspace.staff]
    if cleaned == before:
        return
    workspace.staff.clear()
    session.flush()
    for name, title in cleaned:
        workspace.staff.append(StaffMember(workspace_id=workspace.id, name=name, title=title))
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="workspace.staff_changed",
        object_type="workspace",
        object_id=workspace.id,
        summary={"before": before, "after": cleaned},
    )


def _check_staff_bounds(staff: list[tuple[str, str]]) -> None:
    if len(staff) > MAX_STAFF:
        raise ValidationFailed(
            "staff",
            f"The staff list has {len(staff)} people; at most {MAX_STAFF} can be listed.",
            "List the people whose names you publish; the guard checks posts against them.",
        )
    for number, (name, title) in enumerate(staff, start=1):
        check_text("staff", name, limit=STAFF_NAME_LIMIT, what=f"The name of person {number}")
        check_text("staff", title, limit=STAFF_TITLE_LIMIT, what=f"The title of person {number}")


def create_user(
    session: Session, *, email: str, name: str, password: str, locale: str = "en"
) -> User:
    email = clean_email(email)
    name = check_name(name, field="name", limit=MAX_PERSON_NAME, missing=N_("Please give a name."))
    check_password(password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(N_("There is already an account for %(email)s."), params={"email": email})
    user = User(email=email, name=name, password_hash=hash_password(password), locale=locale)
    session.add(user)
    session.flush()
    return user


def get_user_by_email(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def get_workspace_by_slug(session: Session, *, slug: str) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if workspace is None:
        raise NotFound(N_("No workspace “%(slug)s”."), params={"slug": slug[:80]})
    return workspace


def membership_of(session: Session, *, user: User, workspace: Workspace) -> Membership | None:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.workspace_id == workspace.id
        )
    )


def workspace_for_member(session: Session, *, slug: str, user: User) -> tuple[Workspace, str]:
    """The workspace and the user's role; NotFound (never 403) for non-members, to hide it."""
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    member = membership_of(session, user=user, workspace=workspace) if workspace else None
    if workspace is None or member is None:
        raise NotFound(N_("No workspace “%(slug)s”."), params={"slug": slug[:80]})
    return workspace, member.role


def workspaces_of(session: Session, *, user: User) -> list[tuple[Workspace, str]]:
    rows = session.execute(
        select(Workspace, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user.id)
        .order_by(Workspace.name)
    )
    return [(w, r) for w, r in rows]


def add_member(
    session: Session, *, workspace: Workspace, user: User, role: str, actor: User | None
) -> Membership:
    check_role(role)
    if membership_of(session, user=user, workspace=workspace):
        raise Conflict(
            N_("%(email)s is already a member of %(workspace)s."),
            params={"email": user.email, "workspace": workspace.name},
        )
    member = Membership(workspace_id=workspace.id, user_id=user.id, role=role)
    session.add(member)
    session.flush()
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="member.added",
        object_type="user",
        object_id=user.id,
        summary={"email": user.email, "role": role},
    )
    return member


def _owner_count(session: Session, workspace: Workspace) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Membership.workspace_id == workspace.id, Membership.role == "owner"
            )
        )
        or 0
    )


def list_members(session: Session, *, workspace: Workspace) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(User)
            .where(Membership.workspace_id == workspace.id)
            .order_by(User.name)
        )
    )


def _member_or_raise(session: Session, workspace: Workspace, user_id: int) -> Membership:
    member = session.scalar(
        select(Membership).where(
            Membership.workspace_id == workspace.id, Membership.user_id == user_id
        )
    )
    if member is None:
        raise NotFound("That person is not a member of this workspace.")
    return member


def change_role(
    session: Session, *, workspace: Workspace, user_id: int, role: str, actor: User | None
) -> Membership:
    check_role(role)
    member = _member_or_raise(session, workspace, user_id)
    if member.role == "owner" and role != "owner" and _owner_count(session, workspace) == 1:
        raise Conflict("A workspace needs at least one owner: make someone else owner first.")
    before = member.role
    member.role = role
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="member.role_changed",
        object_type="user",
        object_id=user_id,
        summary={"email": member.user.email, "before": before, "after": role},
    )
    return member


def remove_member(
    session: Session, *, workspace: Workspace, user_id: int, actor: User | None
) -> None:
    member = _member_or_raise(session, workspace, user_id)
    if member.role == "owner" and _owner_count(session, workspace) == 1:
        raise Conflict("You can't remove the last owner of a workspace.")
    audit.record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="member.removed",
        object_type="user",
        object_id=user_id,
        summary={"email": member.user.email, "role": member.role},
    )
    session.delete(member)
