"""Sharing the schedule with a family member: the link, the weeks it shows,
and the calendar feed. A share shows work days, hours, breaks and days off —
never absences, answers, notes or phone numbers."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone
from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock, input_text
from selko.day import schedule, tasks
from selko.models import Share, User

FEED_WEEKS = 6


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def name_problem(name: str) -> str | None:
    """What is wrong with the name of the person who sees the schedule, or None."""
    if not name or len(name) > 100:
        return _("Write the name of the person.")
    return input_text.name_problem(name)


def create(db: Session, client: User, *, name: str, created_by: User, ends_on: date | None = None, show_tasks: bool = False) -> str:
    """A new share; returns its token (256 random bits), shown once."""
    token = secrets.token_urlsafe(32)
    db.add(
        Share(
            client_id=client.id,
            name=name.strip()[:100],
            token_hash=_hash(token),
            show_tasks=show_tasks,
            ends_on=ends_on,
            created_at=clock.now(),
            created_by_id=created_by.id,
            client_agreed=True,
        )
    )
    return token


def find(db: Session, token: str) -> Share | None:
    """The working share behind a link, or None: unknown, stopped and expired look the same."""
    if not token or len(token) > 100:
        return None
    share = db.scalar(select(Share).where(Share.token_hash == _hash(token)))
    if share is None or share.stopped_at is not None or share.client.erased_at is not None:
        return None
    if share.ends_on is not None and clock.local_now(share.client.organisation).date() > share.ends_on:
        return None
    return share


def active(db: Session, client_id: int) -> list[Share]:
    return list(db.scalars(select(Share).where(Share.client_id == client_id, Share.stopped_at.is_(None)).order_by(Share.created_at)))


def stop(share: Share) -> None:
    share.stopped_at = share.stopped_at or clock.now()


Weeks = list[list[tuple[schedule.DayPlan, list[str]]]]


def weeks(db: Session, share: Share, count: int = 2) -> Weeks:
    """This week and the next as the family sees them: times, and the tasks if
    the client chose so. The date's note is for the client only."""
    return weeks_of(db, share.client, count, show_tasks=share.show_tasks, show_notes=False)


def this_monday(client: User) -> date:
    today = clock.local_now(client.organisation).date()
    return today - timedelta(days=today.weekday())


def weeks_of(db: Session, client: User, count: int = 2, *, show_tasks: bool, show_notes: bool) -> Weeks:
    """This week and the next, Monday to Sunday, in the same plain form for the
    client and the family: each day's plan and the titles of the day's tasks."""
    monday = this_monday(client)
    days = []
    for plan in schedule.plans_between(db, client.id, monday, monday + timedelta(weeks=count)):
        titles = [t.task.title for t in tasks.for_day(db, client.id, plan.day)] if show_tasks and plan.works else []
        days.append((plan if show_notes else schedule.DayPlan(plan.day, plan.starts, plan.ends, plan.breaks), titles))
    return [days[week * 7 : (week + 1) * 7] for week in range(count)]


def calendar(db: Session, share: Share, *, work: str, brk: str) -> bytes:
    """The coming weeks as iCalendar events in the organisation's time zone.
    UIDs name the share, the day and the event, so calendar apps update
    events on the next refresh instead of adding copies."""
    zone_name = share.client.organisation.time_zone
    zone = clock.zone(zone_name)
    monday = this_monday(share.client)
    last = monday + timedelta(weeks=FEED_WEEKS)
    feed = Calendar()
    feed.add("prodid", "-//Selko//family share//FI")
    feed.add("version", "2.0")
    # Names saved before names were checked may hold line breaks: keep each on one line.
    name = input_text.one_line(share.client.name)
    feed.add("x-wr-calname", f"{name}: {work}")
    feed.add("x-wr-timezone", zone_name)
    feed.add_component(Timezone.from_tzinfo(zone, tzid=zone_name, first_date=monday, last_date=last))
    stamp = clock.now()
    for plan in schedule.plans_between(db, share.client_id, monday, last):
        day = plan.day
        if plan.works:
            feed.add_component(
                _event(
                    f"selko-{share.id}-{day.isoformat()}-work",
                    f"{name}: {work}",
                    datetime.combine(day, plan.starts, zone),
                    datetime.combine(day, plan.ends, zone),
                    stamp,
                )
            )
            for number, b in enumerate(plan.breaks, start=1):
                feed.add_component(
                    _event(
                        f"selko-{share.id}-{day.isoformat()}-break-{number}",
                        f"{name}: {input_text.one_line(b.name) or brk}",
                        datetime.combine(day, b.starts, zone),
                        datetime.combine(day, b.ends, zone),
                        stamp,
                    )
                )
    return feed.to_ical()


def _event(uid: str, summary: str, starts: datetime, ends: datetime, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("dtstamp", stamp)
    return event
