"""Pure PHI/PII detection for posts, replies and comments in English and Dutch (no I/O, no DB)."""

from __future__ import annotations

from rapport.guard.detect.engine import check
from rapport.guard.detect.model import (
    CATEGORIES,
    DEFAULT_POLICY,
    ConsentRef,
    Finding,
    GuardContext,
    Report,
    StaffMember,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_POLICY",
    "ConsentRef",
    "Finding",
    "GuardContext",
    "Report",
    "StaffMember",
    "check",
]
