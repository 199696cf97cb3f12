"""Check-in: at work, not coming today, going home. One record per client per day.

The client's presses take the instant the button was pressed (`at`), which is
earlier than now when the phone sends them after being offline. The coach's
correction of a day stands against presses made before it."""

import enum
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.day.schedule import DayPlan
from selko.models import AbsenceReason, ActionKind, Attendance, AttendanceCorrection, User

# Going home this much before the day's end asks first ("Lähdetkö nyt kotiin?").
EARLY_LEAVING = timedelta(minutes=15)
# "I went home" can be taken back this long after pressing it.
UNDO_LEAVING = timedelta(minutes=5)
# A check-in this long before the start, after the end, or on a day off is
# kept but marked for the coach: it is not an ordinary work day.
BEFORE_START = timedelta(hours=2)


class CheckIn(enum.StrEnum):
    """Where a client's day stands: the one rule Today, the board, the
    register and the page's offline states (data-part) all read."""

    none = "none"
    arrived = "arrived"
    left = "left"
    absent = "absent"


def state_of(arrived_at: datetime | None, left_at: datetime | None, absence_reason: AbsenceReason | None) -> CheckIn:
    """The state of a day's record, or of the values a correction changed."""
    if absence_reason is not None:
        return CheckIn.absent
    if left_at is not None:
        return CheckIn.left
    if arrived_at is not None:
        return CheckIn.arrived
    return CheckIn.none


def state(record: Attendance | None) -> CheckIn:
    return CheckIn.none if record is None else state_of(record.arrived_at, record.left_at, record.absence_reason)


# What each press makes of the day; offline, the page shows that state at once.
AFTER_PRESS = {ActionKind.arrive: CheckIn.arrived, ActionKind.leave: CheckIn.left, ActionKind.absent: CheckIn.absent}
# The states a press can lead to from each state.
NEXT = {
    CheckIn.none: (CheckIn.arrived, CheckIn.left, CheckIn.absent),
    CheckIn.absent: (CheckIn.arrived, CheckIn.left),
    CheckIn.arrived: (CheckIn.left,),
    CheckIn.left: (),
}


def leaves_early(plan: DayPlan, at: time) -> bool:
    """Going home at this wall-clock time is well before the day's end."""
    return plan.works and clock.minutes(at) < clock.minutes(plan.ends) - EARLY_LEAVING.seconds // 60


def outside_hours(plan: DayPlan, at: time) -> bool:
    """A check-in at this wall-clock time is outside the day's hours."""
    if not plan.works:
        return True
    return clock.minutes(at) < clock.minutes(plan.starts) - BEFORE_START.seconds // 60 or clock.minutes(at) > clock.minutes(plan.ends)


def left_early(record: Attendance | None, plan: DayPlan, zone: str) -> bool:
    return record is not None and record.left_at is not None and leaves_early(plan, clock.wall_time(record.left_at, zone))


def to_check(record: Attendance | None, plan: DayPlan, zone: str) -> bool:
    """A check-in outside the hours or on a day off: kept, but not an ordinary
    work day until the coach corrects the day."""
    if record is None or record.arrived_at is None or record.corrected_at is not None:
        return False
    return outside_hours(plan, clock.wall_time(record.arrived_at, zone))


def can_undo_leaving(record: Attendance | None, now: datetime) -> bool:
    return record is not None and record.left_at is not None and now - record.left_at <= UNDO_LEAVING


def undo_leaving(db: Session, client_id: int, day: date, at: datetime | None = None) -> bool:
    """Pressed "I am going home" by mistake: back at work, within a few minutes."""
    record = for_day(db, client_id, day)
    if not can_undo_leaving(record, at or clock.now()):
        return False
    record.left_at = None
    return True


class CorrectedByCoach(Exception):
    """The coach corrected the day after the client pressed: the press is not applied."""


def for_day(db: Session, client_id: int, day: date) -> Attendance | None:
    return db.scalar(select(Attendance).where(Attendance.client_id == client_id, Attendance.date == day))


def _record(db: Session, client_id: int, day: date) -> Attendance:
    record = for_day(db, client_id, day)
    if record is None:
        record = Attendance(client_id=client_id, date=day)
        db.add(record)
    return record


def _refuse_if_corrected_since(record: Attendance | None, pressed_at: datetime) -> None:
    if record is not None and record.corrected_at is not None and record.corrected_at > pressed_at:
        raise CorrectedByCoach()


def arrive(db: Session, client_id: int, day: date, at: datetime | None = None) -> Attendance:
    """I am at work. Pressing it again keeps the first time."""
    at = at or clock.now()
    _refuse_if_corrected_since(for_day(db, client_id, day), at)
    record = _record(db, client_id, day)
    if record.arrived_at is None or at < record.arrived_at:
        record.arrived_at = at
    # Came after all: the day is no longer an absence.
    record.absence_reason = None
    record.absence_note = ""
    record.absence_reported_at = None
    return record


def report_absence(db: Session, client_id: int, day: date, reason: AbsenceReason, note: str = "", at: datetime | None = None) -> Attendance:
    at = at or clock.now()
    _refuse_if_corrected_since(for_day(db, client_id, day), at)
    record = _record(db, client_id, day)
    record.absence_reason = reason
    record.absence_note = note.strip()[:500]
    record.absence_reported_at = at
    record.arrived_at = None
    record.left_at = None
    return record


def leave(db: Session, client_id: int, day: date, at: datetime | None = None) -> Attendance | None:
    """I am going home. Only a client who is at work can go home."""
    at = at or clock.now()
    record = for_day(db, client_id, day)
    _refuse_if_corrected_since(record, at)
    if record is None or record.arrived_at is None:
        return None
    if record.left_at is None:
        record.left_at = at
    return record


def correct(
    db: Session,
    client_id: int,
    day: date,
    coach: User,
    arrived_at: datetime | None = None,
    left_at: datetime | None = None,
    absence_reason: AbsenceReason | None = None,
    present_by_word: bool = False,
) -> Attendance:
    """The coach sets the day as it really was: at work from–to, present on the
    coach's word, absent for a reason, or nothing. The day before the change is
    kept in its history (AttendanceCorrection), the client's own entry first.
    ValueError when the day cannot be (leaving without arriving, or before it)."""
    if absence_reason is not None and (arrived_at or left_at or present_by_word):
        raise ValueError("an absent day has no times")
    if present_by_word and (arrived_at or left_at):
        raise ValueError("present on the coach's word has no times")
    if left_at is not None and (arrived_at is None or left_at < arrived_at):
        raise ValueError("leaving needs an arrival before it")
    record = _record(db, client_id, day)
    now = clock.now()
    db.add(
        AttendanceCorrection(
            client_id=client_id,
            date=day,
            corrected_by_id=coach.id,
            corrected_at=now,
            before_arrived_at=record.arrived_at,
            before_left_at=record.left_at,
            before_absence_reason=record.absence_reason,
            before_present_by_word=bool(record.present_by_word),
            arrived_at=arrived_at,
            left_at=left_at,
            absence_reason=absence_reason,
            present_by_word=present_by_word,
        )
    )
    if absence_reason is None:
        record.absence_reason = None
        record.absence_note = ""
        record.absence_reported_at = None
    elif record.absence_reason is None:
        record.absence_reason = absence_reason
        record.absence_reported_at = now
    else:
        record.absence_reason = absence_reason  # the client's note stays with the day
    record.arrived_at = arrived_at
    record.left_at = left_at
    record.present_by_word = present_by_word
    record.corrected_by_id = coach.id
    record.corrected_at = now
    return record
