"""Check-in: at work, not coming today, going home. One record per client per day."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.models import AbsenceReason, Attendance


def for_day(db: Session, client_id: int, day: date) -> Attendance | None:
    return db.scalar(select(Attendance).where(Attendance.client_id == client_id, Attendance.date == day))


def _record(db: Session, client_id: int, day: date) -> Attendance:
    record = for_day(db, client_id, day)
    if record is None:
        record = Attendance(client_id=client_id, date=day)
        db.add(record)
    return record


def arrive(db: Session, client_id: int, day: date) -> Attendance:
    """I am at work. Pressing it again keeps the first time."""
    record = _record(db, client_id, day)
    if record.arrived_at is None:
        record.arrived_at = clock.now()
    # Came after all: the day is no longer an absence.
    record.absence_reason = None
    record.absence_note = ""
    record.absence_reported_at = None
    return record


def report_absence(db: Session, client_id: int, day: date, reason: AbsenceReason, note: str = "") -> Attendance:
    record = _record(db, client_id, day)
    record.absence_reason = reason
    record.absence_note = note.strip()[:500]
    record.absence_reported_at = clock.now()
    record.arrived_at = None
    record.left_at = None
    return record


def leave(db: Session, client_id: int, day: date) -> Attendance | None:
    """I am going home. Only a client who is at work can go home."""
    record = for_day(db, client_id, day)
    if record is None or record.arrived_at is None:
        return None
    if record.left_at is None:
        record.left_at = clock.now()
    return record
