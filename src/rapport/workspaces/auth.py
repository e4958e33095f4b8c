"""Signing in: passwords with lock-out, server-side sessions, TOTP second factor, resets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rapport.config import Settings
from rapport.core import clock
from rapport.core.crypto import (
    decrypt,
    encrypt,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from rapport.errors import NotAuthenticated, NotFound, RateLimited, ValidationFailed
from rapport.workspaces.models import PasswordReset, User, UserSession
from rapport.workspaces.service import check_password, get_user_by_email

RESET_VALID_FOR = timedelta(hours=2)
RECOVERY_CODE_COUNT = 10


def authenticate(session: Session, *, email: str, password: str, settings: Settings) -> User:
    """Check a password; too many failures lock the account for a while.

    The message is the same for an unknown email and a wrong password, so the form doesn't
    tell an attacker which accounts exist.
    """
    user = get_user_by_email(session, email=email)
    now = clock.now()
    if user and user.locked_until and clock.as_utc(user.locked_until) > now:
        minutes = int((clock.as_utc(user.locked_until) - now).total_seconds() // 60) + 1
        raise RateLimited(
            f"Too many failed sign-ins. Try again in {minutes} minutes or reset your password."
        )
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        if user is not None:
            _register_failure(user, settings)
        raise NotAuthenticated("That email and password don't match an account.")
    user.failed_logins = 0
    user.locked_until = None
    return user


def _register_failure(user: User, settings: Settings) -> None:
    user.failed_logins += 1
    if user.failed_logins >= settings.login_max_attempts:
        user.locked_until = clock.now() + timedelta(minutes=settings.login_lockout_minutes)
        user.failed_logins = 0


def register_second_factor_failure(user: User, settings: Settings) -> None:
    """Wrong codes count towards the same lock-out as wrong passwords."""
    _register_failure(user, settings)


def needs_second_factor(user: User) -> bool:
    return user.totp_enabled


def start_session(
    session: Session, *, user: User, settings: Settings, second_factor_pending: bool = False
) -> tuple[str, UserSession]:
    """Create a server-side session; returns the cookie value (shown once) and the row."""
    raw = new_token()
    row = UserSession(
        id_hash=hash_token(raw),
        user_id=user.id,
        csrf_token=new_token(24),
        second_factor_pending=second_factor_pending,
        expires_at=clock.now() + timedelta(hours=settings.session_max_age_hours),
    )
    session.add(row)
    session.flush()
    return raw, row


def load_session(session: Session, *, raw: str, settings: Settings) -> UserSession | None:
    row = session.get(UserSession, hash_token(raw))
    now = clock.now()
    if row is None or clock.as_utc(row.expires_at) <= now or not row.user.is_active:
        return None
    if now - clock.as_utc(row.last_seen_at) > timedelta(minutes=1):
        row.last_seen_at = now
        row.expires_at = now + timedelta(hours=settings.session_max_age_hours)
    return row


def end_session(session: Session, *, raw: str) -> None:
    session.execute(delete(UserSession).where(UserSession.id_hash == hash_token(raw)))


def end_all_sessions(session: Session, *, user: User) -> None:
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))


# --- TOTP -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    provisioning_uri: str


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Rapport")


def begin_totp(user: User) -> TotpSetup:
    secret = pyotp.random_base32()
    return TotpSetup(secret=secret, provisioning_uri=totp_uri(user, secret))


def confirm_totp(user: User, *, secret: str, code: str, secret_key: str) -> list[str]:
    """Turn TOTP on once the user proves their app works; returns one-time recovery codes."""
    if not pyotp.TOTP(secret).verify(code.strip().replace(" ", ""), valid_window=1):
        raise ValidationFailed(
            "code", "That code doesn't match.", "Check your phone's clock and type the new code."
        )
    codes = [
        new_token(6).replace("-", "x").replace("_", "y")[:10] for _ in range(RECOVERY_CODE_COUNT)
    ]
    user.totp_secret = encrypt(secret_key, secret)
    user.totp_enabled = True
    user.recovery_code_hashes = [hash_token(c) for c in codes]
    return codes


def disable_totp(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled = False
    user.recovery_code_hashes = []


def verify_second_factor(user: User, *, code: str, secret_key: str) -> bool:
    """Accept a current TOTP code, or use up one recovery code."""
    code = code.strip().replace(" ", "")
    if user.totp_secret and pyotp.TOTP(decrypt(secret_key, user.totp_secret)).verify(
        code, valid_window=1
    ):
        return True
    hashed = hash_token(code)
    if hashed in user.recovery_code_hashes:
        user.recovery_code_hashes = [h for h in user.recovery_code_hashes if h != hashed]
        return True
    return False


# --- password reset ---------------------------------------------------------------------


def request_password_reset(session: Session, *, email: str) -> tuple[User, str] | None:
    """A single-use reset token for the account, or None when there is no such account."""
    user = get_user_by_email(session, email=email)
    if user is None or not user.is_active:
        return None
    token = new_token()
    session.add(
        PasswordReset(
            user_id=user.id, token_hash=hash_token(token), expires_at=clock.now() + RESET_VALID_FOR
        )
    )
    session.flush()
    return user, token


def open_password_reset(session: Session, *, token: str) -> PasswordReset:
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if row is None or row.used_at is not None or clock.as_utc(row.expires_at) <= clock.now():
        raise NotFound("This reset link is invalid, used or expired. Ask for a new one.")
    return row


def reset_password(session: Session, *, token: str, password: str) -> User:
    row = open_password_reset(session, token=token)
    check_password(password)
    user = session.get(User, row.user_id)
    assert user is not None
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    row.used_at = clock.now()
    end_all_sessions(session, user=user)
    return user
