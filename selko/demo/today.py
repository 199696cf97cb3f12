"""The demo's today, around the current time whenever it is loaded: work
days, a late check-in, help requests, the coach's messages and diary, a day
off this week, and a client who went home early."""

import uuid
from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.alarms import Kind, Status, messages, ring_now
from selko.clock import wall_clock
from selko.day import attendance, help_request, schedule
from selko.models import ActionKind, ActionOutcome, ClientAction, HelpRequest, Organisation, ScheduleException, Task, User
from selko.records import work_diary


def make_today_a_work_day(db: Session, organisation: Organisation, client: User, starts=time(8), ends=time(14)) -> None:
    """The demo should show a work day even on a weekend."""
    today = clock.local_now(organisation).date()
    if schedule.day_plan(db, client.id, today).works:
        return
    db.add(ScheduleException(client_id=client.id, date=today, starts=starts, ends=ends, note="Tänään on ylimääräinen työpäivä."))
    db.flush()


def check_in_from_a_basement(db: Session, organisation: Organisation, client: User) -> None:
    """Today's check-in, pressed with no network and sent 38 minutes later:
    the coach's board shows both times."""
    now = clock.now()
    today = clock.local_now(organisation).date()
    if attendance.for_day(db, client.id, today) is not None:
        return
    zone = clock.zone(organisation.time_zone)
    pressed = max(now - timedelta(minutes=40), wall_clock(today, time(0), organisation.time_zone))
    local = pressed.astimezone(zone)
    later = now.astimezone(zone) + timedelta(hours=4)
    make_today_a_work_day(
        db,
        organisation,
        client,
        starts=time(local.hour, local.minute // 15 * 15),
        ends=later.time().replace(second=0, microsecond=0) if later.date() == today else time(23, 45),
    )
    attendance.arrive(db, client.id, today, at=pressed)
    db.add(
        ClientAction(
            client_id=client.id,
            key=str(uuid.uuid4()),
            kind=ActionKind.arrive,
            day=today,
            pressed_at=pressed,
            received_at=min(pressed + timedelta(minutes=38), now),
            status=200,
            outcome=ActionOutcome.done,
        )
    )


def help_today(db: Session, organisation: Organisation, coach: User, clients: list[User]) -> None:
    """Aino was stuck a moment ago and Sanna has seen it ("Työvalmentaja
    tietää" on Aino's phone); Mikko's request is open, on top of the board."""
    now = clock.now()
    today = clock.local_now(organisation).date()
    midnight = wall_clock(today, time(0), organisation.time_zone)
    stuck = [
        (clients[0], "Tiskaa astiat", 3, timedelta(minutes=12), timedelta(minutes=5)),
        (clients[1], "Lajittele paketit", 2, timedelta(minutes=3), None),
    ]
    for client, title, step, ago, handled_ago in stuck:
        if help_request.shown_to_client(db, client, today) is not None:
            continue
        task = db.scalar(select(Task).where(Task.organisation_id == organisation.id, Task.title == title))
        asked = max(now - ago, midnight)  # today's, also just after midnight
        db.add(
            HelpRequest(
                client_id=client.id,
                created_at=asked,
                task_id=task.id if task else None,
                step_position=step,
                handled_at=max(now - handled_ago, asked) if handled_ago else None,
                handled_by_id=coach.id if handled_ago else None,
            )
        )
    db.flush()


def messages_today(db: Session, organisation: Organisation, client: User) -> None:
    """Sanna's messages to Aino this morning: one rang and was seen, one waits on Today."""
    today = clock.local_now(organisation).date()
    latest = messages.recent(db, client.id, 1)
    if latest and latest[0].day == today:
        return
    now = clock.now()
    midnight = wall_clock(today, time(0), organisation.time_zone)
    seen = ring_now(db, client, Kind.ready_message, "break")
    seen.due_at = max(now - timedelta(minutes=50), midnight)
    seen.status, seen.finished_at = Status.sent, seen.due_at
    seen.shown_at = seen.seen_at = seen.due_at + timedelta(seconds=5)
    waiting = ring_now(db, client, Kind.coach, "Muista ottaa hanskat mukaan.")
    waiting.due_at = max(now - timedelta(minutes=20), midnight)
    waiting.status, waiting.finished_at = Status.sent, waiting.due_at
    db.flush()


def diary(db: Session, organisation: Organisation, coach: User, client: User) -> None:
    """Sanna's work diary for Aino: notes of past days, and today's shown to Aino."""
    today = clock.local_now(organisation).date()
    if work_diary.for_day(db, client.id, today) is not None:
        return
    work_diary.write(db, client.id, today - timedelta(days=7), "Astiakone oli rikki. Aino pesi astiat käsin ja jaksoi hyvin.", False, coach)
    work_diary.write(db, client.id, today - timedelta(days=1), "Puhuttiin tauoista. Aino haluaa pitää kahvitauon ajallaan.", False, coach)
    work_diary.write(db, client.id, today, "Hienoa, että tulit ajoissa. Muista hanskat tiskatessa.", True, coach)
    db.flush()


def a_day_off_this_week(db: Session, organisation: Organisation, client: User) -> None:
    """The day after tomorrow the café is closed: Aino's week shows it with Sanna's note."""
    day = clock.local_now(organisation).date() + timedelta(days=2)
    if db.scalar(select(ScheduleException).where(ScheduleException.client_id == client.id, ScheduleException.date == day)):
        return
    db.add(ScheduleException(client_id=client.id, date=day, day_off=True, note="Kahvilassa on inventaario. Ei töitä."))
    db.flush()


def left_early_today(db: Session, organisation: Organisation, client: User) -> None:
    """Leila came at the start and went home an hour ago, hours before the end:
    the board flags it."""
    now = clock.now()
    today = clock.local_now(organisation).date()
    if attendance.for_day(db, client.id, today) is not None:
        return
    midnight = wall_clock(today, time(0), organisation.time_zone)
    arrived = max(now - timedelta(hours=2), midnight)
    left = max(now - timedelta(hours=1), arrived)
    local = arrived.astimezone(clock.zone(organisation.time_zone))
    later = now.astimezone(clock.zone(organisation.time_zone)) + timedelta(hours=3)
    # Her hours today sit around now, whatever the hour the demo starts.
    db.add(
        ScheduleException(
            client_id=client.id,
            date=today,
            starts=time(local.hour, local.minute // 15 * 15),
            ends=later.time().replace(second=0, microsecond=0) if later.date() == today else time(23, 45),
        )
    )
    attendance.arrive(db, client.id, today, at=arrived)
    attendance.leave(db, client.id, today, at=left)
