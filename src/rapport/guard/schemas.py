"""JSON shapes of the guard API. Texts are never stripped: finding offsets refer to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from rapport.core.fields import PlainText
from rapport.guard.consent.service import MAX_SCOPE_ITEMS
from rapport.guard.detect.model import CATEGORIES, MAX_TEXT_LENGTH
from rapport.guard.policy import MAX_TERM_LENGTH, MAX_TERMS

GuardText = Annotated[str, PlainText(MAX_TEXT_LENGTH)]
Kind = Annotated[str, PlainText(20)]
Lang = Annotated[str, PlainText(10)]
Scope = Annotated[str, PlainText(40)]
Term = Annotated[str, PlainText(MAX_TERM_LENGTH)]


class GuardModel(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class CheckRequest(GuardModel):
    text: GuardText
    kind: Kind = Field("post", description="post, reply or comment")
    lang: Lang = Field("auto", description="auto, en or nl")
    workspace: Annotated[str, PlainText(80)] | None = Field(
        None, description="A workspace slug: check with that practice's context."
    )
    channel: Scope | None = None
    purpose: Scope | None = None


class WorkspaceCheckRequest(GuardModel):
    text: GuardText
    kind: Kind = "post"
    lang: Lang = "auto"
    channel: Scope | None = None
    purpose: Scope | None = None


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
    text: GuardText
    kind: Kind = "post"
    lang: Lang = "auto"
    channel: Scope | None = None
    purpose: Scope | None = None
    reason: Annotated[str, PlainText(1000)]


class OverrideRead(GuardModel):
    text_sha256: str
    categories: list[str]
    findings: int
    excerpt: str
    reason: str


class ConsentCreate(GuardModel):
    person_name: Annotated[str, PlainText(200)]
    kind: Kind = Field(description="testimonial, photo, video or story")
    signed_on: date
    expires_on: date | None = None
    channels: list[Scope] = Field(
        default_factory=list, max_length=MAX_SCOPE_ITEMS, description="Empty means every channel."
    )
    purposes: list[Scope] = Field(
        default_factory=list, max_length=MAX_SCOPE_ITEMS, description="Empty means every purpose."
    )
    notes: Annotated[str, PlainText(2000)] = ""


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
    reason: Annotated[str, PlainText(1000)]


class PolicyRead(GuardModel):
    severities: dict[str, str]
    allow_terms: list[str]
    deny_terms: list[str]
    categories: dict[str, str] = Field(default_factory=dict, description="Category → label.")
    locked: list[str] = Field(default_factory=list, description="Categories that always block.")


class PolicyUpdate(GuardModel):
    severities: dict[Annotated[str, PlainText(60)], Annotated[str, PlainText(10)]] = Field(
        default_factory=dict,
        max_length=len(CATEGORIES),
        description="Category → block, warn or off; others use defaults.",
    )
    allow_terms: list[Term] = Field(default_factory=list, max_length=MAX_TERMS)
    deny_terms: list[Term] = Field(default_factory=list, max_length=MAX_TERMS)


ImageReportRead = dict[str, Any]
