"""JSON shapes of the guard API. Texts are never stripped: finding offsets refer to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class GuardModel(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class CheckRequest(GuardModel):
    text: str
    kind: str = Field("post", max_length=20, description="post, reply or comment")
    lang: str = Field("auto", max_length=10, description="auto, en or nl")
    workspace: str | None = Field(
        None, max_length=80, description="A workspace slug: check with that practice's context."
    )
    channel: str | None = Field(None, max_length=40)
    purpose: str | None = Field(None, max_length=40)


class WorkspaceCheckRequest(GuardModel):
    text: str
    kind: str = Field("post", max_length=20)
    lang: str = Field("auto", max_length=10)
    channel: str | None = Field(None, max_length=40)
    purpose: str | None = Field(None, max_length=40)


class FindingRead(GuardModel):
    category: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str
    severity: str


class ReportRead(GuardModel):
    verdict: str = Field(description="block, warn or ok")
    lang: str
    findings: list[FindingRead]


class OverrideRequest(GuardModel):
    text: str
    kind: str = Field("post", max_length=20)
    lang: str = Field("auto", max_length=10)
    channel: str | None = Field(None, max_length=40)
    purpose: str | None = Field(None, max_length=40)
    reason: str = Field(max_length=1000)


class OverrideRead(GuardModel):
    text_sha256: str
    categories: list[str]
    findings: int
    excerpt: str
    reason: str


class ConsentCreate(GuardModel):
    person_name: str = Field(max_length=200)
    kind: str = Field(max_length=20, description="testimonial, photo, video or story")
    signed_on: date
    expires_on: date | None = None
    channels: list[str] = Field(default_factory=list, description="Empty means every channel.")
    purposes: list[str] = Field(default_factory=list, description="Empty means every purpose.")
    notes: str = Field("", max_length=2000)


class ConsentRead(GuardModel):
    id: int
    person_name: str
    kind: str
    channels: list[str]
    purposes: list[str]
    signed_on: date
    expires_on: date | None
    revoked_on: date | None
    revoked_reason: str
    notes: str
    status: str = ""
    form_name: str
    form_type: str
    form_size: int
    created_at: datetime


class RevokeRequest(GuardModel):
    reason: str = Field(max_length=1000)


class PolicyRead(GuardModel):
    severities: dict[str, str]
    allow_terms: list[str]
    deny_terms: list[str]
    categories: dict[str, str] = Field(default_factory=dict, description="Category → label.")
    locked: list[str] = Field(default_factory=list, description="Categories that always block.")


class PolicyUpdate(GuardModel):
    severities: dict[str, str] = Field(
        default_factory=dict, description="Category → block, warn or off; others use defaults."
    )
    allow_terms: list[str] = Field(default_factory=list)
    deny_terms: list[str] = Field(default_factory=list)


ImageReportRead = dict[str, Any]
