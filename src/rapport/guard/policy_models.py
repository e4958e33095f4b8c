"""The guard's policy of one workspace: severities per category, allow and deny terms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rapport.db import Base, IdMixin, TimestampMixin, WorkspaceMixin


class GuardPolicy(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    """Only the categories that differ from the defaults are kept in ``severities``."""

    __tablename__ = "guard_policy"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    severities: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    allow_terms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    deny_terms: Mapped[list[Any]] = mapped_column(JSON, default=list)
