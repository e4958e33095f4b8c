"""The guard context for `--workspace SLUG` on the command line."""

from __future__ import annotations

from rapport.cli_support import sessions
from rapport.db import unit_of_work
from rapport.guard.context import context_for_workspace
from rapport.guard.detect import GuardContext
from rapport.workspaces import get_workspace_by_slug


def context_for_slug(slug: str | None) -> GuardContext:
    """That workspace's own details, staff, consents and policy; empty without a workspace.

    Raises ``rapport.errors.NotFound`` for an unknown slug.
    """
    if slug is None:
        return GuardContext()
    with unit_of_work(sessions()) as db:
        workspace = get_workspace_by_slug(db, slug=slug)
        return context_for_workspace(db, workspace=workspace)
