"""The coach's view: today board, clients, schedules, the task library and the
records. The blueprint is in blueprint.py; each view module adds its routes."""

from selko.coach import board, clients, library, phones, records, schedule  # noqa: F401
from selko.coach.blueprint import bp

__all__ = ["bp"]
