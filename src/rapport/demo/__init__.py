"""`rapport demo`: a believable practice with months of history, created through the services."""

from rapport.demo.build import DEMO_PASSWORD, run_demo

__all__ = ["DEMO_PASSWORD", "run_demo"]
