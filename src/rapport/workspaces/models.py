"""Organisations, workspaces, people, roles, sessions, tokens and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rapport.core import clock
from rapport.db import Base, IdMixin, TimestampMixin, WorkspaceMixin


class Organisation(IdMixin, TimestampMixin, Base):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    require_totp: Mapped[bool] = mapped_column(Boolean, default=False)

    workspaces: Mapped[list[Workspace]] = relationship(back_populates="organisation")


class Workspace(IdMixin, TimestampMixin, Base):
    """One practice. Its contact details and staff are 'ours' to the compliance guard."""

    __tablename__ = "workspace"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    locale: Mapped[str] = mapped_column(String(5), default="en")
    practice_type: Mapped[str] = mapped_column(String(40), default="clinic")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    require_approval: Mapped[bool] = mapped_column(Boolean, default=True)

    organisation: Mapped[Organisation] = relationship(back_populates="workspaces")
    staff: Mapped[list[StaffMember]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan", order_by="StaffMember.id"
    )


class StaffMember(IdMixin, WorkspaceMixin, Base):
    """A provider or staff member whose name and title the practice publishes."""

    __tablename__ = "staff_member"

    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(120), default="")

    workspace: Mapped[Workspace] = relationship(back_populates="staff")


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5), default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(300), default=None)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    """The 30-second time step of the last code accepted: that code and older ones are refused."""
    recovery_code_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class Membership(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    workspace: Mapped[Workspace] = relationship()


class Invitation(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "invitation"

    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    workspace: Mapped[Workspace] = relationship()


class PasswordReset(IdMixin, TimestampMixin, Base):
    __tablename__ = "password_reset"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class ApiToken(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    """Scoped to one workspace and one role; only the hash is stored."""

    __tablename__ = "api_token"

    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    created_from_cli: Mapped[bool] = mapped_column(Boolean, default=False)
    """Made with `rapport token create`: no member stands behind it. A web token whose creator
    is gone (``created_by_id`` NULL) is dead, never mistaken for one of these."""
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    workspace: Mapped[Workspace] = relationship()
    created_by: Mapped[User | None] = relationship()


class UserSession(TimestampMixin, Base):
    """Server-side session; the cookie holds only a random id whose hash is the key."""

    __tablename__ = "user_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    second_factor_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship()


class AuditEvent(IdMixin, WorkspaceMixin, Base):
    """Append-only; ``hash`` chains each event to the previous one of the same workspace."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("workspace_id", "seq"),)

    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60), default="")
    object_id: Mapped[str] = mapped_column(String(60), default="")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(24), default="", server_default="")
    """Which audit key signed ``hash`` (HMAC-SHA256); empty for legacy, unkeyed SHA-256 events."""
