"""A person's own account: name and language, password change, and where they are signed in.

Kept apart from ``auth`` (sign-in, second factor, resets) so each can change on its own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rapport.core import clock
from rapport.core.crypto import hash_token
from rapport.core.i18n import LOCALES, N_
from rapport.workspaces.models import User, UserSession
from rapport.workspaces.service import MAX_PERSON_NAME, check_name


def update_profile(user: User, *, name: str, locale: str) -> None:
    user.name = check_name(
        name, field="name", limit=MAX_PERSON_NAME, missing=N_("Please give a name.")
    )
    user.locale = locale if locale in LOCALES else "en"


def active_sessions(session: Session, *, user: User) -> list[UserSession]:
    """The user's signed-in sessions that have not expired, most recently used first."""
    rows = session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.second_factor_pending.is_(False),
            UserSession.expires_at > clock.now(),
        )
        .order_by(UserSession.last_seen_at.desc())
    )
    return list(rows)


def end_other_sessions(session: Session, *, user: User, keep_session: str) -> int:
    """Sign the user out everywhere but the session whose id hash is ``keep_session``."""
    stale = select(UserSession.id_hash).where(
        UserSession.user_id == user.id, UserSession.id_hash != keep_session
    )
    ended = len(session.scalars(stale).all())
    session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.id_hash != keep_session
        )
    )
    return ended


def session_key(raw_cookie: str) -> str:
    """The stored key of a session from its cookie value."""
    return hash_token(raw_cookie)


def last_seen(row: UserSession) -> datetime:
    return clock.as_utc(row.last_seen_at)
