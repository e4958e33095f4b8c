"""The job queue every domain uses: enqueue in your transaction, ``@job`` your handler.

Handlers live in each domain's ``jobs.py`` whose module is listed in
``rapport.jobs.registry.JOB_MODULES``.
"""

from __future__ import annotations

from rapport.jobs.queue import (
    JobPage,
    JobRequest,
    cancel_job,
    count_rows,
    enqueue,
    enqueue_many,
    get_job,
    list_jobs,
    retry_job,
)
from rapport.jobs.registry import JOB_MODULES, job, load_all
from rapport.jobs.worker import ClaimedJob, Worker, current_job

__all__ = [
    "JOB_MODULES",
    "ClaimedJob",
    "JobPage",
    "JobRequest",
    "Worker",
    "cancel_job",
    "count_rows",
    "current_job",
    "enqueue",
    "enqueue_many",
    "get_job",
    "job",
    "list_jobs",
    "load_all",
    "retry_job",
]
