"""A workspace's guard policy (block / warn / off per category, allow and deny terms) and the
record of an approver overriding a warning.

The audit trail never holds a post's full text (it may hold PHI): an override keeps the
categories, a hash of the text and a short excerpt with every finding masked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.errors import Conflict, ValidationFailed
from rapport.guard.detect.model import CATEGORIES, DEFAULT_POLICY, SEVERITIES, resolve_policy
from rapport.guard.policy_models import GuardPolicy
from rapport.workspaces import User, Workspace, record_audit

MAX_TERMS = 200
MAX_TERM_LENGTH = 100
MIN_REASON = 10
EXCERPT_LENGTH = 80
# Patient health information and a confirmed patient relationship always block: a policy may
# not soften them (issue 4: "defaults: PHI and patient-relationship confirmation block").
LOCKED = frozenset({"person_name", "patient_relationship", "care_detail", "national_id"})


@dataclass(frozen=True)
class Policy:
    """The effective policy: every category's severity, and the practice's own terms."""

    severities: dict[str, str]
    allow_terms: tuple[str, ...]
    deny_terms: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "severities": dict(self.severities),
            "allow_terms": list(self.allow_terms),
            "deny_terms": list(self.deny_terms),
        }


def _row(session: Session, workspace: Workspace) -> GuardPolicy | None:
    return session.scalar(select(GuardPolicy).where(GuardPolicy.workspace_id == workspace.id))


def get_policy(session: Session, *, workspace: Workspace) -> Policy:
    row = _row(session, workspace)
    if row is None:
        return Policy(dict(DEFAULT_POLICY), (), ())
    known = {k: v for k, v in row.severities.items() if k in CATEGORIES and v in SEVERITIES}
    return Policy(resolve_policy(known), tuple(row.allow_terms), tuple(row.deny_terms))


def _check_severities(severities: Mapping[str, str]) -> dict[str, str]:
    for category, severity in severities.items():
        if category not in CATEGORIES:
            raise ValidationFailed(
                f"severities.{category}",
                f"“{category}” is not a guard category.",
                f"Use one of: {', '.join(CATEGORIES)}.",
            )
        if severity not in SEVERITIES:
            raise ValidationFailed(
                f"severities.{category}", f"Choose one of: {', '.join(SEVERITIES)}."
            )
        if category in LOCKED and severity != "block":
            raise ValidationFailed(
                f"severities.{category}",
                "Patient health information and a confirmed patient relationship always block.",
            )
    return {**DEFAULT_POLICY, **severities}


def clean_terms(field: str, terms: Sequence[str]) -> tuple[str, ...]:
    """Trimmed, de-duplicated (case-insensitively), in the order given. The count is checked
    first, so a list of 50,000 terms is refused before any of them is looked at."""
    given = sum(1 for term in terms if term.strip())
    if given > MAX_TERMS:
        raise ValidationFailed(
            field,
            f"{given} terms were given; at most {MAX_TERMS} may be listed.",
            "Keep the terms that matter for your practice.",
        )
    seen: dict[str, str] = {}
    for term in terms:
        term = " ".join(term.split())
        if not term:
            continue
        if len(term) > MAX_TERM_LENGTH:
            raise ValidationFailed(
                field, f"“{term[:30]}…” is too long ({MAX_TERM_LENGTH} characters at most)."
            )
        seen.setdefault(term.casefold(), term)
    return tuple(seen.values())


def update_policy(
    session: Session,
    *,
    workspace: Workspace,
    actor: User | None,
    severities: Mapping[str, str],
    allow_terms: Sequence[str],
    deny_terms: Sequence[str],
) -> Policy:
    """Replace the policy; writes ``guard.policy_changed`` with before and after (if changed)."""
    merged = _check_severities(severities)
    after = Policy(
        merged, clean_terms("allow_terms", allow_terms), clean_terms("deny_terms", deny_terms)
    )
    before = get_policy(session, workspace=workspace)
    if after == before:
        return before
    row = _row(session, workspace) or GuardPolicy(workspace_id=workspace.id)
    row.severities = {k: v for k, v in merged.items() if DEFAULT_POLICY.get(k) != v}
    row.allow_terms = list(after.allow_terms)
    row.deny_terms = list(after.deny_terms)
    session.add(row)
    session.flush()
    record_audit(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="guard.policy_changed",
        object_type="guard_policy",
        object_id=row.id,
        summary={"before": _diffable(before), "after": _diffable(after)},
    )
    return after


def _diffable(policy: Policy) -> dict[str, Any]:
    """Only what departs from the defaults, so the audit entry stays short and readable."""
    changed = {k: v for k, v in policy.severities.items() if DEFAULT_POLICY.get(k) != v}
    return {
        "severities": changed,
        "allow_terms": list(policy.allow_terms),
        "deny_terms": list(policy.deny_terms),
    }


# --- overrides --------------------------------------------------------------------------


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def redacted_excerpt(text: str, findings: Sequence[Mapping[str, Any]]) -> str:
    """The first characters of ``text`` with every finding replaced by ``[category]``."""
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: int(f.get("start", 0))):
        start, end = int(finding.get("start", 0)), int(finding.get("end", 0))
        if start < position or end <= start:
            continue
        parts += [text[position:start], f"[{finding.get('category', 'finding')}]"]
        position = end
    parts.append(text[position:])
    excerpt = " ".join("".join(parts).split())
    return excerpt if len(excerpt) <= EXCERPT_LENGTH else excerpt[: EXCERPT_LENGTH - 1] + "…"


def record_override(
    session: Session,
    *,
    workspace: Workspace,
    actor: User | None,
    text_excerpt_hash: str,
    findings: Sequence[Mapping[str, Any]],
    reason: str,
    excerpt: str = "",
) -> dict[str, Any]:
    """An approver accepts a text despite warnings; writes ``guard.warning_overridden``.

    A block can't be overridden (Conflict); the reason must say why (≥ 10 characters).
    """
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise ValidationFailed(
            "reason",
            f"Explain why the warning is acceptable (at least {MIN_REASON} characters).",
        )
    if len(reason) > 1000:
        raise ValidationFailed("reason", "The reason is too long (1,000 characters at most).")
    if any(f.get("severity") == "block" for f in findings):
        raise Conflict("A blocked text can't be overridden: change the text until it passes.")
    if not findings:
        raise Conflict("There is no warning to override: the text already looks safe.")
    summary = {
        "text_sha256": text_excerpt_hash,
        "categories": sorted({str(f.get("category", "")) for f in findings}),
        "findings": len(findings),
        "excerpt": excerpt[:EXCERPT_LENGTH],
        "reason": reason,
    }
    record_audit(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="guard.warning_overridden",
        object_type="guard_check",
        object_id=text_excerpt_hash[:16],
        summary=summary,
    )
    return summary
