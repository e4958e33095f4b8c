"""A consent on file: a person agreed to be featured (testimonial, photo, video or story)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rapport.db import Base, IdMixin, TimestampMixin, WorkspaceMixin


class Consent(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    """Empty ``channels`` or ``purposes`` mean "all"; the scanned form lives on disk.

    ``form_path`` is relative to the data directory, so the directory can move.
    """

    __tablename__ = "consent"

    person_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    purposes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    signed_on: Mapped[date] = mapped_column()
    expires_on: Mapped[date | None] = mapped_column(default=None)
    revoked_on: Mapped[date | None] = mapped_column(default=None)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    form_path: Mapped[str] = mapped_column(String(300), default="")
    form_name: Mapped[str] = mapped_column(String(255), default="")
    form_type: Mapped[str] = mapped_column(String(100), default="")
    form_size: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    def status_on(self, day: date) -> str:
        """ "valid", "expired", "revoked" or "pending" (signed after ``day``)."""
        if self.revoked_on is not None and self.revoked_on <= day:
            return "revoked"
        if self.expires_on is not None and self.expires_on < day:
            return "expired"
        if self.signed_on > day:
            return "pending"
        return "valid"
