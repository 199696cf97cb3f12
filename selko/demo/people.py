"""The demo's people: the organisation, its coach Sanna, and three clients
with their weeks, their tasks and their past."""

from datetime import time
from decimal import Decimal

from sqlalchemy.orm import Session

from selko import clock
from selko.day import schedule
from selko.demo import history, tasks
from selko.models import Organisation, Role, TaskAssignment, User
from selko.people.clients import create_client

ORGANISATION = "Selko demo"

# name, phone, workplace, language, work hours by weekday, breaks, tasks by weekday
CLIENTS = [
    (
        "Aino Mäkinen",
        "040 111 2222",
        "Kahvila Kulma",
        "fi",
        {d: (time(8), time(14)) for d in range(5)},
        [(time(10), time(10, 15), "Kahvitauko"), (time(11, 30), time(12), "Ruokatauko")],
        ["dishes", "tables", "coffee"],
    ),
    ("Mikko Laine", "040 333 4444", "Varasto Oy", "fi", {d: (time(9), time(13)) for d in (0, 2, 4)}, [(time(11), time(11, 20), "Tauko")], ["parcels", "floor"]),
    ("Leila Ahmed", "", "Kirpputori Aarre", "en", {d: (time(10), time(15)) for d in (1, 3)}, [(time(12), time(12, 30), "Lunch")], ["prices"]),
]


def create(db: Session) -> Organisation:
    """The demo as it is made once; load() adds the rest, each run."""
    now = clock.now()
    organisation = Organisation(name=ORGANISATION, time_zone=clock.DEFAULT_ZONE, daily_compensation=Decimal("9.00"))
    db.add(organisation)
    db.flush()
    coach = User(
        organisation_id=organisation.id,
        role=Role.coach,
        name="Sanna Virtanen",
        phone="040 123 4567",
        created_at=now,
    )
    db.add(coach)
    db.flush()
    library = tasks.make_tasks(db, organisation)
    for name, phone, workplace, language, hours, breaks, task_keys in CLIENTS:
        client = create_client(db, coach=coach, name=name, phone=phone, workplace=workplace, language=language)
        for weekday, day_hours in hours.items():
            schedule.set_weekday(db, client.id, weekday, day_hours, [schedule.BreakTime(*b) for b in breaks])
            for position, key in enumerate(task_keys, start=1):
                db.add(TaskAssignment(client_id=client.id, task_id=library[key].id, weekday=weekday, position=position))
        history.past_work_days(db, organisation, coach, client, hours)
    history.answers_over_weeks(db, organisation, CLIENTS[0][0])
    return organisation
