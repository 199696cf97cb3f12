"""The coach's work diary: a note a client a day, the coach's own unless the
coach shows it to the client, who then reads it on Today."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.models import User, WorkNote

MAX_LENGTH = 2000


def check(text: str) -> str | None:
    """What is wrong with a note, in words for the coach; None when it is fine."""
    if not text.strip():
        return _("Write the note.")
    if len(text) > MAX_LENGTH:
        return _("A note can have at most %(count)s characters.", count=MAX_LENGTH)
    return None


def write(db: Session, client_id: int, day: date, text: str, shown_to_client: bool, coach: User) -> WorkNote:
    """Writing the day's note again replaces it: one note a client a day."""
    fields = {"text": text.strip(), "shown_to_client": shown_to_client, "written_by_id": coach.id, "written_at": clock.now()}
    note = for_day(db, client_id, day)
    if note is None:
        note = WorkNote(client_id=client_id, date=day, **fields)
        db.add(note)
    for name, value in fields.items():
        setattr(note, name, value)
    return note


def for_day(db: Session, client_id: int, day: date) -> WorkNote | None:
    return db.scalar(select(WorkNote).where(WorkNote.client_id == client_id, WorkNote.date == day))


def recent(db: Session, client_id: int, limit: int = 60) -> list[WorkNote]:
    return list(db.scalars(select(WorkNote).where(WorkNote.client_id == client_id).order_by(WorkNote.date.desc()).limit(limit)))
