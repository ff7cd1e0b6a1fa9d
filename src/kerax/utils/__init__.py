"""Utilities: session and seed control, summaries."""

from kerax.utils._session import clear_session, set_random_seed

__all__ = ["clear_session", "set_random_seed"]
