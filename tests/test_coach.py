"""The coach: today board, clients, schedules, the task library."""

import re
from datetime import datetime, time

import pytest
from sqlalchemy import select

from selko.models import (
    Break,
    ClientProfile,
    ScheduleException,
    Task,
    TaskAssignment,
    User,
    WorkDay,
)
from tests.conftest import HELSINKI, html_of, visible_text

DAY = "2026-11-23"


@pytest.fixture
def coach(make):
    return make.coach(name="Sanna", language="en")


@pytest.fixture
def desk(web, sign_in, coach):
    return sign_in(web, coach)


def test_the_board_shows_each_clients_day(make, coach, desk, client_factory, sign_in, now):
    arrived = make.client(coach=coach, name="Arto Arrived")
    absent = make.client(coach=coach, name="Bea Absent")
    make.client(coach=coach, name="Cai Late")
    make.client(coach=coach, name="Dan Later", hours=(time(12), time(16)), breaks=())
    make.client(coach=coach, name="Eve Off", works=[2])
    helper = make.client(coach=coach, name="Zoe Help")
    now.set(datetime(2026, 11, 23, 8, 5, tzinfo=HELSINKI))
    sign_in(client_factory(), arrived).post("/arrive", {"day": DAY})
    sign_in(client_factory(), absent).post("/absent", {"day": DAY, "reason": "doctor", "note": "Dentist"})
    zoe = sign_in(client_factory(), helper)
    zoe.post("/today-went", {"energy": "1", "mind": "1", "skills": "2", "everyday": "3", "work": "3", "talk": "1", "day": DAY})
    zoe.post("/help")
    now.set(datetime(2026, 11, 23, 9, 0, tzinfo=HELSINKI))

    response = desk.get("/coach/")
    # Each client's row is headed by a link to the client.
    names = re.findall(r'<h2><a href="/coach/clients/\d+">([^<]+)</a></h2>', html_of(response))
    assert names[0] == "Zoe Help", "help requests come first"
    assert names[1] == "Cai Late", "then clients late for work"
    assert html_of(response).count("is-late") == 2, "Cai and Zoe are marked late: they have not checked in although work started"
    board = visible_text(response)
    assert "At work since 8:05" in board
    assert "Absent: I go to the doctor" in board and "Dentist" in board
    assert "Not yet at work. Work started at 8:00." in board
    assert "Not yet. Work starts at 12:00." in board
    assert "Day off" in board
    assert "Asks for help" in board
    assert "Wants to talk with you." in board


def test_a_handled_help_request_leaves_the_top(make, coach, desk, client_factory, sign_in):
    client = make.client(coach=coach, name="Zoe")
    sign_in(client_factory(), client).post("/help")
    board = html_of(desk.get("/coach/"))
    request_id = re.search(r"/coach/help/(\d+)/handled", board).group(1)  # the button's form
    assert desk.post(f"/coach/help/{request_id}/handled").status_code == 303
    assert "Asks for help" not in visible_text(desk.get("/coach/"))


def test_the_board_refreshes_itself_with_htmx(coach, desk):
    response = desk.get("/coach/", headers={"HX-Request": "true"})
    assert html_of(response).lstrip().startswith('<div id="board"')
    assert 'hx-trigger="every 30s"' in html_of(response)


def test_creating_a_client(coach, desk, session):
    response = desk.post("/coach/clients/new", {"name": "Uusi Asiakas", "phone": "040 555 6666", "workplace": "Kahvila", "language": "sv"})
    assert response.status_code == 303
    session.expire_all()
    client = session.scalar(select(User).where(User.name == "Uusi Asiakas"))
    assert (client.phone, client.language) == ("040 555 6666", "sv")
    assert session.get(ClientProfile, client.id).coach_id == coach.id
    assert response.headers["Location"] == f"/coach/clients/{client.id}"


def test_a_client_needs_a_name_and_a_real_phone_number(coach, desk, session):
    response = desk.post("/coach/clients/new", {"name": "", "phone": "call me", "language": "fi"})
    assert response.status_code == 400
    assert "Give the client's name." in visible_text(response)
    assert "Write the phone number with digits" in visible_text(response)
    assert 'value="call me"' in html_of(response), "what was typed stays in the field"
    session.expire_all()
    assert session.scalars(select(User).where(User.role == "client")).all() == []


def test_connecting_a_phone_shows_a_qr_code_of_a_fifteen_minute_link(make, coach, desk, client_factory):
    client = make.client(coach=coach)
    response = desk.post(f"/coach/clients/{client.id}/connect")
    page = html_of(response)
    link = re.search(r'<a href="([^"]+)" data-sign-in-link>', page).group(1)
    assert link.startswith("http://localhost/signin/")
    assert "<svg" in page and "QR code of the sign-in link" in page, "the code, named in its <title> for a screen reader"
    assert "for 15 minutes" in visible_text(response)
    phone = client_factory()
    assert phone.post(link.removeprefix("http://localhost")).status_code == 303
    assert phone.get("/").status_code == 200


def test_editing_a_weekday_with_breaks(make, coach, desk, session):
    client = make.client(coach=coach, works=[])
    response = desk.post(
        f"/coach/clients/{client.id}/schedule/2",
        {
            "works": "1",
            "starts": "8.30",
            "ends": "15:00",
            "break0_name": "Coffee",
            "break0_starts": "10",
            "break0_ends": "10.15",
            "break1_starts": "12.00",
            "break1_ends": "12.30",
        },
    )
    assert response.status_code == 303
    session.expire_all()
    day = session.scalar(select(WorkDay).where(WorkDay.client_id == client.id))
    assert (day.weekday, day.starts, day.ends) == (2, time(8, 30), time(15))
    breaks = session.scalars(select(Break).where(Break.client_id == client.id).order_by(Break.starts)).all()
    assert [(b.starts, b.ends, b.name) for b in breaks] == [(time(10), time(10, 15), "Coffee"), (time(12), time(12, 30), "")]
    assert "8:30–15:00" in visible_text(desk.get(f"/coach/clients/{client.id}/schedule"))


def test_taking_away_a_work_day(make, coach, desk, session):
    client = make.client(coach=coach)
    desk.post(f"/coach/clients/{client.id}/schedule/0", {"works": ""})
    session.expire_all()
    assert session.scalar(select(WorkDay).where(WorkDay.client_id == client.id, WorkDay.weekday == 0)) is None
    assert session.scalar(select(Break).where(Break.client_id == client.id, Break.weekday == 0)) is None


@pytest.mark.parametrize(
    "form, message",
    [
        ({"starts": "15", "ends": "8"}, "Work must end after it starts."),
        ({"starts": "8", "ends": "half past three"}, "Write times like 8.00 or 14.30."),
        ({"starts": "25.00", "ends": "26"}, "Write times like 8.00 or 14.30."),
        ({"starts": "8", "ends": "12", "break0_starts": "11.30", "break0_ends": "12.30"}, "Breaks must be inside work hours"),
        ({"starts": "8", "ends": "12", "break0_starts": "10", "break0_ends": "10.30", "break1_starts": "10.15", "break1_ends": "10.45"}, "must not overlap"),
    ],
)
def test_a_wrong_schedule_says_what_is_wrong_and_changes_nothing(make, coach, desk, session, form, message):
    client = make.client(coach=coach)
    response = desk.post(f"/coach/clients/{client.id}/schedule/0", {"works": "1", **form})
    assert response.status_code == 400
    assert message in visible_text(response)
    session.expire_all()
    day = session.scalar(select(WorkDay).where(WorkDay.client_id == client.id, WorkDay.weekday == 0))
    assert (day.starts, day.ends) == (time(8), time(14))


def test_an_unknown_weekday_is_not_found(make, coach, desk):
    client = make.client(coach=coach)
    assert desk.get(f"/coach/clients/{client.id}/schedule/7").status_code == 404


def test_a_date_exception_changes_that_day_only(make, coach, desk, session, client_factory, sign_in):
    client = make.client(coach=coach, language="en")
    response = desk.post(f"/coach/clients/{client.id}/exceptions", {"date": DAY, "kind": "off", "note": "Workplace closed"})
    assert response.status_code == 303
    page = visible_text(sign_in(client_factory(), client).get("/"))
    assert "You have a day off today." in page
    assert "Workplace closed" in page
    session.expire_all()
    exception = session.scalar(select(ScheduleException))
    desk.post(f"/coach/clients/{client.id}/exceptions/{exception.id}/delete")
    session.expire_all()
    assert session.scalar(select(ScheduleException)) is None


def test_a_date_exception_with_other_hours(make, coach, desk, client_factory, sign_in):
    client = make.client(coach=coach, language="en")
    desk.post(f"/coach/clients/{client.id}/exceptions", {"date": DAY, "kind": "hours", "starts": "12", "ends": "16"})
    page = visible_text(sign_in(client_factory(), client).get("/"))
    assert "Work starts at 12:00." in page
    assert "Coffee" not in page, "the 10.00 break is outside the day's hours"


@pytest.mark.parametrize(
    "form, field, words",
    [
        ({"date": "31.2.2026", "kind": "off"}, "exc-date", "Give the date as a date."),
        # The form's one date reader: a date input sends 2026-12-01, never 20261201.
        ({"date": "20261201", "kind": "off"}, "exc-date", "Give the date as a date."),
        ({"date": "0001-12-01", "kind": "off"}, "exc-date", "Give the date as a date."),
        ({"date": DAY, "kind": "hours", "starts": "16", "ends": "12"}, "exc-ends", "Work must end after it starts."),
        ({"date": DAY, "kind": "hours", "starts": "8.99", "ends": "12"}, "exc-starts", "Write times like 8.00 or 14.30."),
    ],
)
def test_a_bad_date_exception_says_why_at_its_field_and_is_refused(make, coach, desk, session, form, field, words):
    client = make.client(coach=coach)
    response = desk.post(f"/coach/clients/{client.id}/exceptions", form)
    assert response.status_code == 400
    html = html_of(response)  # the title and the summary's link to the field
    assert "<title>Error: " in html
    assert f'<a href="#{field}">{words}</a>' in html, "the summary links to the field"
    assert f"Error: {words}" in visible_text(response), "and the field says it"
    session.expire_all()
    assert session.scalar(select(ScheduleException)) is None


def test_writing_a_task_with_steps(coach, desk, session):
    response = desk.post("/coach/tasks/new", {"title": "Wash the dishes", "emoji": "🍽️", "steps": "Put on the apron.\n\nRinse.\r\nFill the machine.\n"})
    assert response.status_code == 303
    session.expire_all()
    task = session.scalar(select(Task))
    assert [s.text for s in task.steps] == ["Put on the apron.", "Rinse.", "Fill the machine."]
    assert [s.position for s in task.steps] == [1, 2, 3]


def test_editing_steps_keeps_todays_ticks_on_the_steps_that_stay(make, coach, desk, session, client_factory, sign_in):
    client = make.client(coach=coach, language="en")
    task = make.task(organisation_id=coach.organisation_id, steps=("One.", "Two.", "Three."))
    assignment = make.assignment(client=client, task=task)
    phone = sign_in(client_factory(), client)
    phone.post(f"/tasks/{assignment.id}/steps/{task.steps[0].id}", {"day": DAY, "done": "1"})
    phone.post(f"/tasks/{assignment.id}/steps/{task.steps[2].id}", {"day": DAY, "done": "1"})
    assert desk.post(f"/coach/tasks/{task.id}", {"title": "Short", "steps": "One, better.\nTwo."}).status_code == 303
    session.expire_all()
    task = session.get(Task, task.id)
    assert [s.text for s in task.steps] == ["One, better.", "Two."]
    seen = visible_text(phone.get(f"/tasks/{assignment.id}"))
    assert "Steps done: 1" in seen and "All steps: 2." in seen


def test_a_task_needs_a_name_and_steps(coach, desk, session):
    response = desk.post("/coach/tasks/new", {"title": " ", "steps": "\n"})
    assert response.status_code == 400
    assert "Give the task a name." in visible_text(response)
    assert "Write at least one step" in visible_text(response)
    session.expire_all()
    assert session.scalar(select(Task)) is None


def test_a_task_of_another_organisation_is_not_found(make, coach, desk):
    other = make.organisation(name="Other")
    task = make.task(organisation_id=other.id)
    assert desk.get(f"/coach/tasks/{task.id}").status_code == 404
    assert desk.post(f"/coach/tasks/{task.id}", {"title": "Mine now", "steps": "x"}).status_code == 404


def test_assigning_tasks_to_weekdays_in_order(make, coach, desk, session):
    client = make.client(coach=coach)
    first = make.task(organisation_id=coach.organisation_id, title="First")
    second = make.task(organisation_id=coach.organisation_id, title="Second")
    desk.post(f"/coach/clients/{client.id}/assignments", {"weekday": "0", "task": str(first.id)})
    desk.post(f"/coach/clients/{client.id}/assignments", {"weekday": "0", "task": str(second.id)})

    def order():
        session.expire_all()
        rows = session.scalars(select(TaskAssignment).order_by(TaskAssignment.position)).all()
        return [session.get(Task, a.task_id).title for a in rows]

    assert order() == ["First", "Second"]
    second_assignment = session.scalar(select(TaskAssignment).where(TaskAssignment.task_id == second.id))
    desk.post(f"/coach/clients/{client.id}/assignments/{second_assignment.id}/up")
    assert order() == ["Second", "First"]
    desk.post(f"/coach/clients/{client.id}/assignments/{second_assignment.id}/delete")
    assert order() == ["First"]


def test_assigning_a_task_of_another_organisation_is_refused(make, coach, desk, session):
    client = make.client(coach=coach)
    other = make.organisation(name="Other")
    task = make.task(organisation_id=other.id)
    for form in [{"weekday": "0", "task": str(task.id)}, {"weekday": "x", "task": "1"}, {"weekday": "0", "task": "999"}]:
        assert desk.post(f"/coach/clients/{client.id}/assignments", form).status_code in (400, 404)
    session.expire_all()
    assert session.scalar(select(TaskAssignment)) is None


def test_the_clients_page_shows_local_dates_late_in_the_evening(make, coach, client_factory, sign_in, session, now):
    client = make.client(coach=coach)
    # 0.30 on Tuesday in Helsinki is still Monday in UTC.
    now.set(datetime(2026, 11, 24, 0, 30, tzinfo=HELSINKI))
    sign_in(client_factory(), client)
    page = visible_text(sign_in(client_factory(), coach).get(f"/coach/clients/{client.id}/phones"))
    assert "Last used: Tuesday 24 November" in page
    assert "23 November" not in page


def test_a_phone_row_names_the_phone_and_its_day_without_a_double_period(make, coach, client_factory, sign_in, session):
    coach.language = "fi"
    session.merge(coach)
    session.commit()
    client = make.client(coach=coach)
    sign_in(client_factory(), client)  # the test client's browser names no phone
    page = visible_text(sign_in(client_factory(), coach).get(f"/coach/clients/{client.id}/phones"))
    assert "Puhelin tai tietokone" in page and "Tämä laite" not in page
    assert "Käytetty viimeksi: maanantai 23.11." in page
    assert ".." not in page


@pytest.mark.parametrize("picture", ["maito", "🧽🧽", "🧽 x", "x"])
def test_a_task_picture_is_one_picture_never_a_word(coach, desk, session, picture):
    task_id = None
    for sent in ("🧽", picture):
        response = desk.post(f"/coach/tasks/{task_id}" if task_id else "/coach/tasks/new", {"title": "Wipe", "emoji": sent, "steps": "Wipe."})
        session.expire_all()
        task_id = session.scalar(select(Task.id))
    assert response.status_code == 400
    assert "Choose one picture from the list." in visible_text(response)
    assert session.get(Task, task_id).emoji == "🧽", "a refused picture changes nothing"


def test_the_task_form_offers_pictures_with_names_and_keeps_an_older_one(make, coach, desk):
    # The pictures are radio buttons (markup); their names are read.
    response = desk.get("/coach/tasks/new")
    assert 'name="emoji" value="🧹"' in html_of(response) and "Broom" in visible_text(response)
    assert re.search(r'name="emoji" value=""\s+checked', html_of(response)), "no picture until one is chosen"
    older = make.task(organisation_id=coach.organisation_id, title="Polish", emoji="✨")
    response = desk.get(f"/coach/tasks/{older.id}")
    assert re.search(r'name="emoji" value="✨"\s+checked', html_of(response)) and "Sparkles" in visible_text(response)
    # A picture Selko no longer offers (a flag) stays, as text, until the coach picks another.
    oldest = make.task(organisation_id=coach.organisation_id, title="Flag day", emoji="🇫🇮")
    response = desk.get(f"/coach/tasks/{oldest.id}")
    assert re.search(r'name="emoji" value="🇫🇮"\s+checked', html_of(response)) and "The picture it has now" in visible_text(response)


def test_each_change_says_it_was_saved_where_it_was_made(make, coach, desk, session):
    client = make.client(coach=coach)
    task = make.task(organisation_id=coach.organisation_id, title="Sweep")
    changes = [
        (f"/coach/clients/{client.id}/schedule/0", {"works": "1", "starts": "8", "ends": "14"}, "/schedule#schedule", "Schedule saved: Monday."),
        (f"/coach/clients/{client.id}/exceptions", {"date": "2026-12-24", "kind": "off"}, "/schedule#exceptions", "Date saved: Thursday 24 December."),
        (f"/coach/clients/{client.id}/assignments", {"weekday": "1", "task": str(task.id)}, "/schedule#tasks", "Task added: Sweep, Tuesday."),
        (f"/coach/clients/{client.id}/reminder", {"ready": "break"}, "#messages", "Message sent."),
    ]
    for url, form, place, words in changes:
        response = desk.post(url, form)
        assert response.headers["Location"].endswith(f"/coach/clients/{client.id}{place}")
        section = place.split("#")[1]
        page = desk.get(response.headers["Location"])
        assert words in visible_text(page), (url, visible_text(page)[:300])
        # Where it is said, and that it is said once: the markup's order and class.
        status = re.search(r'<p class="saved" role="status"[^>]*>(.*?)</p>', html_of(page), re.S)
        assert status and words in " ".join(re.sub("<[^>]+>", " ", status.group(1)).split()), url
        after = html_of(page)
        assert after.index(f'id="{section}"') < after.index('class="saved"'), "shown in the part that changed"
        assert 'class="saved"' not in html_of(desk.get(response.headers["Location"])), "said once"
    response = desk.post("/coach/tasks/new", {"title": "Dust", "emoji": "", "steps": "Dust."})
    assert "Task saved: Dust." in visible_text(desk.get(response.headers["Location"]))
