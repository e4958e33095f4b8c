"""Workspaces and people: what other domains may use (everything else here is internal)."""

from __future__ import annotations

from rapport.workspaces.audit import configure_key as configure_audit_key
from rapport.workspaces.audit import record as record_audit
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import can
from rapport.workspaces.service import (
    get_workspace_by_slug,
    workspace_for_member,
    workspaces_of,
)

__all__ = [
    "Membership",
    "User",
    "Workspace",
    "can",
    "configure_audit_key",
    "get_workspace_by_slug",
    "record_audit",
    "workspace_for_member",
    "workspaces_of",
]
