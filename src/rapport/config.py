"""Settings from the environment (prefix ``RAPPORT_``) or a ``.env`` file.

Every field has a docstring: the README's configuration table is generated from them and a
test checks that it is complete. Secrets also accept ``RAPPORT_<NAME>_FILE`` pointing at a file.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rapport.core import files
from rapport.core.fields import sender_problem, web_url_problem

SECRET_FIELDS = ("secret_key", "smtp_password")


class ConfigError(Exception):
    """A setting is wrong; the message names the setting and the fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAPPORT_", env_file=".env", extra="ignore", use_attribute_docstrings=True
    )

    env: Literal["dev", "test", "production"] = "dev"
    """Where Rapport runs: `dev`, `test` or `production` (production refuses unsafe defaults)."""

    data_dir: Path = Path("./rapport-data")
    """Directory for the SQLite database, the generated secret key, uploads and backups."""

    database_url: str = ""
    """SQLAlchemy URL; empty means a SQLite file `rapport.db` in the data directory.
    For PostgreSQL: `postgresql+psycopg://user:password@host:5432/rapport`."""

    secret_key: str = ""
    """Key for sessions, CSRF and credential encryption. Generated into `<data_dir>/secret_key`
    (mode 0600) on first start when not given."""

    base_url: str = ""
    """Public URL of this Rapport for the links in invitations, password resets and emails,
    e.g. `https://rapport.example.org`. Empty: the address each request came in on (scheme,
    host and port); background jobs then use `http://HOST:PORT`. Required in production, where
    trusting the request's Host header would let anyone poison reset links."""

    host: str = "127.0.0.1"
    """Address `rapport serve` listens on."""

    port: int = Field(8000, ge=1, le=65535)
    """Port `rapport serve` listens on."""

    run_worker_in_process: bool = True
    """Whether `rapport serve` also runs one job worker in the same process."""

    upgrade_on_start: bool = True
    """Whether `rapport serve` applies database migrations before it starts."""

    smtp_host: str = ""
    """SMTP server for email; empty prints emails to the console (development)."""

    smtp_port: int = Field(587, ge=1, le=65535)
    """SMTP port."""

    smtp_username: str = ""
    """SMTP user name (empty: no login)."""

    smtp_password: str = ""
    """SMTP password."""

    smtp_starttls: bool = True
    """Whether to use STARTTLS with the SMTP server."""

    smtp_from: str = "Rapport <rapport@localhost>"
    """Sender address of the emails Rapport sends."""

    default_locale: Literal["en", "nl"] = "en"
    """Interface language for new users and new workspaces: `en` or `nl`."""

    default_timezone: str = "Europe/Amsterdam"
    """IANA time zone for new workspaces, e.g. `America/Chicago`."""

    session_max_age_hours: int = Field(12, ge=1, le=24 * 30)
    """How long a sign-in lasts without activity."""

    login_max_attempts: int = Field(5, ge=1, le=100)
    """Failed sign-ins allowed before the account is locked for a while."""

    login_lockout_minutes: int = Field(15, ge=1, le=24 * 60)
    """How long a lock-out after too many failed sign-ins lasts."""

    watchdog_minutes: int = Field(5, ge=1, le=24 * 60)
    """Due jobs waiting unclaimed longer than this mean no worker runs: owners are told."""

    max_concurrent_requests: int = Field(16, ge=1, le=200)
    """Requests one `rapport serve` works on at once; more wait (up to 30 s, then 503 with
    Retry-After). Static files and `/healthz` are never held back."""

    max_json_body_kb: int = Field(1024, ge=16, le=100 * 1024)
    """Largest JSON or form body accepted, in KB; larger requests get 413 while still
    arriving, before they are read whole."""

    max_upload_mb: int = Field(26, ge=1, le=1024)
    """Largest file upload (multipart body) accepted, in MB."""

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not an IANA time zone name such as Europe/Amsterdam") from exc
        return value

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and (problem := web_url_problem(value)):
            raise ValueError(f"{problem}, e.g. https://rapport.example.org")
        return value.rstrip("/")

    @field_validator("smtp_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        if problem := sender_problem(value):
            raise ValueError(f"{problem}; use e.g. Lakeside Clinic <social@lakeside.example>")
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        for name in SECRET_FIELDS:
            path = os.environ.get(f"RAPPORT_{name.upper()}_FILE")
            if path and not values.get(name):
                try:
                    values[name] = Path(path).read_text().strip()
                except OSError as exc:
                    raise ValueError(f"RAPPORT_{name.upper()}_FILE: cannot read {path}") from exc
        return values

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'rapport.db').resolve()}"

    def public_url(self, request_url: str | None = None) -> str:
        """Where people reach Rapport, without a trailing slash: the configured base URL, else
        the address the request came in on, else the address `rapport serve` listens on."""
        if self.base_url:
            return self.base_url.rstrip("/")
        if request_url:
            return request_url.rstrip("/")
        return self.listen_url()

    def listen_url(self) -> str:
        """The address `rapport serve` listens on, as a browser would type it."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def check_for_production(self) -> None:
        """Refuse settings that are only safe on a developer's machine."""
        if self.env != "production":
            return
        if not self.secret_key:
            raise ConfigError("RAPPORT_SECRET_KEY is empty: set it (or RAPPORT_SECRET_KEY_FILE).")
        if not self.base_url:
            raise ConfigError(
                "RAPPORT_BASE_URL is empty: in production set it to the public address, "
                "e.g. https://rapport.example.org (links in emails must not trust the Host header)."
            )

    def ensure_secret_key(self) -> str:
        """Return the secret key, generating and storing one on first start."""
        if self.secret_key:
            return self.secret_key
        if self.env == "production":
            raise ConfigError("RAPPORT_SECRET_KEY is empty: set it (or RAPPORT_SECRET_KEY_FILE).")
        files.make_private_dir(self.data_dir)
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            with files.create_private(key_file) as handle:
                handle.write(secrets.token_urlsafe(48).encode())
        self.secret_key = key_file.read_text().strip()
        return self.secret_key

    def secure_files(self) -> int:
        """Data directory 0700, its files 0600, the SQLite database (and WAL/SHM) 0600 —
        created so before SQLite opens it. Run at start-up; returns how many modes changed."""
        database = None
        url = self.resolved_database_url
        if url.startswith("sqlite:///") and ":memory:" not in url:
            database = Path(url.removeprefix("sqlite:///"))
        return files.secure_data_dir(self.data_dir, database=database)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into one readable ConfigError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "settings"
            msg = error["msg"].removeprefix("Value error, ")
            lines.append(f"RAPPORT_{field.upper()}: {msg}. Fix it in the environment or .env.")
        raise ConfigError("\n".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def settings_markdown() -> str:
    """The configuration table for the README, made from the field docstrings."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default if field.default not in ("", None) else "—"
        if isinstance(default, bool):
            default = str(default).lower()
        doc = " ".join((field.description or "").split())
        secret = " Also `RAPPORT_" + name.upper() + "_FILE`." if name in SECRET_FIELDS else ""
        rows.append(f"| `RAPPORT_{name.upper()}` | `{default}` | {doc}{secret} |")
    return "\n".join(rows)
