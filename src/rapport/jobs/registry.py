"""Job kinds and their handlers, registered with ``@job`` in each domain's ``jobs.py``.

Handlers are found through one explicit list, ``JOB_MODULES``; a test checks that every
``@job`` in ``src/`` is reachable from it, so no job depends on an accidental import.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from croniter import croniter
from sqlalchemy.orm import Session

JOB_MODULES = (
    "rapport.notifications.jobs",
    "rapport.jobs.watchdog",
    "rapport.workspaces.jobs",
)

Handler = Callable[[Session, dict[str, Any]], dict[str, Any] | None]

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class JobType:
    kind: str
    func: Handler
    retry_on: tuple[type[BaseException], ...] = ()
    cron: str | None = None

    @property
    def qualname(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"


_REGISTRY: dict[str, JobType] = {}


def job(
    kind: str, *, retry_on: tuple[type[BaseException], ...] = (), cron: str | None = None
) -> Callable[[Handler], Handler]:
    """Register ``func(session, payload) -> stats`` as the handler of ``kind`` ("domain.verb_noun").

    ``retry_on`` adds exception types worth retrying besides a transient
    ``ExternalServiceError``; ``cron`` makes the job periodic (enqueued once per slot).
    Handlers must be idempotent: after a crash a job may run again.
    """
    if not _KIND_RE.match(kind):
        raise ValueError(f"job kind {kind!r} must look like 'domain.verb_noun'")
    if cron is not None and not croniter.is_valid(cron):
        raise ValueError(f"job {kind}: {cron!r} is not a valid cron expression")

    def register(func: Handler) -> Handler:
        spec = JobType(kind=kind, func=func, retry_on=tuple(retry_on), cron=cron)
        existing = _REGISTRY.get(kind)
        if existing is not None and existing.qualname != spec.qualname:
            raise ValueError(
                f"job kind {kind} is registered twice: {existing.qualname}, {spec.qualname}"
            )
        _REGISTRY[kind] = spec
        return func

    return register


def load_all() -> dict[str, JobType]:
    """Import every module in ``JOB_MODULES`` and return the registry (kind → JobType)."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)


def get_job_type(kind: str) -> JobType | None:
    return _REGISTRY.get(kind)


def periodic_job_types() -> list[JobType]:
    return sorted((t for t in _REGISTRY.values() if t.cron), key=lambda t: t.kind)
