"""Notification texts by message code: stored as a code with parameters, rendered in the
reader's language when shown (or emailed), so a Dutch reader never sees an English notice.

Rows written before codes existed (``message`` empty) keep the title and body they stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapport.core.i18n import N_, translations

MESSAGES: dict[str, tuple[str, str]] = {
    "invitation_sent": (
        N_("Invitation sent to %(email)s"),
        N_("The invitation to %(workspace)s works for 7 days."),
    ),
    "member_joined": (
        N_("%(name)s joined %(workspace)s"),
        N_("%(name)s accepted your invitation and can now work in %(workspace)s."),
    ),
    "queue_stalled": (
        N_("Rapport's background jobs are not running"),
        N_(
            "%(count)s background jobs have been waiting for %(minutes)s minutes: no worker is "
            "running. Posts are not published and imports don't run until one is. Start one "
            "with `rapport worker` (or check that `rapport serve` runs its in-process worker)."
        ),
    ),
    "jobs_not_running": (
        N_("Rapport's background jobs are not running"),
        N_(
            "Background jobs are not being run (%(reasons)s). Posts are not published and "
            "imports don't run until a worker runs. Start one with `rapport worker` (or check "
            "that `rapport serve` runs its in-process worker)."
        ),
    ),
}


@dataclass(frozen=True)
class NoticeText:
    title: str
    body: str


def check_message(message: str) -> None:
    if message not in MESSAGES:
        raise KeyError(f"unknown notification message {message!r}; known: {sorted(MESSAGES)}")


def render_message(message: str, params: Mapping[str, Any], locale: str) -> NoticeText:
    """The title and body of ``message`` in ``locale``, parameters filled in."""
    title, body = MESSAGES[message]
    gettext = translations(locale).gettext
    values = dict(params)
    return NoticeText(gettext(title) % values, gettext(body) % values)


def notice_text(row: Any, locale: str) -> NoticeText:
    """What a stored notification says to a reader of ``locale``."""
    if row.message in MESSAGES:
        try:
            return render_message(row.message, row.params or {}, locale)
        except (KeyError, ValueError, TypeError):
            pass  # parameters that no longer fit the text: fall back to what was stored
    return NoticeText(row.title, row.body)
