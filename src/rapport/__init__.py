"""Rapport: social media for healthcare practices, without leaking PHI."""

__version__ = "0.1.0"
