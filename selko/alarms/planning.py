"""Planning the day's alarms from a client's schedule.

Alarms ring at local wall-clock times in the organisation's time zone, so
"the break starts at 10.00" rings at 10.00 also on the days daylight saving
time starts and ends. Planning is idempotent: planning twice gives the same
rows, and planning after a schedule change replans what has not rung yet.
"""

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from selko import clock
from selko.alarms.kinds import SCHEDULE_KINDS, Kind, Status
from selko.day import schedule
from selko.models import Organisation, Reminder, Role, User


def plan_day(db: Session, client: User, day: date) -> list[Reminder]:
    """Make the client's alarms for the day match the schedule, from now on."""
    plan_clients(db, [client.id], day, client.organisation.time_zone)
    return list(
        db.scalars(select(Reminder).where(Reminder.client_id == client.id, Reminder.day == day, Reminder.kind.in_(SCHEDULE_KINDS)).order_by(Reminder.due_at))
    )


def plan_clients(db: Session, client_ids: list[int], day: date, zone: str) -> None:
    """Plan one day for many clients of one organisation, in a few statements."""
    now = clock.now()
    plans = schedule.day_plans(db, client_ids, day)
    existing: dict[int, list[tuple[int, str, datetime, str]]] = {}
    for row in db.execute(
        select(Reminder.id, Reminder.client_id, Reminder.kind, Reminder.due_at, Reminder.status).where(
            Reminder.client_id.in_(client_ids), Reminder.day == day, Reminder.kind.in_(SCHEDULE_KINDS)
        )
    ):
        existing.setdefault(row.client_id, []).append((row.id, row.kind, row.due_at, row.status))
    stale, new = [], []
    for client_id, plan in plans.items():
        wanted = {(e.kind, clock.wall_clock(day, e.at, zone)): e.name for e in schedule.events(plan)}
        have = set()
        for reminder_id, kind, due_at, status in existing.get(client_id, []):
            have.add((kind, due_at))
            if status == Status.planned and (kind, due_at) not in wanted:
                stale.append(reminder_id)
        new += [
            {"client_id": client_id, "day": day, "kind": kind, "due_at": due_at, "text": name}
            for (kind, due_at), name in wanted.items()
            if (kind, due_at) not in have and due_at > now
        ]
    for chunk in range(0, len(stale), 1000):
        db.execute(delete(Reminder).where(Reminder.id.in_(stale[chunk : chunk + 1000])))
    if new:
        # Another worker may be planning the same day this moment (workers
        # started together plan together): its rows stand, ours are skipped.
        dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
        db.execute(dialect.insert(Reminder).on_conflict_do_nothing(), new)
    db.flush()


def plan_today_for_everyone(db: Session) -> int:
    """Plan today's alarms for every client, each in their organisation's today."""
    by_organisation: dict[int, list[int]] = {}
    for client_id, organisation_id in db.execute(select(User.id, User.organisation_id).where(User.role == Role.client, User.erased_at.is_(None))):
        by_organisation.setdefault(organisation_id, []).append(client_id)
    for organisation_id, client_ids in by_organisation.items():
        organisation = db.get(Organisation, organisation_id)
        day = clock.local_now(organisation).date()
        for chunk in range(0, len(client_ids), 2000):
            plan_clients(db, client_ids[chunk : chunk + 2000], day, organisation.time_zone)
    db.commit()
    return sum(len(ids) for ids in by_organisation.values())


def ring_now(db: Session, client: User, kind: Kind, text: str = "") -> Reminder:
    """An alarm that rings at once: the coach's message to the client, the
    client's test alarm, or an alert on the coach's phone that the client is
    absent or asks for help. Written in the same transaction as what caused
    it (the absence, the help request), so it is never lost."""
    reminder = Reminder(
        client_id=client.id,
        day=clock.local_now(client.organisation).date(),
        kind=kind,
        due_at=clock.now(),
        text=text[:300],
    )
    db.add(reminder)
    return reminder
