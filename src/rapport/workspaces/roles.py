"""What each role may do: one table, rendered into the README and enforced on every route."""

from __future__ import annotations

ROLES = ("owner", "approver", "editor", "contributor", "analyst")

ROLE_LABELS = {
    "owner": "Owner",
    "approver": "Approver",
    "editor": "Editor",
    "contributor": "Contributor",
    "analyst": "Analyst",
}

_EVERYONE = frozenset(ROLES)
_WRITERS = frozenset({"owner", "approver", "editor", "contributor"})
_EDITORS = frozenset({"owner", "approver", "editor"})
_APPROVERS = frozenset({"owner", "approver"})
_OWNERS = frozenset({"owner"})

PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "workspace.view": ("See the workspace, its calendar and its posts", _EVERYONE),
    "analytics.view": ("See analytics and reports", _EVERYONE),
    "guard.check": ("Check a text or image with the compliance guard", _EVERYONE),
    "post.create": ("Draft posts and ideas", _WRITERS),
    "post.edit": ("Edit anyone's drafts and plan the calendar", _EDITORS),
    "consent.manage": ("Record and revoke consents", _EDITORS),
    "inbox.reply": ("Answer mentions, comments and reviews", _EDITORS),
    "post.approve": ("Approve posts and override guard warnings", _APPROVERS),
    "post.publish": ("Publish and take down posts", _APPROVERS),
    "guard.policy": ("Change the guard's policy and allow/deny terms", _APPROVERS),
    "audit.view": ("Read and export the audit trail", _APPROVERS),
    "workspace.manage": ("Change the practice's details and staff list", _OWNERS),
    "members.manage": ("Invite people and change roles", _OWNERS),
    "tokens.manage": ("Create and revoke API tokens", _OWNERS),
    "jobs.manage": ("Retry or cancel background jobs", _OWNERS),
}


def can(role: str | None, permission: str) -> bool:
    if role is None:
        return False
    return role in PERMISSIONS[permission][1]


def permissions_markdown() -> str:
    """The roles table as Markdown, for the README (a test keeps them in step)."""
    header = "| may … | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |"
    rule = "|---|" + "---|" * len(ROLES)
    rows = [
        f"| {label} | " + " | ".join("✓" if r in roles else "" for r in ROLES) + " |"
        for label, roles in PERMISSIONS.values()
    ]
    return "\n".join([header, rule, *rows])
