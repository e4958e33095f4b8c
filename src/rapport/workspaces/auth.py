"""Signing in: passwords with lock-out, server-side sessions, TOTP second factor, resets."""

from __future__ import annotations

import base64
import binascii
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import pyotp
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from rapport.config import Settings
from rapport.core import clock
from rapport.core.crypto import (
    constant_time_equal,
    decrypt,
    encrypt,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from rapport.core.i18n import N_
from rapport.db import lock_for_write
from rapport.errors import Conflict, NotAuthenticated, NotFound, RateLimited, ValidationFailed
from rapport.jobs import enqueue
from rapport.workspaces.models import PasswordReset, User, UserSession
from rapport.workspaces.service import check_password, get_user_by_email

RESET_VALID_FOR = timedelta(hours=2)
RESETS_PER_ADDRESS = 3
RESET_RATE_WINDOW = timedelta(hours=1)
"""At most this many reset emails go to one address in this window; more requests are quietly
ignored (the page answers the same)."""
MAX_EMAIL_LENGTH = 254
RECOVERY_CODE_COUNT = 10
PENDING_SIGN_IN_LIFETIME = timedelta(minutes=5)
"""How long a password-checked sign-in waits for its second factor (fixed, never extended)."""
MIN_TOTP_KEY_BYTES = 16


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    settings: Settings,
    unknown_addresses: UnknownAddressLockout | None = None,
) -> User:
    """Check a password; too many failures lock the account for a while.

    The answer is the same for an unknown email and a wrong password, and so is the time it
    takes: an unknown address is checked against a dummy hash, so the slow hash runs either way.
    With ``unknown_addresses`` an unknown address is locked out after as many failures as a
    real account, so the lock-out doesn't tell which addresses have accounts either.
    """
    address = email.strip().lower()
    user = get_user_by_email(session, email=address)
    if user is None and unknown_addresses is not None:
        _refuse_until(unknown_addresses.locked_until(address))
    _refuse_until(user.locked_until if user is not None else None)
    password_hash = user.password_hash if user is not None else _dummy_hash()
    password_ok = verify_password(password_hash, password)
    if user is None or not user.is_active or not password_ok:
        if user is not None:
            register_failure(session, user=user, settings=settings)
        elif unknown_addresses is not None:
            unknown_addresses.fail(address, settings)
        raise NotAuthenticated("That email and password don't match an account.")
    if not needs_second_factor(user):
        clear_failures(user)
    return user


class UnknownAddressLockout:
    """The lock-out of addresses that have no account, kept in this process's memory.

    It counts and locks exactly as :func:`register_failure` does for an account, so a sixth
    wrong password gets the same 429 whether or not the address exists. Bounded: past
    ``max_addresses`` the oldest entries are forgotten.
    """

    def __init__(self, max_addresses: int = 10_000) -> None:
        self._failures: dict[str, tuple[int, datetime | None]] = {}
        self._lock = threading.Lock()
        self._max = max_addresses

    def locked_until(self, address: str) -> datetime | None:
        with self._lock:
            return self._failures.get(address, (0, None))[1]

    def fail(self, address: str, settings: Settings) -> None:
        with self._lock:
            count, until = self._failures.pop(address, (0, None))
            if until is not None and until <= clock.now():
                count, until = 0, None
            count += 1
            if count >= settings.login_max_attempts:
                count, until = 0, clock.now() + timedelta(minutes=settings.login_lockout_minutes)
            self._failures[address] = (count, until)
            while len(self._failures) > self._max:
                del self._failures[next(iter(self._failures))]


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of nothing anyone knows, verified for unknown addresses to take the same time."""
    return hash_password(new_token())


def clear_failures(user: User) -> None:
    """A complete sign-in starts the count again (a right password alone, with a second
    factor still to come, must not: wrong codes would never add up to a lock-out)."""
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None


def is_locked(user: User) -> bool:
    return user.locked_until is not None and clock.as_utc(user.locked_until) > clock.now()


def refuse_if_locked(user: User | None) -> None:
    _refuse_until(user.locked_until if user is not None else None)


def _refuse_until(locked_until: datetime | None) -> None:
    if locked_until is None or clock.as_utc(locked_until) <= clock.now():
        return
    left = clock.as_utc(locked_until) - clock.now()
    minutes = int(left.total_seconds() // 60) + 1
    raise RateLimited(
        f"Too many failed sign-ins. Try again in {minutes} minutes or reset your password."
    )


def register_failure(session: Session, *, user: User, settings: Settings) -> None:
    """Count one wrong password or code; enough of them lock the account for a while.

    Taken under the user's write lock and re-read, so parallel guesses can't lose counts
    (each request incrementing its own stale copy would). A lock also ends the sign-ins that
    wait for a second factor: they can't be completed, not even with the right code.
    """
    lock_for_write(session, key=user.id)
    session.refresh(user)
    user.failed_logins += 1
    if user.failed_logins >= settings.login_max_attempts:
        user.locked_until = clock.now() + timedelta(minutes=settings.login_lockout_minutes)
        user.failed_logins = 0
        end_pending_sign_ins(session, user=user)


def needs_second_factor(user: User) -> bool:
    return user.totp_enabled


def start_session(
    session: Session, *, user: User, settings: Settings, second_factor_pending: bool = False
) -> tuple[str, UserSession]:
    """Create a server-side session; returns the cookie value (shown once) and the row.

    A sign-in that still waits for its second factor lives :data:`PENDING_SIGN_IN_LIFETIME`.
    """
    raw = new_token()
    lifetime = (
        PENDING_SIGN_IN_LIFETIME
        if second_factor_pending
        else timedelta(hours=settings.session_max_age_hours)
    )
    row = UserSession(
        id_hash=hash_token(raw),
        user_id=user.id,
        csrf_token=new_token(24),
        second_factor_pending=second_factor_pending,
        expires_at=clock.now() + lifetime,
    )
    session.add(row)
    session.flush()
    return raw, row


def load_session(session: Session, *, raw: str, settings: Settings) -> UserSession | None:
    row = session.get(UserSession, hash_token(raw))
    now = clock.now()
    if row is None or clock.as_utc(row.expires_at) <= now or not row.user.is_active:
        return None
    if row.second_factor_pending:
        return row  # a fixed lifetime: using it never extends it
    if now - clock.as_utc(row.last_seen_at) > timedelta(minutes=1):
        row.last_seen_at = now
        row.expires_at = now + timedelta(hours=settings.session_max_age_hours)
    return row


def end_session(session: Session, *, raw: str) -> None:
    session.execute(delete(UserSession).where(UserSession.id_hash == hash_token(raw)))


def end_all_sessions(session: Session, *, user: User, keep_raw: str = "") -> None:
    """Sign the user out everywhere (except the session ``keep_raw``, when given)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_raw:
        query = query.where(UserSession.id_hash != hash_token(keep_raw))
    session.execute(query)


def end_pending_sign_ins(session: Session, *, user: User) -> None:
    session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.second_factor_pending.is_(True)
        )
    )


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


def check_totp_secret(secret: str, field: str = "secret") -> str:
    """The key as base32 (what authenticator apps use), at least 128 bits (RFC 4226)."""
    cleaned = secret.strip().replace(" ", "").upper()
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            field,
            "The key is not valid: it must be base32 (the letters A–Z and digits 2–7).",
            "Start the set-up again from Account and security and use the key shown there.",
        ) from None
    if len(key) < MIN_TOTP_KEY_BYTES:
        raise ValidationFailed(
            field,
            "The key is too short to be safe.",
            "Start the set-up again from Account and security and use the key shown there.",
        )
    return cleaned


def _clean_code(code: str) -> str:
    return code.strip().replace(" ", "").replace("-", "")


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side for clock drift) whose code this is, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock.now())
    found = None
    for step in (current - 1, current, current + 1):
        if constant_time_equal(totp.generate_otp(step), code):
            found = step
    return found


def confirm_totp(
    session: Session, *, user: User, secret: str, code: str, secret_key: str
) -> list[str]:
    """Turn TOTP on once the user proves their app works; returns one-time recovery codes.

    A second factor that is already on can't be replaced here: whoever holds the session
    would otherwise swap in their own app. Turning it off needs the password or a code.
    """
    if user.totp_enabled:
        raise Conflict("The second factor is already on. Turn it off first to set up a new one.")
    secret = check_totp_secret(secret)
    step = _matching_step(secret, _clean_code(code))
    if step is None:
        raise ValidationFailed(
            "code", "That code doesn't match.", "Check your phone's clock and type the new code."
        )
    codes = [
        new_token(6).replace("-", "x").replace("_", "y")[:10] for _ in range(RECOVERY_CODE_COUNT)
    ]
    user.totp_secret = encrypt(secret_key, secret)
    user.totp_enabled = True
    user.totp_last_step = step
    user.recovery_code_hashes = [hash_token(c) for c in codes]
    return codes


def disable_totp(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    user.recovery_code_hashes = []


def verify_second_factor(session: Session, *, user: User, code: str, secret_key: str) -> bool:
    """Accept a current TOTP code once, or use up one recovery code.

    The user's row is locked and re-read first, so two sessions racing with the same code (or
    recovery code) can't both win: the first records the code's time step, and that step and
    older ones are refused from then on. Raises RateLimited when the account is locked.
    """
    code = _clean_code(code)
    if not code:
        return False
    lock_for_write(session, key=user.id)
    session.refresh(user)
    refuse_if_locked(user)  # locked by a parallel guess since this request began
    if user.totp_secret:
        step = _matching_step(decrypt(secret_key, user.totp_secret), code)
        if step is not None:
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    hashed = hash_token(code)
    if hashed in user.recovery_code_hashes:
        user.recovery_code_hashes = [h for h in user.recovery_code_hashes if h != hashed]
        return True
    return False


def confirm_identity(
    session: Session, *, user: User, password: str, code: str, settings: Settings
) -> None:
    """Ask again before a sensitive change: the password or a current second-factor code.

    Wrong answers count towards the same lock-out as sign-ins, so a borrowed session can't be
    used to guess the password.
    """
    refuse_if_locked(user)
    if password:
        ok = verify_password(user.password_hash, password)
    else:
        ok = bool(code) and verify_second_factor(
            session, user=user, code=code, secret_key=settings.ensure_secret_key()
        )
    if not ok:
        register_failure(session, user=user, settings=settings)
        raise ValidationFailed(
            "password",
            "That password or code is not right.",
            "Type your password, or the current code from your authenticator app.",
        )


# --- password reset ---------------------------------------------------------------------


def queue_password_reset(session: Session, *, email: str, public_url: str = "") -> None:
    """Queue the reset email for an address, whether or not it has an account.

    The same work for every address (one job, deduplicated while one for that address is
    pending), so neither the answer nor its timing tells which addresses have accounts.
    """
    address = email.strip().lower()
    if "@" not in address or len(address) > MAX_EMAIL_LENGTH:
        return
    enqueue(
        session,
        kind="workspaces.send_password_reset",
        payload={"email": address, "public_url": public_url},
        dedupe_key=f"password-reset:{address}",
    )


def request_password_reset(session: Session, *, email: str) -> tuple[User, str] | None:
    """A single-use reset token for the account, or None (no such account, or rate limited).

    The new link supersedes every older one. At most :data:`RESETS_PER_ADDRESS` links are made
    per address in :data:`RESET_RATE_WINDOW`; the caller answers the same either way.
    """
    user = get_user_by_email(session, email=email)
    if user is None or not user.is_active:
        return None
    lock_for_write(session, key=user.id)
    now = clock.now()
    recent = session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.created_at > now - RESET_RATE_WINDOW)
    )
    if (recent or 0) >= RESETS_PER_ADDRESS:
        return None
    _kill_reset_links(session, user=user)
    token = new_token()
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + RESET_VALID_FOR,
        )
    )
    session.flush()
    return user, token


def _kill_reset_links(session: Session, *, user: User) -> None:
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=clock.now())
    )


def open_password_reset(session: Session, *, token: str) -> PasswordReset:
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if row is None or row.used_at is not None or clock.as_utc(row.expires_at) <= clock.now():
        raise NotFound("This reset link is invalid, used or expired. Ask for a new one.")
    return row


def reset_password(session: Session, *, token: str, password: str) -> User:
    """Set a new password from a reset link; the link, every other one and every session die.

    The new password is hashed before the first write (the hash is the slow part); the link
    is then claimed with a conditional update, so two uses of one link can't both succeed.
    """
    row = open_password_reset(session, token=token)
    check_password(password)
    new_hash = hash_password(password)
    claimed = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("This reset link is invalid, used or expired. Ask for a new one.")
    user = session.get_one(User, row.user_id)
    set_password_hash(session, user=user, password_hash=new_hash)
    return user


def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    settings: Settings,
    keep_session_raw: str,
) -> None:
    """Change a signed-in user's password: the current one first (wrong ones count towards the
    lock-out), then the new one is hashed before anything is written."""
    refuse_if_locked(user)
    if not verify_password(user.password_hash, current):
        register_failure(session, user=user, settings=settings)
        raise ValidationFailed(
            "current_password",
            N_("That is not your current password."),
            N_("Type the password you signed in with, or sign out and reset it."),
        )
    check_password(new, field="new_password")
    new_hash = hash_password(new)
    set_password_hash(session, user=user, password_hash=new_hash, keep_session_raw=keep_session_raw)


def set_password_hash(
    session: Session, *, user: User, password_hash: str, keep_session_raw: str = ""
) -> None:
    """A password change: every reset link and every other session of the user ends."""
    user.password_hash = password_hash
    user.failed_logins = 0
    user.locked_until = None
    _kill_reset_links(session, user=user)
    end_all_sessions(session, user=user, keep_raw=keep_session_raw)
