"""The demo's past: six weeks of work days in the register, twelve weeks of
Aino's answers to "How did today go?", and the coach's contacts of recent weeks."""

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.clock import wall_clock
from selko.day import attendance, schedule, self_assessment
from selko.models import AbsenceReason, Contact, ContactKind, Organisation, User
from selko.records import contacts


def past_work_days(db: Session, organisation: Organisation, coach: User, client: User, hours: dict) -> None:
    """Six weeks of past work days for the register and its monthly report:
    mostly present, a few absences with their reasons, a half day, a day the
    coach filled in, a day nobody recorded, and some answers."""
    zone = clock.zone(organisation.time_zone)
    today = clock.local_now(organisation).date()
    client.client_profile.started_on = today - timedelta(days=120)
    past_days = [today - timedelta(days=n) for n in range(1, 43) if (today - timedelta(days=n)).weekday() in hours]
    reasons = [AbsenceReason.ill, AbsenceReason.doctor, AbsenceReason.transport]
    first_name = client.name.split()[0]
    for index, day in enumerate(past_days):
        if not schedule.day_plan(db, client.id, day).works:
            continue  # a public holiday
        starts, ends = hours[day.weekday()]
        if index % 9 == 4:
            attendance.report_absence(db, client.id, day, reasons[index // 9 % 3], "")
            continue
        if first_name == "Leila" and index == 2:
            continue  # nothing recorded: the coach sees it in the register
        arrived = datetime.combine(day, starts, zone) - timedelta(minutes=(index * 7) % 11)
        left = datetime.combine(day, ends, zone) + timedelta(minutes=(index * 5) % 9)
        if first_name == "Mikko" and index == 6:
            left = arrived + timedelta(hours=1, minutes=30)  # went home ill: a half day
        attendance.arrive(db, client.id, day, at=arrived)
        if first_name == "Aino" and index == 3:
            # Forgot to press "going home": the coach filled it in the next day.
            attendance.correct(db, client.id, day, coach, arrived_at=arrived, left_at=datetime.combine(day, ends, zone))
            continue
        attendance.leave(db, client.id, day, at=left)
        if first_name == "Aino" and index < 4:
            answers = {area: 3 - (index + i) % 2 for i, area in enumerate(self_assessment.AREAS)}
            self_assessment.save(db, client.id, day, answers, wants_to_talk=index == 2)
    db.flush()


# Aino's answers by week, the oldest of the 12 weeks first: her mind gets
# better, the work tasks go well later, everyday life has a hard week, the
# people at work stay good. A week of None is her holiday: a gap in the chart.
ANSWER_WEEKS = {
    "energy": [2, 2, 2, None, 2, 2, 3, 2, 3, 3, 3, 3],
    "mind": [1, 1, 1, None, 1, 2, 2, 2, 2, 3, 3, 3],
    "skills": [2, 2, 2, None, 2, 2, 2, 3, 3, 3, 3, 3],
    "everyday": [2, 2, 3, None, 2, 1, 2, 2, 3, 2, 2, 3],
    "work": [3, 3, 3, None, 3, 3, 2, 3, 3, 3, 3, 3],
}


def answers_over_weeks(db: Session, organisation: Organisation, name: str) -> None:
    """ "How did today go?" on most of Aino's work days of the last 12 weeks,
    for the coach's chart and her own "mostly 🙂". Days she was away and
    today (hers to answer) are left alone; the few days past_work_days answered
    take this trend, and keep whether she wanted to talk."""
    client = db.scalar(select(User).where(User.organisation_id == organisation.id, User.name == name))
    today = clock.local_now(organisation).date()
    first = self_assessment.monday_of(today) - timedelta(weeks=self_assessment.WEEKS_SHOWN - 1)
    for number in range((today - first).days):
        day = first + timedelta(days=number)
        week = number // 7
        if ANSWER_WEEKS["mind"][week] is None or number % 6 == 5 or not schedule.day_plan(db, client.id, day).works:
            continue  # her holiday, a day she forgot, a day off
        day_record = attendance.for_day(db, client.id, day)
        if day_record and day_record.absence_reason:
            continue
        # One day in four is a little harder than her week.
        answers = {area: max(1, faces[week] - (number % 4 == 1)) for area, faces in ANSWER_WEEKS.items()}
        answered = self_assessment.for_day(db, client.id, day)
        wants_to_talk = answered.wants_to_talk if answered else answers["mind"] == 1 and number % 8 == 1
        self_assessment.save(db, client.id, day, answers, wants_to_talk)
    db.flush()


# Days ago, kind and note of Sanna's contacts with Aino and Mikko; Leila has
# none, so the board shows "No contact logged yet" for her.
CONTACTS = [
    [
        (3, ContactKind.call, "Kysyin, miten uudet vuorot sujuvat. Hyvin."),
        (12, ContactKind.visit, "Kävin kahvilassa. Esihenkilö kehui tiskausta."),
        (26, ContactKind.meeting, ""),
    ],
    [(9, ContactKind.message, "Muistutin perjantain lääkäriajasta."), (23, ContactKind.visit, "Varastolla uusi lajitteluhylly.")],
]


def contacts_in_recent_weeks(db: Session, organisation: Organisation, coach: User, clients: list[User]) -> None:
    """A few contacts in the last weeks; added again only once a client has
    had none for 30 days, so the log grows as it would."""
    today = clock.local_now(organisation).date()
    for client, made in zip(clients, CONTACTS):
        recent = db.scalar(select(Contact.id).where(Contact.client_id == client.id, Contact.date >= today - timedelta(days=contacts.CONTACT_DAYS)).limit(1))
        if recent is not None:
            continue
        for days_ago, kind, note in made:
            day = today - timedelta(days=days_ago)
            contact = contacts.log(db, client.id, coach, kind, day, note)
            contact.logged_at = wall_clock(day, time(15), organisation.time_zone)
