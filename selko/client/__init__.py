"""The client's phone: today, check-in, tasks, breaks, help, how today went.
The blueprint is in blueprint.py; each view module adds its routes."""

from selko.client import alarms, share, tasks, today  # noqa: F401
from selko.client.blueprint import bp

__all__ = ["bp"]
