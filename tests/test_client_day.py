"""The client's day on the phone: today, check-in, tasks, help, how today went."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import event, select

from selko.alarms import Kind
from selko.day import help_request, schedule, self_assessment, tasks
from selko.day.attendance import arrive
from selko.models import (
    AbsenceReason,
    Attendance,
    HelpRequest,
    ScheduleException,
    SelfAssessment,
    StepTick,
    User,
)
from selko.records import work_diary
from tests.conftest import HELSINKI, html_of, visible_text

DAY = "2026-11-23"


@pytest.fixture
def aino(make):
    coach = make.coach(name="Sanna Coach", phone="040 123 4567")
    return make.client(
        coach=coach,
        name="Aino",
        language="en",
        breaks=((time(10), time(10, 15), "Coffee break"), (time(11, 30), time(12), "Lunch")),
    )


@pytest.fixture
def phone(web, sign_in, aino):
    return sign_in(web, aino)


def attendance(session, client) -> Attendance | None:
    session.expire_all()
    return session.scalar(select(Attendance).where(Attendance.client_id == client.id))


def test_today_says_the_day_hours_and_what_comes_next(phone):
    response = phone.get("/")
    page = visible_text(response)
    assert "Today is Monday 23 November" in page
    assert "Work starts at 8:00." in page
    assert "Work ends at 14:00." in page
    assert "Next: Coffee break starts at 10:00." in page
    assert "Your next break starts in 30 minutes." in page
    # The time bar is drawn from its attributes: 30 of the 120 minutes since work started.
    assert 'max="120" value="30"' in html_of(response)


def test_a_break_more_than_an_hour_away_is_told_by_the_clock(phone, now):
    now.set(datetime(2026, 11, 23, 8, 30, tzinfo=HELSINKI))
    assert "Your next break starts at 10:00." in visible_text(phone.get("/"))


def test_today_during_a_break_shows_the_time_left_of_it(phone, now):
    now.set(datetime(2026, 11, 23, 10, 5, tzinfo=HELSINKI))
    response = phone.get("/")
    page = visible_text(response)
    assert "You are on a break." in page
    assert "The break ends in 10 minutes." in page
    assert 'max="15" value="10"' in html_of(response), "the time bar"
    assert "Coffee break ends at 10:15." in page


def test_today_in_finnish_speaks_of_a_day_off(make, web, sign_in):
    client = make.client(language="fi", works=[1, 2])
    sign_in(web, client)
    response = web.get("/")
    assert '<html lang="fi">' in html_of(response)
    assert "maanantai 23.11." in visible_text(response)
    assert 'action="/arrive"' not in html_of(response), "no check-in on a day off, not even a hidden one"


def test_every_client_page_shows_how_to_call_the_coach(phone, make, aino, session):
    task = make.task(organisation_id=aino.organisation_id)
    assignment = make.assignment(client=aino, task=task)
    for url in ["/", "/tasks", f"/tasks/{assignment.id}", "/absent", "/today-went", "/help"]:
        response = phone.get(url)
        assert "Your coach is Sanna Coach." in visible_text(response), url
        # The call and message links, and the help form: markup.
        page = html_of(response)
        assert 'href="tel:0401234567"' in page, url
        assert 'href="sms:0401234567"' in page, url
        assert 'action="/help"' in page, url


def test_checking_in_records_the_time_once(phone, aino, session, now):
    response = phone.post("/arrive", {"day": DAY})
    assert response.status_code == 303
    assert "You came to work at 9:30." in visible_text(phone.get("/"))
    now.set(now.value + timedelta(minutes=20))
    phone.post("/arrive", {"day": DAY})
    record = attendance(session, aino)
    assert record.arrived_at == datetime(2026, 11, 23, 9, 30, tzinfo=HELSINKI)


def test_going_home_records_the_time(phone, aino, session, now):
    phone.post("/arrive", {"day": DAY})
    now.set(datetime(2026, 11, 23, 14, 2, tzinfo=HELSINKI))
    phone.post("/leave", {"day": DAY, "sure": "1"})
    assert attendance(session, aino).left_at == datetime(2026, 11, 23, 14, 2, tzinfo=HELSINKI)
    assert "You went home at 14:02." in visible_text(phone.get("/"))


def test_going_home_without_checking_in_changes_nothing(phone, aino, session):
    phone.post("/leave", {"day": DAY, "sure": "1"})
    assert attendance(session, aino) is None


def test_htmx_check_in_answers_with_the_check_in_block_only(phone):
    response = phone.post("/arrive", {"day": DAY}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = html_of(response)
    assert body.lstrip().startswith('<section class="block check-in" id="check-in"')
    assert "<html" not in body
    assert "You came to work at 9:30." in visible_text(response)


def test_reporting_absent_with_a_reason_and_text(phone, aino, session):
    page = html_of(phone.get("/absent"))
    for reason in AbsenceReason:  # a picture button for each
        assert f'value="{reason.value}"' in page
    response = phone.post("/absent", {"day": DAY, "reason": "transport", "note": "The bus did not come."})
    assert response.status_code == 303
    record = attendance(session, aino)
    assert record.absence_reason == AbsenceReason.transport
    assert record.absence_note == "The bus did not come."
    assert "You are not coming today." in visible_text(phone.get("/"))


def test_absent_without_a_reason_says_what_is_missing_and_saves_nothing(phone, aino, session):
    response = phone.post("/absent", {"day": DAY, "note": "I am tired"})
    assert response.status_code == 400
    assert "Choose one picture." in visible_text(response)
    assert "I am tired" in visible_text(response), "what the client wrote is kept"
    assert attendance(session, aino) is None


def test_coming_after_all_replaces_the_absence(phone, aino, session):
    phone.post("/absent", {"day": DAY, "reason": "ill"})
    phone.post("/arrive", {"day": DAY})
    record = attendance(session, aino)
    assert record.absence_reason is None
    assert record.arrived_at is not None


def test_tasks_come_in_order_with_progress(phone, make, aino):
    first = make.task(organisation_id=aino.organisation_id, title="Wash the dishes", emoji="🍽️")
    second = make.task(organisation_id=aino.organisation_id, title="Wipe the tables", emoji="🧽")
    make.assignment(client=aino, task=second, position=2)
    make.assignment(client=aino, task=first, position=1)
    make.assignment(client=aino, task=second, weekday=1, position=1)
    page = visible_text(phone.get("/tasks"))
    assert page.index("Wash the dishes") < page.index("Wipe the tables")
    assert page.count("Wipe the tables") == 1, "Tuesday's task is not on Monday"
    assert "Steps done: 0" in page and "All steps: 3." in page


def test_ticking_every_step_finishes_the_task(phone, make, aino, session):
    task = make.task(organisation_id=aino.organisation_id)
    assignment = make.assignment(client=aino, task=task)
    steps = task.steps
    for step in steps[:2]:
        response = phone.post(f"/tasks/{assignment.id}/steps/{step.id}", {"day": DAY, "done": "1"})
        assert response.status_code == 303
    page = visible_text(phone.get(f"/tasks/{assignment.id}"))
    assert "Steps done: 2" in page and "All steps: 3." in page
    assert "Well done!" not in page
    response = phone.post(f"/tasks/{assignment.id}/steps/{steps[2].id}", {"day": DAY, "done": "1"}, headers={"HX-Request": "true"})
    assert "<html" not in html_of(response)
    assert "Steps done: 3" in visible_text(response) and "All steps: 3." in visible_text(response)
    assert "Well done! The task is ready." in visible_text(response)
    assert "Ready" in visible_text(phone.get("/tasks"))


def test_unticking_a_step(phone, make, aino, session):
    task = make.task(organisation_id=aino.organisation_id)
    assignment = make.assignment(client=aino, task=task)
    step = task.steps[0]
    phone.post(f"/tasks/{assignment.id}/steps/{step.id}", {"day": DAY, "done": "1"})
    phone.post(f"/tasks/{assignment.id}/steps/{step.id}", {"day": DAY, "done": "0"})
    session.expire_all()
    assert session.scalars(select(StepTick)).all() == []


def test_ticks_belong_to_one_day(phone, make, aino, session, now):
    task = make.task(organisation_id=aino.organisation_id)
    monday = make.assignment(client=aino, task=task, weekday=0)
    make.assignment(client=aino, task=task, weekday=0 + 7 - 7)  # same task twice is allowed
    phone.post(f"/tasks/{monday.id}/steps/{task.steps[0].id}", {"day": DAY, "done": "1"})
    now.set(now.value + timedelta(days=7))
    seen = visible_text(phone.get(f"/tasks/{monday.id}"))
    assert "Steps done: 0" in seen and "All steps: 3." in seen, "next Monday starts fresh"


def test_help_inside_a_task_tells_the_coach_which_step(phone, make, aino, session, client_factory, sign_in):
    task = make.task(organisation_id=aino.organisation_id, title="Wash the dishes")
    assignment = make.assignment(client=aino, task=task)
    phone.post(f"/tasks/{assignment.id}/steps/{task.steps[0].id}", {"day": DAY, "done": "1"})
    phone.post(f"/tasks/{assignment.id}/steps/{task.steps[1].id}", {"day": DAY, "done": "1"})
    response = phone.post("/help", {"task": str(assignment.id)})
    assert response.status_code == 303
    assert "Your coach got your message." in visible_text(phone.get(response.headers["Location"]))
    session.expire_all()
    request = session.scalar(select(HelpRequest))
    assert (request.task_id, request.step_position) == (task.id, 3)

    coach = session.get(User, aino.client_profile.coach_id)
    coach.language = "en"
    session.commit()
    board = visible_text(sign_in(client_factory(), coach).get("/coach/"))
    assert "Stuck on step 3 of Wash the dishes." in board


def test_help_from_today_needs_no_task(phone, session):
    response = phone.post("/help", headers={"HX-Request": "true"})
    assert "Your coach got your message." in visible_text(response)
    session.expire_all()
    assert session.scalar(select(HelpRequest)).task_id is None


def test_answering_how_today_went(phone, aino, session):
    answers = {"energy": "3", "mind": "2", "skills": "3", "everyday": "1", "work": "3", "talk": "1", "day": DAY}
    response = phone.post("/today-went", answers)
    assert response.status_code == 303
    assert "Thank you!" in visible_text(phone.get(response.headers["Location"]))
    session.expire_all()
    saved = session.scalar(select(SelfAssessment))
    assert (saved.energy, saved.mind, saved.skills, saved.everyday, saved.work) == (3, 2, 3, 1, 3)
    assert saved.wants_to_talk
    page = html_of(phone.get("/today-went"))
    assert 'name="everyday" value="1" checked' in page, "the form shows today's answers: which face is chosen"


def test_a_missing_face_keeps_the_answers_and_saves_nothing(phone, session):
    response = phone.post("/today-went", {"energy": "3", "mind": "2", "day": DAY})
    assert response.status_code == 400
    assert "Choose one face for every question." in visible_text(response)
    assert 'name="energy" value="3" checked' in html_of(response), "the chosen face stays chosen"
    session.expire_all()
    assert session.scalar(select(SelfAssessment)) is None


def test_the_language_choice_is_kept_for_the_client(phone, aino, session, client_factory):
    phone.post("/language", {"language": "sv"})
    session.expire_all()
    assert session.get(User, aino.id).language == "sv"
    assert '<html lang="sv">' in html_of(phone.get("/"))


def test_an_unknown_language_is_refused(phone, aino, session):
    response = phone.post("/language", {"language": "xx"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, aino.id).language == "en"


def statements_for_today(app, phone) -> tuple[int, str]:
    """The SQL statements one Today sends, after a first Today (which may
    renew the phone's session), and the words on the page."""
    assert phone.get("/").status_code == 200
    sent = []
    count = lambda conn, cursor, statement, *args: sent.append(statement)  # noqa: E731
    engine = app.extensions["selko.engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = phone.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(sent), visible_text(response)


def a_busy_month(make, session, aino, now):
    """Eleven more tasks today with eight steps each and some ticked, three
    breaks, a month of history (check-ins, answers, notes, ticks, help,
    messages), four weeks of exceptions ahead, and twenty more clients with
    their own days in the organisation."""
    today = now.value.date()
    schedule.set_weekday(
        session,
        aino.id,
        0,
        (time(8), time(16)),
        [
            schedule.BreakTime(time(10), time(10, 15), "Coffee break"),
            schedule.BreakTime(time(11, 30), time(12), "Lunch"),
            schedule.BreakTime(time(14), time(14, 15), "Coffee break"),
        ],
    )
    for n in range(2, 13):
        task = make.task(organisation_id=aino.organisation_id, title=f"Task {n}", steps=[f"Step {s}." for s in range(1, 9)])
        make.assignment(client=aino, task=task, position=n)
        for day in (today - timedelta(days=d) for d in range(0, 29, 7)):
            tasks.set_tick(session, aino.id, day, task.steps[0], True)
    for others in range(20):
        other = make.client(coach=aino.client_profile.coach, name=f"Other {others}")
        arrive(session, other.id, today)
        help_request.ask(session, other.id)
    for days_ago in range(30):
        day = today - timedelta(days=days_ago)
        at = datetime.combine(day, time(8), HELSINKI)
        arrive(session, aino.id, day, at=at)
        self_assessment.save(session, aino.id, day, dict.fromkeys(self_assessment.AREAS, 3), days_ago % 2 == 0, at=at)
        work_diary.write(session, aino.id, day, f"Note {days_ago}", True, aino.client_profile.coach)
        help_request.ask(session, aino.id, at=at)
        make.reminder(client=aino, kind=Kind.coach, due_at=at, text=f"Message {days_ago}")
    for days_ahead in range(1, 29, 3):
        session.add(ScheduleException(client_id=aino.id, date=today + timedelta(days=days_ahead), day_off=True, note="Away"))
    session.commit()


def test_today_sends_at_most_six_statements_and_as_many_for_twelve_tasks_and_a_month_as_for_one(app, make, session, phone, aino, now):
    task = make.task(organisation_id=aino.organisation_id, title="Task 1")
    make.assignment(client=aino, task=task, position=1)
    few, page = statements_for_today(app, phone)
    assert "All tasks: 1." in page
    a_busy_month(make, session, aino, now)
    many, page = statements_for_today(app, phone)
    assert "All tasks: 12." in page and "Message 0" in page
    assert many == few, f"Today sent {few} statements for one task, {many} for twelve and a month of history"
    assert few <= 6, f"Today sent {few} statements"
