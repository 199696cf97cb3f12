"""How did today go: a few areas answered with three faces, and how the
answers change over the weeks."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.models import SelfAssessment

# The areas of the work-ability model, in the order they are asked.
AREAS = ("energy", "mind", "skills", "everyday", "work")
FACES = (1, 2, 3)  # sad, so-so, happy


def for_day(db: Session, client_id: int, day: date) -> SelfAssessment | None:
    return db.scalar(select(SelfAssessment).where(SelfAssessment.client_id == client_id, SelfAssessment.date == day))


def save(db: Session, client_id: int, day: date, answers: dict[str, int], wants_to_talk: bool, at: datetime | None = None) -> SelfAssessment:
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


# The coach's chart shows this many ISO weeks (Monday to Sunday), this week last.
WEEKS_SHOWN = 12
# The client's own short version looks back this many weeks, this week included,
# and says something only from this many answers on: one or two answers say
# little about "mostly".
WEEKS_FOR_CLIENT = 4
FEWEST_FOR_CLIENT = 3


@dataclass(frozen=True)
class Week:
    """One ISO week of a client's answers. A week without answers is a gap,
    never a zero: nothing was said about it."""

    monday: date
    faces: dict[str, tuple[int, ...]]  # each area's answers, day by day

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def answers(self) -> int:
        """How many days the client answered: every answer has all the areas (save())."""
        return len(self.faces[AREAS[0]])

    def typical(self, area: str) -> int | None:
        return typical_face(self.faces[area])


def typical_face(faces: Sequence[int]) -> int | None:
    """The most common face. A tie goes to the sadder face, so a hard week
    never looks better than it was. None when there are no answers."""
    if not faces:
        return None
    return max(FACES, key=lambda face: (faces.count(face), -face))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def by_week(db: Session, client_id: int, today: date, weeks: int = WEEKS_SHOWN) -> list[Week]:
    """Each area's answers in the last `weeks` ISO weeks, the oldest week
    first and this week (today's) last: one query."""
    first = monday_of(today) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    faces = {monday: {area: [] for area in AREAS} for monday in mondays}
    records = db.scalars(
        select(SelfAssessment)
        .where(
            SelfAssessment.client_id == client_id,
            SelfAssessment.date >= first,
            SelfAssessment.date < mondays[-1] + timedelta(weeks=1),
        )
        .order_by(SelfAssessment.date)
    )
    for record in records:
        for area in AREAS:
            faces[monday_of(record.date)][area].append(getattr(record, area))
    return [Week(monday, {area: tuple(f) for area, f in faces[monday].items()}) for monday in mondays]


def lately(weeks: Sequence[Week]) -> dict[str, int]:
    """The client's own short version: each area's most common face over
    these weeks together; empty when there are too few answers to tell."""
    if sum(week.answers for week in weeks) < FEWEST_FOR_CLIENT:
        return {}
    return {area: typical_face([face for week in weeks for face in week.faces[area]]) for area in AREAS}
