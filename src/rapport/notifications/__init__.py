"""Notifications: in-app messages, email, and each user's preferences."""

from __future__ import annotations

from rapport.notifications.email import OutgoingEmail, send_email, send_email_now
from rapport.notifications.messages import notice_text
from rapport.notifications.service import (
    NOTIFICATION_KINDS,
    NotifyResult,
    Preference,
    get_preferences,
    list_for_user,
    mark_all_read,
    mark_read,
    notify,
    notify_message,
    set_preference,
    unread_count,
)

__all__ = [
    "NOTIFICATION_KINDS",
    "NotifyResult",
    "OutgoingEmail",
    "Preference",
    "get_preferences",
    "list_for_user",
    "mark_all_read",
    "mark_read",
    "notice_text",
    "notify",
    "notify_message",
    "send_email",
    "send_email_now",
    "set_preference",
    "unread_count",
]
