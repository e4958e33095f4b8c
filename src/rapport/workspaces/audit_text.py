"""The audit trail in plain sentences, in the reader's language.

An event stores an action code and a summary of parameters (``audit.record``); this module turns
them into "Olivia Owens invited e.jansen@example.com as Editor" with a link to what changed.
The stored event, and so the hash chain, is never touched: sentences are made when shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.core.csvsafe import csv_text
from rapport.core.i18n import LOCALE_NAMES, N_, current_locale, gettext
from rapport.workspaces import audit
from rapport.workspaces.models import AuditEvent, User
from rapport.workspaces.roles import role_label

# action → sentence; ``%(actor)s`` is who did it, the rest comes from the event's summary.
SENTENCES: dict[str, str] = {
    "workspace.created": N_("%(actor)s created the workspace %(name)s"),
    "workspace.updated": N_("%(actor)s changed the practice details: %(changes)s"),
    "workspace.staff_changed": N_("%(actor)s changed the published staff list: %(changes)s"),
    "organisation.second_factor_required": N_(
        "%(actor)s required a second factor for everyone in %(organisation)s"
    ),
    "organisation.second_factor_optional": N_(
        "%(actor)s made the second factor optional in %(organisation)s"
    ),
    "member.invited": N_("%(actor)s invited %(email)s as %(role)s"),
    "member.added": N_("%(actor)s added %(email)s as %(role)s"),
    "member.role_changed": N_(
        "%(actor)s changed the role of %(email)s from %(before)s to %(after)s"
    ),
    "member.removed": N_("%(actor)s removed %(email)s (%(role)s) from the workspace"),
    "token.created": N_("%(actor)s created the API token “%(name)s” with the role %(role)s"),
    "token.revoked": N_("%(actor)s revoked the API token “%(name)s”"),
    "guard.policy_changed": N_("%(actor)s changed the guard policy: %(changes)s"),
    "guard.warning_overridden": N_(
        "%(actor)s let a text with warnings through (%(categories)s) because: “%(reason)s”"
    ),
    "consent.recorded": N_("%(actor)s recorded the consent of %(person_name)s (%(kind)s)"),
    "consent.revoked": N_("%(actor)s revoked the consent of %(person_name)s: “%(reason)s”"),
    "consent.form_attached": N_("%(actor)s attached a signed form to a consent"),
    "job.retried": N_("%(actor)s retried a background job (%(kind)s)"),
    "job.cancelled": N_("%(actor)s cancelled a background job (%(kind)s)"),
}
UNKNOWN_ACTION = N_("%(actor)s: %(action)s")

# The kinds a reader can filter by: an action prefix and its name.
KINDS: dict[str, str] = {
    "member.": N_("Team and invitations"),
    "token.": N_("API tokens"),
    "workspace.": N_("Practice details"),
    "organisation.": N_("Second-factor rule"),
    "guard.": N_("Compliance guard"),
    "consent.": N_("Consents"),
    "job.": N_("Background jobs"),
}

# Where the object of an action lives, under /w/<slug>.
LINKS: dict[str, tuple[str, str]] = {
    "member.": ("/settings/team", N_("Team")),
    "token.": ("/settings/tokens", N_("API tokens")),
    "workspace.": ("/settings", N_("Practice details")),
    "organisation.": ("/settings", N_("Practice details")),
    "guard.policy": ("/guard/policy", N_("Policy")),
    "consent.": ("/guard/consents", N_("Consents")),
    "job.": ("/settings/jobs", N_("Background jobs")),
}

FIELD_LABELS: dict[str, str] = {
    "name": N_("Practice name"),
    "timezone": N_("Time zone"),
    "locale": N_("Language"),
    "practice_type": N_("Type"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "address": N_("Address"),
    "website": N_("Website"),
    "opening_hours": N_("Opening hours"),
    "require_approval": N_("Posts need an approver's approval"),
}
SEVERITY_WORDS: dict[str, str] = {
    "block": N_("%(category)s now blocks"),
    "warn": N_("%(category)s now warns"),
    "off": N_("%(category)s is now ignored"),
}
CONSENT_KINDS: dict[str, str] = {
    "testimonial": N_("Testimonial"),
    "photo": N_("Photo"),
    "video": N_("Video"),
    "story": N_("Story"),
}


@dataclass(frozen=True)
class ReadableEvent:
    event: AuditEvent
    actor: str
    sentence: str
    link: str
    link_label: str


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value in (None, ""):
        return "—"
    if isinstance(value, str) and value in LOCALE_NAMES:
        return LOCALE_NAMES[value]
    return str(value)


def _field_changes(changed: Mapping[str, Any]) -> str:
    parts = []
    for key, pair in changed.items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        label = gettext(FIELD_LABELS[key]) if key in FIELD_LABELS else key
        parts.append(f"{label}: {_value(before)} → {_value(after)}")
    return "; ".join(parts)


def _staff_changes(before: Sequence[Any], after: Sequence[Any]) -> str:
    old = {str(p[0]) if isinstance(p, list | tuple) else str(p) for p in before}
    new = {str(p[0]) if isinstance(p, list | tuple) else str(p) for p in after}
    parts = (
        [gettext("added %(names)s") % {"names": ", ".join(sorted(new - old))}] if new - old else []
    )
    if old - new:
        parts.append(gettext("removed %(names)s") % {"names": ", ".join(sorted(old - new))})
    return "; ".join(parts) or gettext("titles changed")


def _category(key: str) -> str:
    from rapport.guard.detect.model import CATEGORIES  # pure module: no cycle, no database

    labels = CATEGORIES.get(key, {})
    return labels.get(current_locale()) or labels.get("en") or key


def _policy_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """ "Story about a specific patient now blocks; “Open dag” now always allowed"."""
    parts = []
    old_sev, new_sev = before.get("severities", {}), after.get("severities", {})
    for key in sorted(set(old_sev) | set(new_sev)):
        severity = new_sev.get(key)
        if severity is None:
            parts.append(gettext("%(category)s back to the default") % {"category": _category(key)})
        elif severity != old_sev.get(key) and severity in SEVERITY_WORDS:
            parts.append(gettext(SEVERITY_WORDS[severity]) % {"category": _category(key)})
    for field, added, removed in (
        ("deny_terms", N_("“%(term)s” now always blocks"), N_("“%(term)s” no longer blocks")),
        ("allow_terms", N_("“%(term)s” now always allowed"), N_("“%(term)s” no longer allowed")),
    ):
        old, new = set(before.get(field, [])), set(after.get(field, []))
        parts += [gettext(added) % {"term": t} for t in sorted(new - old)]
        parts += [gettext(removed) % {"term": t} for t in sorted(old - new)]
    return "; ".join(parts) or gettext("no visible change")


def _params(event: AuditEvent, actor: str) -> dict[str, Any]:
    summary = dict(event.summary or {})
    params: dict[str, Any] = {k: _value(v) for k, v in summary.items()}
    params["actor"] = actor
    for key in ("role", "before", "after"):
        if isinstance(summary.get(key), str) and event.action.startswith(("member.", "token.")):
            params[key] = role_label(summary[key])
    if "kind" in summary and event.action.startswith("consent."):
        kind = str(summary["kind"])
        params["kind"] = gettext(CONSENT_KINDS[kind]) if kind in CONSENT_KINDS else kind
    if event.action == "workspace.updated":
        params["changes"] = _field_changes(summary.get("changed", {}))
    elif event.action == "workspace.staff_changed":
        params["changes"] = _staff_changes(summary.get("before", []), summary.get("after", []))
    elif event.action == "guard.policy_changed":
        params["changes"] = _policy_changes(summary.get("before", {}), summary.get("after", {}))
    elif event.action == "guard.warning_overridden":
        params["categories"] = ", ".join(_category(c) for c in summary.get("categories", []))
    return params


def sentence(event: AuditEvent, actor: str) -> str:
    """The event as one sentence in the current language."""
    params = _params(event, actor)
    template = SENTENCES.get(event.action)
    if template is not None:
        try:
            return gettext(template) % params
        except (KeyError, TypeError, ValueError):
            pass  # an older event without every parameter: say what we can
    return gettext(UNKNOWN_ACTION) % {"actor": actor, "action": event.action}


def _link(event: AuditEvent, slug: str) -> tuple[str, str]:
    for prefix, (path, label) in LINKS.items():
        if event.action.startswith(prefix):
            url = f"/w/{slug}{path}"
            if prefix == "consent." and event.summary.get("person_name"):
                url += "?q=" + quote(str(event.summary["person_name"]))
            return url, gettext(label)
    return "", ""


def actor_names(session: Session, events: Sequence[AuditEvent]) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples()
    return {user_id: name for user_id, name in rows}


def actor_name(event: AuditEvent, names: Mapping[int, str]) -> str:
    if event.actor_id and event.actor_id in names:
        return names[event.actor_id]
    return gettext("Rapport") if event.actor_label == "system" else event.actor_label


def readable(session: Session, events: Sequence[AuditEvent], slug: str) -> list[ReadableEvent]:
    names = actor_names(session, events)
    out = []
    for event in events:
        actor = actor_name(event, names)
        url, label = _link(event, slug)
        out.append(ReadableEvent(event, actor, sentence(event, actor), url, label))
    return out


def people(session: Session, *, workspace_id: int) -> list[tuple[str, str]]:
    """(actor label, display name) of everyone who appears in the trail, for the filter list."""
    rows = session.execute(
        select(AuditEvent.actor_label, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.workspace_id == workspace_id)
        .distinct()
    ).tuples()
    found: dict[str, str] = {}
    for label, name in rows:
        found.setdefault(label, name or (gettext("Rapport") if label == "system" else label))
    return sorted(found.items(), key=lambda item: item[1].casefold())


def day_range(
    since: date | None, until: date | None, tz: str
) -> tuple[datetime | None, datetime | None]:
    """From the start of ``since`` to the end of ``until``, in the practice's time zone, as UTC."""
    zone = ZoneInfo(tz or "UTC")

    def start(day: date) -> datetime:
        return clock.as_utc(datetime.combine(day, time.min, tzinfo=zone))

    return (
        start(since) if since else None,
        start(until + timedelta(days=1)) if until else None,
    )


def export_csv(
    session: Session,
    *,
    workspace_id: int,
    slug: str,
    filters: audit.AuditFilter,
    limit: int = 1_000_000,
) -> str:
    """The raw fields (for tools and auditors) and the sentence (for people), oldest first."""
    events, _total = audit.list_events(
        session, workspace_id=workspace_id, filters=filters, limit=limit
    )
    events.reverse()
    rows: list[list[object]] = [
        ["seq", "time_utc", "actor", "action", "object_type", "object_id", "summary", "sentence"]
    ]
    for item in readable(session, events, slug):
        event = item.event
        rows.append(
            [
                event.seq,
                clock.as_utc(event.created_at).isoformat(),
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                json.dumps(event.summary, sort_keys=True, ensure_ascii=False),
                item.sentence,
            ]
        )
    return csv_text(rows)


def kind_options() -> list[tuple[str, str]]:
    return [(prefix, gettext(label)) for prefix, label in KINDS.items()]
