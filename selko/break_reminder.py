"""Planning the day's alarms from a client's schedule.

Alarms ring at local wall-clock times in the organisation's time zone, so
"the break starts at 10.00" rings at 10.00 also on the days daylight saving
time starts and ends. Planning is idempotent: planning twice gives the same
rows, and planning after a schedule change replans what has not rung yet.
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from selko import clock, schedule
from selko.models import Reminder, Role, User

SCHEDULE_KINDS = ("work_start", "break_start", "break_end", "work_end")
# An alarm later than this helps nobody: a break that started 20 minutes ago
# needs no alarm. Coach messages keep longer.
LATE_AFTER = {"work_start": 10, "break_start": 5, "break_end": 5, "work_end": 10, "coach": 120, "test": 5}


def wall_clock(day: date, at, zone: str) -> datetime:
    """A local time on a day, as a UTC instant."""
    return datetime.combine(day, at, ZoneInfo(zone)).astimezone(timezone.utc)


def plan_day(db: Session, client: User, day: date) -> list[Reminder]:
    """Make the client's alarms for the day match the schedule, from now on."""
    zone = client.organisation.time_zone
    plan = schedule.day_plan(db, client.id, day)
    now = clock.now()
    wanted = {
        (event.kind, wall_clock(day, event.at, zone)): event.name
        for event in schedule.events(plan)
    }
    existing = db.scalars(
        select(Reminder).where(
            Reminder.client_id == client.id, Reminder.day == day, Reminder.kind.in_(SCHEDULE_KINDS)
        )
    ).all()
    for reminder in existing:
        if reminder.status == "planned" and (reminder.kind, reminder.due_at) not in wanted:
            db.delete(reminder)
    have = {(r.kind, r.due_at) for r in existing}
    for (kind, due_at), name in wanted.items():
        if (kind, due_at) not in have and due_at > now:
            db.add(Reminder(client_id=client.id, day=day, kind=kind, due_at=due_at, text=name))
    db.flush()
    return list(
        db.scalars(
            select(Reminder)
            .where(Reminder.client_id == client.id, Reminder.day == day, Reminder.kind.in_(SCHEDULE_KINDS))
            .order_by(Reminder.due_at)
        )
    )


def plan_today_for_everyone(db: Session) -> int:
    """Plan today's alarms for every client (each in their organisation's today)."""
    clients = db.scalars(select(User).where(User.role == Role.client, User.erased_at.is_(None))).all()
    for client in clients:
        plan_day(db, client, schedule.local_now(client.organisation).date())
    db.commit()
    return len(clients)


def coach_message(db: Session, client: User, text: str) -> Reminder:
    """A reminder the coach sends now ("Remember your break")."""
    now = clock.now()
    reminder = Reminder(
        client_id=client.id, day=schedule.local_now(client.organisation).date(), kind="coach", due_at=now, text=text[:300]
    )
    db.add(reminder)
    return reminder


def forget_unsent(db: Session, client_id: int) -> None:
    db.execute(delete(Reminder).where(Reminder.client_id == client_id, Reminder.status == "planned"))


def too_late(reminder: Reminder, now: datetime) -> bool:
    return now - reminder.due_at > timedelta(minutes=LATE_AFTER[reminder.kind])


def time_to_live(reminder: Reminder, now: datetime) -> int:
    """Seconds the push service may hold the alarm before it means nothing."""
    left = reminder.due_at + timedelta(minutes=LATE_AFTER[reminder.kind]) - now
    return max(0, int(left.total_seconds()))
