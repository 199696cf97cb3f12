"""Help at a step, the client's help status, cancelling, and a sign-in link
opened where someone else is signed in (issue 10, items 3 and 7)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from selko.day import help_request
from selko.models import DeviceSession, HelpRequest, SignInToken
from tests.conftest import html_of, visible_text


@pytest.fixture
def aino(make):
    coach = make.coach(name="Sanna Coach", phone="040 123 4567")
    return make.client(coach=coach, name="Aino", language="en")


@pytest.fixture
def phone(web, sign_in, aino):
    return sign_in(web, aino)


@pytest.fixture
def dishes(make, aino):
    task = make.task(organisation_id=aino.organisation_id, title="Wash the dishes")
    return task, make.assignment(client=aino, task=task)


def requests_of(session, client) -> list[HelpRequest]:
    session.expire_all()
    return session.scalars(select(HelpRequest).where(HelpRequest.client_id == client.id)).all()


def test_help_at_a_step_records_that_step_not_the_current_one(phone, aino, dishes, session):
    task, assignment = dishes
    response = phone.post("/help", {"task": str(assignment.id), "step": str(task.steps[2].id)})
    assert response.status_code == 303
    [asked] = requests_of(session, aino)
    assert (asked.task_id, asked.step_position) == (task.id, 3), "the first step is the current one; the client chose 3"
    page = visible_text(phone.get("/help"))
    assert "You asked for help at 9:30." in page
    assert "You asked about step 3." in page


@pytest.mark.parametrize("step", ["999999", "abc", "٣"])
def test_help_at_a_step_that_is_not_in_the_task_is_not_found(phone, aino, dishes, step):
    task, assignment = dishes
    assert phone.post("/help", {"task": str(assignment.id), "step": step}).status_code == 404


def test_help_at_a_step_of_another_task_is_not_found(phone, make, aino, dishes, session):
    task, assignment = dishes
    other = make.task(organisation_id=aino.organisation_id, title="Sweep")
    assert phone.post("/help", {"task": str(assignment.id), "step": str(other.steps[0].id)}).status_code == 404
    assert requests_of(session, aino) == []


def test_the_status_says_the_coach_knows_after_handled_and_goes_after_an_hour(phone, aino, session, now):
    phone.post("/help")
    [asked] = requests_of(session, aino)
    status = phone.get("/help", headers={"HX-Request": "true"})
    assert html_of(status).lstrip().startswith('<div id="help-status"') and "<html" not in html_of(status), "the partial alone for htmx"
    assert "Your coach got your message." in visible_text(status)
    help_request.mark_handled(session, asked, aino.client_profile.coach_id)
    session.commit()
    assert "Your coach knows." in visible_text(phone.get("/help", headers={"HX-Request": "true"}))
    assert "Your coach knows." in visible_text(phone.get("/tasks")), "on every client page"
    now.set(now.value + help_request.KNOWN_SHOWN + timedelta(minutes=1))
    assert "You asked for help" not in visible_text(phone.get("/"))


def test_the_client_cancels_their_help_request(phone, aino, session):
    phone.post("/help")
    [asked] = requests_of(session, aino)
    response = phone.post(f"/help/{asked.id}/cancel", headers={"HX-Request": "true"})
    assert "You cancelled the help request." in visible_text(response)
    [asked] = requests_of(session, aino)
    assert asked.cancelled_at is not None
    assert help_request.open_requests(session, [aino.id]) == []
    assert "You asked for help" not in visible_text(phone.get("/"))


def test_cancelling_someone_elses_help_request_is_not_found_and_changes_nothing(phone, make, session):
    other = make.client(coach=make.coach(name="Other Coach"), name="Eero")
    theirs = help_request.ask(session, other.id)
    session.commit()
    assert phone.post(f"/help/{theirs.id}/cancel").status_code == 404
    assert phone.post("/help/999999/cancel").status_code == 404
    [theirs] = requests_of(session, other)
    assert theirs.cancelled_at is None


def test_the_board_shows_a_cancelled_request_and_not_as_open(phone, aino, session, client_factory, sign_in):
    phone.post("/help")
    [asked] = requests_of(session, aino)
    phone.post(f"/help/{asked.id}/cancel")
    coach = aino.client_profile.coach
    coach.language = "en"
    session.commit()
    board = visible_text(sign_in(client_factory(), coach).get("/coach/"))
    assert "Asks for help" not in board
    assert "Asked for help at 9:30, cancelled it at 9:30." in board


def test_a_link_opened_where_someone_else_is_signed_in_asks_first(make, aino, session, client_factory, sign_in):
    coach = aino.client_profile.coach
    coach.language = "en"
    session.commit()
    desk = sign_in(client_factory(), coach)
    token = make.link(aino)
    question = visible_text(desk.get(f"/signin/{token}"))
    assert "Open Selko for Aino?" in question
    assert "This phone has Selko for Sanna Coach now." in question

    # A post without the answer (the old self-submitting page) only asks again.
    response = desk.post(f"/signin/{token}")
    assert response.status_code == 200 and "Open Selko for Aino?" in visible_text(response)
    assert desk.get("/coach/").status_code == 200, "the coach is still signed in"
    session.expire_all()
    assert session.scalar(select(SignInToken.used_at).where(SignInToken.user_id == aino.id)) is None

    response = desk.post(f"/signin/{token}", {"switch": "1"})
    assert response.status_code == 303
    assert desk.get("/").status_code == 200 and desk.get("/coach/").status_code == 404, "now the client's phone"
    session.expire_all()
    assert all(s.revoked_at for s in session.scalars(select(DeviceSession).where(DeviceSession.user_id == coach.id)))


def test_a_link_opened_by_the_person_already_signed_in_goes_on(phone, make, aino):
    token = make.link(aino)
    assert "data-auto-submit" in html_of(phone.get(f"/signin/{token}")), "the page's script signs in at once"
    assert phone.post(f"/signin/{token}").status_code == 303
