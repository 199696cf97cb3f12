"""How did today go: a few areas answered with three faces."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.models import SelfAssessment

# The areas of the work-ability model, in the order they are asked.
AREAS = ("energy", "mind", "skills", "everyday", "work")
FACES = (1, 2, 3)  # sad, so-so, happy


def for_day(db: Session, client_id: int, day: date) -> SelfAssessment | None:
    return db.scalar(
        select(SelfAssessment).where(SelfAssessment.client_id == client_id, SelfAssessment.date == day)
    )


def save(
    db: Session, client_id: int, day: date, answers: dict[str, int], wants_to_talk: bool, at: datetime | None = None
) -> SelfAssessment:
    """Answering again the same day replaces the day's answers."""
    if set(answers) != set(AREAS) or any(v not in FACES for v in answers.values()):
        raise ValueError("every area needs one face")
    record = for_day(db, client_id, day)
    if record is None:
        record = SelfAssessment(client_id=client_id, date=day)
        db.add(record)
    for area, value in answers.items():
        setattr(record, area, value)
    record.wants_to_talk = wants_to_talk
    record.answered_at = at or clock.now()
    # Asked again after the coach handled the last "I want to talk": a new wish, open again.
    if wants_to_talk and record.talk_handled_at is not None and record.answered_at > record.talk_handled_at:
        record.talk_handled_at = record.talk_handled_by_id = None
    return record
