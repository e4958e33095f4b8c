"""JSON shapes of the workspaces API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from rapport.core.fields import PlainText
from rapport.workspaces.service import DETAIL_LIMITS, MAX_STAFF, STAFF_NAME_LIMIT, STAFF_TITLE_LIMIT


class RapportModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, from_attributes=True)


class StaffRead(RapportModel):
    name: str
    title: str


class WorkspaceRead(RapportModel):
    slug: str
    name: str
    timezone: str
    locale: str
    practice_type: str
    phone: str
    email: str
    address: str
    website: str
    opening_hours: str
    require_approval: bool
    role: str = ""
    staff: list[StaffRead] = []


class StaffEntry(RapportModel):
    name: Annotated[str, PlainText(STAFF_NAME_LIMIT, min_length=1)]
    title: Annotated[str, PlainText(STAFF_TITLE_LIMIT)] = ""


class WorkspaceUpdate(RapportModel):
    name: Annotated[str, PlainText(DETAIL_LIMITS["name"], min_length=1)]
    timezone: Annotated[str, PlainText(DETAIL_LIMITS["timezone"])]
    locale: str = Field(pattern="^(en|nl)$", max_length=2)
    practice_type: Annotated[str, PlainText(40)] = "clinic"
    phone: Annotated[str, PlainText(DETAIL_LIMITS["phone"])] = ""
    email: Annotated[str, PlainText(DETAIL_LIMITS["email"])] = ""
    address: Annotated[str, PlainText(DETAIL_LIMITS["address"])] = ""
    website: Annotated[str, PlainText(DETAIL_LIMITS["website"])] = Field(
        "", description="The practice's website: an http:// or https:// address."
    )
    opening_hours: Annotated[str, PlainText(DETAIL_LIMITS["opening_hours"])] = ""
    require_approval: bool = True
    staff: list[StaffEntry] | None = Field(
        None, max_length=MAX_STAFF, description=f"At most {MAX_STAFF} people."
    )


class MemberRead(RapportModel):
    user_id: int
    name: str
    email: str
    role: str


class InvitationCreate(RapportModel):
    email: Annotated[str, PlainText(254)]
    role: Annotated[str, PlainText(20)]


class InvitationRead(RapportModel):
    id: int
    email: str
    role: str
    expires_at: datetime
    link: str | None = None


class RoleUpdate(RapportModel):
    role: Annotated[str, PlainText(20)]


class TokenCreate(RapportModel):
    name: Annotated[str, PlainText(120, min_length=1)]
    role: Annotated[str, PlainText(20)]


class TokenRead(RapportModel):
    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str


class AuditEventRead(RapportModel):
    seq: int
    created_at: datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    summary: dict[str, object]


class AuditPage(RapportModel):
    items: list[AuditEventRead]
    total: int
    chain_intact: bool


class MeRead(RapportModel):
    id: int
    email: str
    name: str
    locale: str
    totp_enabled: bool


class OrganisationRead(RapportModel):
    slug: str
    name: str
    require_totp: bool
    workspaces: list[str]
    """The slugs of the organisation's workspaces (all owned by an organisation owner)."""


class OrganisationUpdate(RapportModel):
    require_totp: bool
