"""Demo data: one organisation, one coach, three clients with different days.

In parts, by what they make: `people` (the organisation, the coach, the
clients and their weeks), `tasks` (the task library, its photos and voices),
`history` (the past weeks) and `today` (today, around the current time).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko.demo import history, people, tasks, today
from selko.demo.people import CLIENTS, ORGANISATION
from selko.demo.tasks import EXAMPLE_TASKS, TASK_TO_IMPROVE, TASKS
from selko.models import Organisation, Role, User
from selko.people import share

__all__ = ["CLIENTS", "EXAMPLE_TASKS", "ORGANISATION", "TASKS", "TASK_TO_IMPROVE", "family_link", "load"]


def family_link(db: Session, coach: User, client: User) -> str:
    """A fresh share for "Äiti" each run: only its hash is kept, so the old link cannot be printed again."""
    for old in share.active(db, client.id):
        share.stop(old)
    return share.create(db, client, name="Äiti", created_by=coach)


def load(db: Session) -> tuple[User, User]:
    """Create the demo once; later runs find it. Returns the coach and the first client."""
    organisation = db.scalar(select(Organisation).where(Organisation.name == ORGANISATION))
    if organisation is None:
        organisation = people.create(db)
    coach = db.scalar(select(User).where(User.organisation_id == organisation.id, User.role == Role.coach))
    clients = db.scalars(select(User).where(User.organisation_id == organisation.id, User.role == Role.client).order_by(User.id)).all()
    today.make_today_a_work_day(db, organisation, clients[0])
    today.check_in_from_a_basement(db, organisation, clients[1])
    today.help_today(db, organisation, coach, clients)
    today.messages_today(db, organisation, clients[0])
    today.a_day_off_this_week(db, organisation, clients[0])
    today.left_early_today(db, organisation, clients[2])
    today.diary(db, organisation, coach, clients[0])
    history.contacts_in_recent_weeks(db, organisation, coach, clients)
    tasks.examples_and_one_step(db, organisation, clients[1])
    tasks.a_task_to_improve(db, organisation)
    tasks.step_photos(db, organisation)
    tasks.coach_voices(db, organisation)
    return coach, clients[0]
