"""Demo data: one organisation, one coach, three clients with different days."""

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import clock
from selko.alarms import Kind, Status, messages, ring_now
from selko.alarms.planning import wall_clock
from selko.day import attendance, help_request, schedule, self_assessment
from selko.demo import photos as demo_photos
from selko.library import photos, voice
from selko.library.tasks import set_steps
from selko.models import (
    AbsenceReason,
    ActionKind,
    ActionOutcome,
    ClientAction,
    Contact,
    ContactKind,
    HelpRequest,
    Organisation,
    Role,
    ScheduleException,
    Task,
    TaskAssignment,
    User,
)
from selko.people import share
from selko.people.clients import create_client
from selko.records import contacts, work_diary

ORGANISATION = "Selko demo"

TASKS = {
    "dishes": (
        "Tiskaa astiat",
        "🍽️",
        [
            "Laita esiliina päälle.",
            "Kerää likaiset astiat.",
            "Huuhtele astiat.",
            "Laita astiat koneeseen.",
            "Paina vihreää nappia.",
        ],
    ),
    "tables": (
        "Pyyhi pöydät",
        "🧽",
        [
            "Ota liina ja suihkepullo.",
            "Suihkuta pöydälle.",
            "Pyyhi pöytä kuivaksi.",
            "Nosta tuolit paikalleen.",
        ],
    ),
    "coffee": (
        "Keitä kahvia",
        "☕",
        [
            "Laita suodatinpussi paikalleen.",
            "Mittaa kuusi mittaa kahvia.",
            "Kaada vesi keittimeen.",
            "Paina virtanappia.",
        ],
    ),
    "parcels": (
        "Lajittele paketit",
        "📦",
        [
            "Ota paketti hyllystä.",
            "Katso postinumero.",
            "Laita paketti oikeaan laatikkoon.",
        ],
    ),
    "floor": (
        "Lakaise lattia",
        "🧹",
        [
            "Ota harja ja rikkalapio.",
            "Lakaise lattia ovelta alkaen.",
            "Vie roskat roskikseen.",
        ],
    ),
    "prices": (
        "Hinnoittele vaatteet",
        "🏷️",
        [
            "Ota vaate korista.",
            "Katso hintalistasta hinta.",
            "Kiinnitä hintalappu hihaan.",
            "Ripusta vaate rekkiin.",
        ],
    ),
}

# Ready-made tasks in the library for every coach to give or copy: each step
# with its picture, for a client who sees one step at a time.
EXAMPLE_TASKS = {
    "shelf": (
        "Täytä hylly",
        "🛒",
        [
            ("📦", "Hae tuotteet varastosta."),
            ("🏷️", "Katso hyllyn hintalappu."),
            ("👉", "Siirrä vanhat tuotteet eteen."),
            ("🛒", "Laita uudet tuotteet taakse."),
            ("♻️", "Vie tyhjä laatikko pois."),
        ],
    ),
    "rubbish": (
        "Vie roskat",
        "🗑️",
        [
            ("🧤", "Laita hanskat käteen."),
            ("🗑️", "Sido pussi kiinni."),
            ("🚪", "Vie pussi ulos roskikseen."),
            ("🛍️", "Laita uusi pussi astiaan."),
            ("🧼", "Pese kädet."),
        ],
    ),
    "order": (
        "Pakkaa paketti",
        "📦",
        [
            ("📄", "Lue lappu."),
            ("🔎", "Hae tavarat hyllystä."),
            ("📦", "Laita tavarat laatikkoon."),
            ("🩹", "Sulje laatikko teipillä."),
            ("🏷️", "Liimaa osoite laatikon päälle."),
            ("🚪", "Vie laatikko oven viereen."),
        ],
    ),
    "toilet": (
        "Siivoa vessa",
        "🚽",
        [
            ("🧤", "Laita hanskat käteen."),
            ("🚰", "Pese allas."),
            ("🚽", "Pese pönttö harjalla."),
            ("🧻", "Laita uusi paperi paikalleen."),
            ("🧹", "Pyyhi lattia."),
        ],
    ),
}

# A task in the library still to be made plain: one step in the passive, so
# the demo's task page shows the selko check's suggestion under the steps.
TASK_TO_IMPROVE = (
    "Puhdista kahvinkeitin",
    "☕",
    [
        "Kaada vettä ja etikkaa keittimeen.",
        "Keitin käynnistetään.",
        "Kaada vesi pois.",
        "Huuhtele kannu vedellä.",
    ],
)

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


def family_link(db: Session, coach: User, client: User) -> str:
    """A fresh share for "Äiti" each run: only its hash is kept, so the old link cannot be printed again."""
    for old in share.active(db, client.id):
        share.stop(old)
    return share.create(db, client, name="Äiti", created_by=coach)


def load(db: Session) -> tuple[User, User]:
    """Create the demo once; later runs find it. Returns the coach and the first client."""
    organisation = db.scalar(select(Organisation).where(Organisation.name == ORGANISATION))
    if organisation is None:
        organisation = _create(db)
    coach = db.scalar(select(User).where(User.organisation_id == organisation.id, User.role == Role.coach))
    clients = db.scalars(select(User).where(User.organisation_id == organisation.id, User.role == Role.client).order_by(User.id)).all()
    _make_today_a_work_day(db, organisation, clients[0])
    _check_in_from_a_basement(db, organisation, clients[1])
    _help_today(db, organisation, coach, clients)
    _messages_today(db, organisation, clients[0])
    _a_day_off_this_week(db, organisation, clients[0])
    _left_early_today(db, organisation, clients[2])
    _diary(db, organisation, coach, clients[0])
    _contacts_in_recent_weeks(db, organisation, coach, clients)
    _examples_and_one_step(db, organisation, clients[1])
    _a_task_to_improve(db, organisation)
    _photos(db, organisation)
    _coach_voices(db, organisation)
    return coach, clients[0]


def _photos(db: Session, organisation: Organisation) -> None:
    """A drawn photo for every step that has none, and the first one's for its
    task: added once, also to a demo made before photos."""
    scenes = list(demo_photos.SCENES)
    for task in db.scalars(select(Task).where(Task.organisation_id == organisation.id).order_by(Task.id)):
        for step in task.steps:
            if step.photo is None and step.text in demo_photos.SCENES:
                photos.attach(db, step, demo_photos.scene(step.text, scenes.index(step.text)), effort=0)
        if task.photo is None and task.steps and task.steps[0].photo:
            task.photo = task.steps[0].photo


VOICED_TASK, VOICED_STEPS = "dishes", 2


def _coach_voices(db: Session, organisation: Organisation) -> None:
    """Sanna's voice on the first steps of the dishes (Aino's first task
    today): made-up chimes, made here, so the demo needs no download."""
    title = TASKS[VOICED_TASK][0]
    task = db.scalar(select(Task).where(Task.organisation_id == organisation.id, Task.title == title).order_by(Task.id))
    for number, step in enumerate(task.steps[:VOICED_STEPS], start=1):
        if step.voice is None:
            voice.attach(db, step, voice.chime(1.0 + number, "webm"))
    db.flush()


def _examples_and_one_step(db: Session, organisation: Organisation, client: User) -> None:
    """The example tasks in the library, and Mikko's steps one at a time:
    added once, also to a demo made before them."""
    titles = set(db.scalars(select(Task.title).where(Task.organisation_id == organisation.id)))
    if EXAMPLE_TASKS["shelf"][0] in titles:
        return
    for title, emoji, steps in EXAMPLE_TASKS.values():
        task = Task(organisation_id=organisation.id, title=title, emoji=emoji)
        db.add(task)
        set_steps(db, task, [text for _, text in steps])
        for step, (picture, _) in zip(task.steps, steps):
            step.emoji = picture
    client.client_profile.one_step_at_a_time = True
    db.flush()


def _a_task_to_improve(db: Session, organisation: Organisation) -> None:
    """Added once, also to a demo made before it."""
    title, emoji, steps = TASK_TO_IMPROVE
    if db.scalar(select(Task.id).where(Task.organisation_id == organisation.id, Task.title == title)) is not None:
        return
    task = Task(organisation_id=organisation.id, title=title, emoji=emoji)
    db.add(task)
    set_steps(db, task, steps)
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


def _contacts_in_recent_weeks(db: Session, organisation: Organisation, coach: User, clients: list[User]) -> None:
    """A few contacts in the last weeks; added again only once a client has
    had none for 30 days, so the log grows as it would."""
    today = schedule.local_now(organisation).date()
    for client, made in zip(clients, CONTACTS):
        recent = db.scalar(select(Contact.id).where(Contact.client_id == client.id, Contact.date >= today - timedelta(days=contacts.CONTACT_DAYS)).limit(1))
        if recent is not None:
            continue
        for days_ago, kind, note in made:
            day = today - timedelta(days=days_ago)
            contact = contacts.log(db, client.id, coach, kind, day, note)
            contact.logged_at = wall_clock(day, time(15), organisation.time_zone)


def _left_early_today(db: Session, organisation: Organisation, client: User) -> None:
    """Leila came at the start and went home an hour ago, hours before the end:
    the board flags it."""
    now = clock.now()
    today = schedule.local_now(organisation).date()
    if attendance.for_day(db, client.id, today) is not None:
        return
    midnight = wall_clock(today, time(0), organisation.time_zone)
    arrived = max(now - timedelta(hours=2), midnight)
    left = max(now - timedelta(hours=1), arrived)
    local = arrived.astimezone(ZoneInfo(organisation.time_zone))
    later = now.astimezone(ZoneInfo(organisation.time_zone)) + timedelta(hours=3)
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


def _a_day_off_this_week(db: Session, organisation: Organisation, client: User) -> None:
    """The day after tomorrow the café is closed: Aino's week shows it with Sanna's note."""
    day = schedule.local_now(organisation).date() + timedelta(days=2)
    if db.scalar(select(ScheduleException).where(ScheduleException.client_id == client.id, ScheduleException.date == day)):
        return
    db.add(ScheduleException(client_id=client.id, date=day, day_off=True, note="Kahvilassa on inventaario. Ei töitä."))
    db.flush()


def _messages_today(db: Session, organisation: Organisation, client: User) -> None:
    """Sanna's messages to Aino this morning: one rang and was seen, one waits on Today."""
    today = schedule.local_now(organisation).date()
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


def _help_today(db: Session, organisation: Organisation, coach: User, clients: list[User]) -> None:
    """Aino was stuck a moment ago and Sanna has seen it ("Työvalmentaja
    tietää" on Aino's phone); Mikko's request is open, on top of the board."""
    now = clock.now()
    today = schedule.local_now(organisation).date()
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


def _create(db: Session) -> Organisation:
    now = clock.now()
    organisation = Organisation(name=ORGANISATION, time_zone="Europe/Helsinki", daily_compensation=Decimal("9.00"))
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
    tasks = {}
    for key, (title, emoji, steps) in TASKS.items():
        task = Task(organisation_id=organisation.id, title=title, emoji=emoji)
        db.add(task)
        set_steps(db, task, steps)
        tasks[key] = task
    db.flush()
    for name, phone, workplace, language, hours, breaks, task_keys in CLIENTS:
        client = create_client(db, coach=coach, name=name, phone=phone, workplace=workplace, language=language)
        for weekday, day_hours in hours.items():
            schedule.set_weekday(db, client.id, weekday, day_hours, [schedule.BreakTime(*b) for b in breaks])
            for position, key in enumerate(task_keys, start=1):
                db.add(TaskAssignment(client_id=client.id, task_id=tasks[key].id, weekday=weekday, position=position))
        _history(db, organisation, coach, client, hours)
    _answers_over_weeks(db, organisation, CLIENTS[0][0])
    return organisation


def _history(db: Session, organisation: Organisation, coach: User, client: User, hours: dict) -> None:
    """Six weeks of past work days for the register and its monthly report:
    mostly present, a few absences with their reasons, a half day, a day the
    coach filled in, a day nobody recorded, and some answers."""
    zone = ZoneInfo(organisation.time_zone)
    today = schedule.local_now(organisation).date()
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


def _answers_over_weeks(db: Session, organisation: Organisation, name: str) -> None:
    """ "How did today go?" on most of Aino's work days of the last 12 weeks,
    for the coach's chart and her own "mostly 🙂". Days she was away and
    today (hers to answer) are left alone; the few days _history answered
    take this trend, and keep whether she wanted to talk."""
    client = db.scalar(select(User).where(User.organisation_id == organisation.id, User.name == name))
    today = schedule.local_now(organisation).date()
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


def _diary(db: Session, organisation: Organisation, coach: User, client: User) -> None:
    """Sanna's work diary for Aino: notes of past days, and today's shown to Aino."""
    today = schedule.local_now(organisation).date()
    if work_diary.for_day(db, client.id, today) is not None:
        return
    work_diary.write(db, client.id, today - timedelta(days=7), "Astiakone oli rikki. Aino pesi astiat käsin ja jaksoi hyvin.", False, coach)
    work_diary.write(db, client.id, today - timedelta(days=1), "Puhuttiin tauoista. Aino haluaa pitää kahvitauon ajallaan.", False, coach)
    work_diary.write(db, client.id, today, "Hienoa, että tulit ajoissa. Muista hanskat tiskatessa.", True, coach)
    db.flush()


def _make_today_a_work_day(db: Session, organisation: Organisation, client: User, starts=time(8), ends=time(14)) -> None:
    """The demo should show a work day even on a weekend."""
    today = schedule.local_now(organisation).date()
    if schedule.day_plan(db, client.id, today).works:
        return
    db.add(ScheduleException(client_id=client.id, date=today, starts=starts, ends=ends, note="Tänään on ylimääräinen työpäivä."))
    db.flush()


def _check_in_from_a_basement(db: Session, organisation: Organisation, client: User) -> None:
    """Today's check-in, pressed with no network and sent 38 minutes later:
    the coach's board shows both times."""
    now = clock.now()
    today = schedule.local_now(organisation).date()
    if attendance.for_day(db, client.id, today) is not None:
        return
    zone = ZoneInfo(organisation.time_zone)
    pressed = max(now - timedelta(minutes=40), wall_clock(today, time(0), organisation.time_zone))
    local = pressed.astimezone(zone)
    later = now.astimezone(zone) + timedelta(hours=4)
    _make_today_a_work_day(
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
