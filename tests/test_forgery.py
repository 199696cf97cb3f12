"""Forged or stale input is refused with a 4xx and changes nothing. Who
may open which page at all is tests/test_access_matrix.py."""

import pytest

from selko.models import Attendance, Break, HelpRequest, SelfAssessment, StepTick, WorkDay
from tests.conftest import count, html_of, visible_text

DAY = "2026-11-23"


@pytest.fixture
def two_clients(make):
    coach = make.coach()
    a = make.client(coach=coach, name="A", language="en")
    b = make.client(coach=coach, name="B")
    task_a = make.task(organisation_id=coach.organisation_id, title="Task of A")
    task_b = make.task(organisation_id=coach.organisation_id, title="Task of B")
    return a, b, make.assignment(client=a, task=task_a), make.assignment(client=b, task=task_b), task_a, task_b


def test_another_clients_task_is_not_found(two_clients, web, sign_in, session):
    a, b, assignment_a, assignment_b, task_a, task_b = two_clients
    sign_in(web, a)
    assert web.get(f"/tasks/{assignment_b.id}").status_code == 404
    response = web.post(f"/tasks/{assignment_b.id}/steps/{task_b.steps[0].id}", {"day": DAY, "done": "1"})
    assert response.status_code == 404
    assert count(session, StepTick) == 0


def test_a_step_of_another_task_is_not_found(two_clients, web, sign_in, session):
    a, b, assignment_a, assignment_b, task_a, task_b = two_clients
    sign_in(web, a)
    response = web.post(f"/tasks/{assignment_a.id}/steps/{task_b.steps[0].id}", {"day": DAY, "done": "1"})
    assert response.status_code == 404
    assert count(session, StepTick) == 0


def test_a_tick_that_is_neither_done_nor_undone_is_refused(two_clients, web, sign_in, session):
    a, b, assignment_a, *_rest, task_a, task_b = two_clients
    sign_in(web, a)
    response = web.post(f"/tasks/{assignment_a.id}/steps/{task_a.steps[0].id}", {"day": DAY, "done": "yes"})
    assert response.status_code == 400
    assert count(session, StepTick) == 0


def test_help_about_another_clients_task_is_refused(two_clients, web, sign_in, session):
    a, b, assignment_a, assignment_b, *_ = two_clients
    sign_in(web, a)
    assert web.post("/help", {"task": str(assignment_b.id)}).status_code == 404
    assert web.post("/help", {"task": "not-a-number"}).status_code == 404
    assert count(session, HelpRequest) == 0


def test_an_unknown_absence_reason_is_refused(two_clients, web, sign_in, session):
    sign_in(web, two_clients[0])
    response = web.post("/absent", {"day": DAY, "reason": "holiday"})
    assert response.status_code == 400
    assert count(session, Attendance) == 0


@pytest.mark.parametrize("day", ["2026-11-22", "2026-11-24", "", "yesterday"])
@pytest.mark.parametrize(
    "url, data",
    [
        ("/arrive", {}),
        ("/absent", {"reason": "ill"}),
        ("/today-went", {"energy": "3", "mind": "3", "skills": "3", "everyday": "3", "work": "3"}),
    ],
)
def test_a_form_from_another_day_is_refused(two_clients, web, sign_in, session, day, url, data):
    sign_in(web, two_clients[0])
    response = web.post(url, {**data, "day": day})
    assert response.status_code == 400
    assert "This page is from another day." in visible_text(response)
    assert count(session, Attendance) == 0
    assert count(session, SelfAssessment) == 0


def test_a_tick_from_another_day_is_refused(two_clients, web, sign_in, session):
    a, b, assignment_a, *_rest, task_a, task_b = two_clients
    sign_in(web, a)
    response = web.post(f"/tasks/{assignment_a.id}/steps/{task_a.steps[0].id}", {"day": "2026-11-22", "done": "1"})
    assert response.status_code == 400
    assert count(session, StepTick) == 0


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_post_without_the_right_csrf_token_is_refused(two_clients, web, sign_in, session, token):
    sign_in(web, two_clients[0])
    data = {"day": DAY}
    if token:
        data["csrf_token"] = token
    response = web.post("/arrive", data, csrf=False)
    assert response.status_code == 400
    assert count(session, Attendance) == 0


def test_a_coach_cannot_reach_another_coachs_client(make, web, sign_in, session):
    mine = make.coach(name="Mine")
    theirs = make.coach(name="Theirs")
    other_client = make.client(coach=theirs)
    sign_in(web, mine)
    assert web.get(f"/coach/clients/{other_client.id}").status_code == 404
    assert web.post(f"/coach/clients/{other_client.id}/connect").status_code == 404
    before = count(session, WorkDay), count(session, Break)
    response = web.post(f"/coach/clients/{other_client.id}/schedule/0", {"works": ""})
    assert response.status_code == 404
    assert (count(session, WorkDay), count(session, Break)) == before
    assert "Theirs" not in html_of(web.get("/coach/")), "not even hidden"


@pytest.mark.parametrize("huge", ["2147483648", "99999999999999999999999"])
def test_ids_too_big_for_the_database_are_not_found(make, client_factory, sign_in, huge):
    coach = make.coach()
    client = make.client(coach=coach, name="A")
    phone = sign_in(client_factory(), client)
    desk = sign_in(client_factory(), coach)
    assert phone.get(f"/tasks/{huge}").status_code == 404
    assert phone.post(f"/tasks/{huge}/steps/{huge}", {"day": DAY, "done": "1"}).status_code == 404
    assert phone.post("/help", {"task": huge}).status_code == 404
    assert desk.get(f"/coach/clients/{huge}").status_code == 404
    assert desk.get(f"/coach/tasks/{huge}").status_code == 404
    assert desk.get(f"/coach/clients/{client.id}/schedule/{huge}").status_code == 404
    assert desk.post(f"/coach/help/{huge}/handled").status_code == 404
    assert desk.post(f"/coach/clients/{client.id}/assignments", {"weekday": "0", "task": huge}).status_code == 400
