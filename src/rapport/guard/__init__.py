"""Compliance guard: checks every text for protected health information before it goes out."""

from __future__ import annotations

from rapport.guard.detect import (
    CATEGORIES,
    DEFAULT_POLICY,
    ConsentRef,
    Finding,
    GuardContext,
    Report,
    StaffMember,
    check,
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
