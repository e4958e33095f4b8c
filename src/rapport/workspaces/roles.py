"""What each role may do: one table, rendered into the README and enforced on every route."""

from __future__ import annotations

from rapport.core.i18n import N_, gettext

ROLES = ("owner", "approver", "editor", "contributor", "analyst")

ROLE_LABELS = {
    "owner": N_("Owner"),
    "approver": N_("Approver"),
    "editor": N_("Editor"),
    "contributor": N_("Contributor"),
    "analyst": N_("Analyst"),
}

_EVERYONE = frozenset(ROLES)
_WRITERS = frozenset({"owner", "approver", "editor", "contributor"})
_EDITORS = frozenset({"owner", "approver", "editor"})
_APPROVERS = frozenset({"owner", "approver"})
_OWNERS = frozenset({"owner"})

PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "workspace.view": (N_("See the workspace, its calendar and its posts"), _EVERYONE),
    "analytics.view": (N_("See analytics and reports"), _EVERYONE),
    "guard.check": (N_("Check a text or image with the compliance guard"), _EVERYONE),
    "post.create": (N_("Draft posts and ideas"), _WRITERS),
    "post.edit": (N_("Edit anyone's drafts and plan the calendar"), _EDITORS),
    "consent.manage": (N_("Record and revoke consents"), _EDITORS),
    "inbox.reply": (N_("Answer mentions, comments and reviews"), _EDITORS),
    "post.approve": (N_("Approve posts and override guard warnings"), _APPROVERS),
    "post.publish": (N_("Publish and take down posts"), _APPROVERS),
    "guard.policy": (N_("Change the guard's policy and allow/deny terms"), _APPROVERS),
    "audit.view": (N_("Read and export the audit trail"), _APPROVERS),
    "workspace.manage": (N_("Change the practice's details and staff list"), _OWNERS),
    "members.manage": (N_("Invite people and change roles"), _OWNERS),
    "tokens.manage": (N_("Create and revoke API tokens"), _OWNERS),
    "jobs.manage": (N_("Retry or cancel background jobs"), _OWNERS),
}


def role_label(role: str) -> str:
    """The role's name in the current language ("Goedkeurder" for approver in Dutch)."""
    return gettext(ROLE_LABELS.get(role, role))


def roles_allowed(permission: str) -> str:
    """The roles that have ``permission``, named in the current language ("Owner, Approver")."""
    return ", ".join(role_label(r) for r in ROLES if r in PERMISSIONS[permission][1])


def permission_label(permission: str) -> str:
    return gettext(PERMISSIONS[permission][0])


def can(role: str | None, permission: str) -> bool:
    if role is None:
        return False
    return role in PERMISSIONS[permission][1]


def lower_role(first: str, second: str) -> str:
    """The less powerful of two roles (each role's permissions include the next one's)."""
    return max(first, second, key=ROLES.index)


def permissions_markdown() -> str:
    """The roles table as Markdown, for the README (a test keeps them in step)."""
    header = "| may … | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |"
    rule = "|---|" + "---|" * len(ROLES)
    rows = [
        f"| {label} | " + " | ".join("✓" if r in roles else "" for r in ROLES) + " |"
        for label, roles in PERMISSIONS.values()
    ]
    return "\n".join([header, rule, *rows])
