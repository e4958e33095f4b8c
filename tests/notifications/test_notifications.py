"""Notifications: preferences, unread counts, and email through a real SMTP server."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rapport.config import load_settings
from rapport.errors import NotFound, ValidationFailed
from rapport.jobs import Worker
from rapport.jobs.models import Job
from rapport.notifications import (
    get_preferences,
    list_for_user,
    mark_all_read,
    mark_read,
    notify,
    send_email_now,
    set_preference,
    unread_count,
)
from rapport.notifications.email import EmailRejected, EmailTemporarilyFailed, send_email
from tests.notifications.conftest import Mailbox, free_port, make_user


def _notify(db: Session, user_ids: list[int], **extra: Any) -> Any:
    return notify(
        db,
        user_ids=user_ids,
        kind="guard.override",
        title="A guard warning was overridden",
        body="Bob published despite a warning.",
        link="/posts/7",
        **extra,
    )


def _email_jobs(db: Session) -> list[Job]:
    return list(
        db.scalars(select(Job).where(Job.kind == "notifications.send_email").order_by(Job.id))
    )


def test_it_notifies_in_app_and_queues_an_email_by_default(db: Session) -> None:
    alice = make_user(db, "alice")
    result = _notify(db, [alice.id, alice.id])
    assert [n.user_id for n in result.notifications] == [alice.id]
    [job] = _email_jobs(db)
    assert job.payload["to"] == alice.email
    assert job.payload["subject"] == "A guard warning was overridden"
    assert "http://127.0.0.1:8000/posts/7" in job.payload["body_text"]


def test_it_honours_each_users_preferences(db: Session) -> None:
    alice, bob, carol = make_user(db, "alice"), make_user(db, "bob"), make_user(db, "carol")
    set_preference(db, user_id=alice.id, kind="guard.override", in_app=False, email=True)
    set_preference(db, user_id=bob.id, kind="guard.override", in_app=True, email=False)
    set_preference(db, user_id=carol.id, kind="workspaces.invitation", in_app=False, email=False)
    result = _notify(db, [alice.id, bob.id, carol.id])
    assert sorted(n.user_id for n in result.notifications) == sorted([bob.id, carol.id])
    assert sorted(j.payload["to"] for j in _email_jobs(db)) == sorted([alice.email, carol.email])
    prefs = {p.kind: (p.in_app, p.email) for p in get_preferences(db, user_id=alice.id)}
    assert prefs["guard.override"] == (False, True) and prefs["jobs.queue_stalled"] == (True, True)


def test_it_skips_deactivated_users(db: Session) -> None:
    gone = make_user(db, "gone", active=False)
    assert _notify(db, [gone.id]).notifications == []
    assert _email_jobs(db) == []


def test_it_refuses_an_unknown_kind(db: Session) -> None:
    with pytest.raises(ValidationFailed, match="not a notification kind"):
        notify(db, user_ids=[1], kind="made.up", title="t", body="b")


def test_it_counts_and_marks_unread_notifications(db: Session) -> None:
    alice, bob = make_user(db, "alice"), make_user(db, "bob")
    for _ in range(3):
        _notify(db, [alice.id])
    assert unread_count(db, user_id=alice.id) == 3
    newest = list_for_user(db, user_id=alice.id)[0]
    mark_read(db, user_id=alice.id, notification_id=newest.id)
    mark_read(db, user_id=alice.id, notification_id=newest.id)
    assert unread_count(db, user_id=alice.id) == 2
    assert [n.id for n in list_for_user(db, user_id=alice.id, unread_only=True)] == [
        n.id for n in list_for_user(db, user_id=alice.id)[1:]
    ]
    with pytest.raises(NotFound):
        mark_read(db, user_id=bob.id, notification_id=newest.id)
    assert mark_all_read(db, user_id=alice.id) == 2
    assert unread_count(db, user_id=alice.id) == 0
    assert all(n.read_at is not None for n in list_for_user(db, user_id=alice.id))


def test_the_email_job_delivers_through_smtp(
    db: Session,
    session_factory: sessionmaker[Session],
    smtp_server: tuple[Mailbox, int],
    mail_settings: Any,
) -> None:
    mailbox, port = smtp_server
    mail_settings(port)
    alice = make_user(db, "alice")
    _notify(db, [alice.id])
    db.commit()
    Worker(session_factory, run_schedules=False).run_until_empty()
    [message] = mailbox.messages
    assert message.rcpt_tos == [alice.email]
    assert b"Subject: A guard warning was overridden" in message.original_content
    db.expire_all()
    assert _email_jobs(db)[0].state == "done"


def test_the_email_job_is_retried_while_the_smtp_server_is_down(
    db: Session, session_factory: sessionmaker[Session], mail_settings: Any
) -> None:
    mail_settings(free_port())
    _notify(db, [make_user(db, "alice").id])
    db.commit()
    Worker(session_factory, run_schedules=False).run_until_empty()
    db.expire_all()
    [job] = _email_jobs(db)
    assert (job.state, job.attempts) == ("failed", 1)
    assert "could not be reached" in (job.last_error or "")


def test_the_email_job_is_not_retried_for_a_refused_recipient(
    db: Session,
    session_factory: sessionmaker[Session],
    smtp_server: tuple[Mailbox, int],
    mail_settings: Any,
) -> None:
    mail_settings(smtp_server[1])
    refused = make_user(db, "refused")
    _notify(db, [refused.id])
    db.commit()
    Worker(session_factory, run_schedules=False).run_until_empty()
    db.expire_all()
    assert _email_jobs(db)[0].state == "dead"


def test_send_email_reports_whether_retrying_can_help(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    settings = load_settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    send_email(settings, "bob@example.org", "Hello", "Body")
    assert mailbox.messages[0].rcpt_tos == ["bob@example.org"]
    with pytest.raises(EmailRejected) as refused:
        send_email(settings, "refused@example.org", "Hello", "Body")
    assert refused.value.permanent
    down = load_settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    with pytest.raises(EmailTemporarilyFailed) as unreachable:
        send_email(down, "bob@example.org", "Hello", "Body")
    assert not unreachable.value.permanent


def test_without_an_smtp_host_emails_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="rapport.email")
    send_email_now(
        "dana@example.org",
        "Reset your password",
        "Use this link.",
        settings=load_settings(smtp_host=""),
    )
    assert "To: dana@example.org" in caplog.text
    assert "Use this link." in caplog.text
