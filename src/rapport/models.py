"""Imports every domain's models so ``Base.metadata`` is complete (migrations, tests).

One explicit list, in one place: a new domain adds its line here.
"""

from __future__ import annotations

import importlib

MODEL_MODULES = (
    "rapport.workspaces.models",
    "rapport.jobs.models",
    "rapport.notifications.models",
    "rapport.guard.consent.models",
    "rapport.guard.policy_models",
)


def import_all_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)
