"""The one place Selko reads the time, so tests can set it."""

from datetime import datetime, timezone


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(timezone.utc)
