"""JSON shapes of the workspaces API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from rapport.workspaces.service import MAX_WORKSPACE_NAME


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


class WorkspaceUpdate(RapportModel):
    name: str = Field(min_length=1, max_length=MAX_WORKSPACE_NAME)
    timezone: str = Field(max_length=64)
    locale: str = Field(pattern="^(en|nl)$")
    practice_type: str = "clinic"
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=200)
    address: str = Field("", max_length=300)
    website: str = Field("", max_length=300)
    opening_hours: str = Field("", max_length=2000)
    require_approval: bool = True
    staff: list[StaffRead] | None = None


class MemberRead(RapportModel):
    user_id: int
    name: str
    email: str
    role: str


class InvitationCreate(RapportModel):
    email: str = Field(max_length=254)
    role: str = Field(max_length=20)


class InvitationRead(RapportModel):
    id: int
    email: str
    role: str
    expires_at: datetime
    link: str | None = None


class RoleUpdate(RapportModel):
    role: str = Field(max_length=20)


class TokenCreate(RapportModel):
    name: str = Field(min_length=1, max_length=120)
    role: str = Field(max_length=20)


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
