"""The one home for time: the one place Selko reads the clock (so tests can
set it), and every turn between an instant (UTC) and a wall-clock time in an
organisation's time zone."""

from datetime import date, datetime, time, timezone
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

# A new organisation's time zone, and the zone of pages nobody is signed in to.
DEFAULT_ZONE = "Europe/Helsinki"


class Place(Protocol):
    time_zone: str  # an organisation's IANA zone


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(timezone.utc)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_now(place: Place) -> datetime:
    """Now, on the wall clock where the organisation is."""
    return now().astimezone(zone(place.time_zone))


def local(instant: datetime, zone_name: str) -> datetime:
    """An instant on the wall clock of a zone."""
    return instant.astimezone(zone(zone_name))


def wall_time(instant: datetime, zone_name: str) -> time:
    return local(instant, zone_name).time()


def wall_clock(day: date, at: time, zone_name: str) -> datetime:
    """A wall-clock time on a day in a zone, as a UTC instant."""
    return datetime.combine(day, at, zone(zone_name)).astimezone(timezone.utc)


def start_of_day(day: date, zone_name: str) -> datetime:
    """The first instant of a local day, in UTC."""
    return wall_clock(day, time.min, zone_name)


def minutes(t: time) -> int:
    """Minutes since midnight: for comparing and adding wall-clock times."""
    return t.hour * 60 + t.minute
