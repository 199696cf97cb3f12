"""A task one step at a time: the coach's choice per client, and the client's step pages."""

import pytest
from sqlalchemy import select

from selko.models import ClientProfile, HelpRequest, StepTick
from tests.conftest import html_of, visible_text

DAY = "2026-11-23"
STEPS = ("Ota harja.", "Lakaise lattia.", "Vie roskat roskikseen.")


@pytest.fixture
def coach(make):
    return make.coach(name="Sanna Valmentaja")


@pytest.fixture
def aino(make, coach):
    return make.client(coach=coach, name="Aino Asiakas", language="fi")


@pytest.fixture
def sweeping(make, aino):
    task = make.task(organisation_id=aino.organisation_id, title="Lakaise lattia", emoji="🧹", steps=STEPS)
    task.steps[1].emoji = "🧹"
    make.session.commit()
    return make.assignment(client=aino, task=task)


def one_step_on(session, client, on=True):
    session.get(ClientProfile, client.id).one_step_at_a_time = on
    session.commit()


@pytest.fixture
def phone(web, sign_in, aino):
    return sign_in(web, aino)


def ticked(session, client) -> set[int]:
    session.expire_all()
    return set(session.scalars(select(StepTick.step_id).where(StepTick.client_id == client.id)))


def step_ids(session, assignment) -> list[int]:
    session.expire_all()
    return [s.id for s in assignment.task.steps]


def test_without_the_choice_the_task_shows_every_step_in_a_list(phone, sweeping):
    page = visible_text(phone.get(f"/tasks/{sweeping.id}"))
    assert all(step in page for step in STEPS)
    assert "Vaihe 1." not in page


def test_one_step_at_a_time_shows_the_first_step_and_where_it_is(phone, session, aino, sweeping):
    one_step_on(session, aino)
    page = visible_text(phone.get(f"/tasks/{sweeping.id}"))
    assert "Ota harja." in page
    assert "Lakaise lattia." not in page and "Vie roskat roskikseen." not in page
    assert "Vaihe 1. Tehtävässä on 3 vaihetta." in page
    assert "Valmis" in page
    assert "Edellinen vaihe" not in page, "the first step has no step before it"


def test_valmis_ticks_the_step_and_goes_to_the_next_then_to_the_end(phone, session, aino, sweeping):
    one_step_on(session, aino)
    first, second, third = step_ids(session, sweeping)
    response = phone.post(f"/tasks/{sweeping.id}/steps/{first}", {"day": DAY, "done": "1", "next": f"/tasks/{sweeping.id}/steps/{second}"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tasks/{sweeping.id}/steps/{second}"
    assert ticked(session, aino) == {first}

    page = visible_text(phone.get(response.headers["Location"]))
    assert "Vaihe 2. Tehtävässä on 3 vaihetta." in page and "Lakaise lattia." in page
    assert "Edellinen vaihe" in page
    # The task page itself opens where the client is: the first step not done.
    assert "Vaihe 2." in visible_text(phone.get(f"/tasks/{sweeping.id}"))

    for step, following in ((second, f"/tasks/{sweeping.id}/steps/{third}"), (third, f"/tasks/{sweeping.id}/ready")):
        response = phone.post(f"/tasks/{sweeping.id}/steps/{step}", {"day": DAY, "done": "1", "next": following})
        assert response.headers["Location"] == following
    page = visible_text(phone.get(f"/tasks/{sweeping.id}/ready"))
    assert "Hienoa! Tehtävä on valmis." in page
    assert "Valmiita vaiheita: 3" in page and "Kaikki vaiheet: 3." in page
    assert "Takaisin tehtäviin" in page
    assert ticked(session, aino) == {first, second, third}
    assert "Hienoa! Tehtävä on valmis." in visible_text(phone.get(f"/tasks/{sweeping.id}")), "a finished task opens at its end"


def test_a_step_done_before_says_so_and_the_way_back_leads_to_it(phone, session, aino, sweeping):
    one_step_on(session, aino)
    first, second, _ = step_ids(session, sweeping)
    phone.post(f"/tasks/{sweeping.id}/steps/{first}", {"day": DAY, "done": "1"})
    step_two = html_of(phone.get(f"/tasks/{sweeping.id}/steps/{second}"))
    assert f'href="/tasks/{sweeping.id}/steps/{first}"' in step_two, "the way back"
    assert "Teit tämän vaiheen." in visible_text(phone.get(f"/tasks/{sweeping.id}/steps/{first}"))
    assert "Teit tämän vaiheen." not in visible_text(phone.get(f"/tasks/{sweeping.id}/steps/{second}"))


def test_the_end_before_every_step_is_done_says_some_are_left(phone, session, aino, sweeping):
    one_step_on(session, aino)
    page = visible_text(phone.get(f"/tasks/{sweeping.id}/ready"))
    assert "Osa vaiheista puuttuu vielä." in page
    assert "Hienoa!" not in page


def test_valmis_never_leads_off_the_task(phone, session, aino, sweeping, make):
    """The page to go on to is one of the task's own, or the list's usual answer."""
    one_step_on(session, aino)
    first = step_ids(session, sweeping)[0]
    other = make.assignment(client=aino, task=make.task(organisation_id=aino.organisation_id, title="Vie roskat"), position=2)
    for elsewhere in ("https://example.com/", "//example.com/", f"/tasks/{other.id}/ready", "/coach/"):
        response = phone.post(f"/tasks/{sweeping.id}/steps/{first}", {"day": DAY, "done": "1", "next": elsewhere})
        assert response.headers["Location"] == f"/tasks/{sweeping.id}#step-{first}"


def test_a_valmis_sent_twice_ticks_once_and_goes_on_both_times(phone, session, aino, sweeping):
    one_step_on(session, aino)
    first, second, _ = step_ids(session, sweeping)
    form = {"day": DAY, "done": "1", "next": f"/tasks/{sweeping.id}/steps/{second}", "action_key": "6f1c1e0a-3c3b-4d4e-9a55-0d2a4f1b2c3d"}
    answers = [phone.post(f"/tasks/{sweeping.id}/steps/{first}", form) for _ in range(2)]
    assert [a.headers["Location"] for a in answers] == [form["next"]] * 2
    session.expire_all()
    assert len(session.scalars(select(StepTick).where(StepTick.client_id == aino.id)).all()) == 1


def test_the_step_pages_are_saved_for_offline_only_when_shown_one_at_a_time(phone, session, aino, sweeping):
    ids = step_ids(session, sweeping)
    pages = [f"/tasks/{sweeping.id}/steps/{i}" for i in ids] + [f"/tasks/{sweeping.id}/ready"]
    assert not set(pages) & set(phone.get("/").headers["Selko-Offline-Pages"].split())
    one_step_on(session, aino)
    assert set(pages) <= set(phone.get("/").headers["Selko-Offline-Pages"].split())


def test_someone_elses_step_page_is_not_found(phone, session, aino, sweeping, make):
    one_step_on(session, aino)
    other = make.client(coach=make.coach(name="Toinen Valmentaja"), name="Bertta")
    theirs = make.assignment(client=other, task=make.task(organisation_id=other.organisation_id, title="Pese ikkunat"))
    their_step = step_ids(session, theirs)[0]
    assert phone.get(f"/tasks/{theirs.id}/steps/{their_step}").status_code == 404
    assert phone.get(f"/tasks/{theirs.id}/ready").status_code == 404
    assert phone.get(f"/tasks/{sweeping.id}/steps/{their_step}").status_code == 404, "a step of another task"


def test_the_coach_turns_one_step_at_a_time_on_and_off(web, sign_in, coach, aino, session):
    desk = sign_in(web, coach)
    page = html_of(desk.get(f"/coach/clients/{aino.id}/schedule"))  # the checkbox, not ticked
    assert 'name="one_step"' in page and "checked" not in page.split('name="one_step"')[1].split(">")[0]
    response = desk.post(f"/coach/clients/{aino.id}/one-step", {"one_step": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/coach/clients/{aino.id}/schedule#tasks")
    session.expire_all()
    assert session.get(ClientProfile, aino.id).one_step_at_a_time
    assert "Tallennettu: asiakas näkee yhden vaiheen kerrallaan." in visible_text(desk.get(response.headers["Location"]))
    desk.post(f"/coach/clients/{aino.id}/one-step", {})
    session.expire_all()
    assert not session.get(ClientProfile, aino.id).one_step_at_a_time


def test_another_coach_cannot_turn_it_on(web, sign_in, make, aino, session):
    stranger = make.coach(name="Toinen Valmentaja")
    response = sign_in(web, stranger).post(f"/coach/clients/{aino.id}/one-step", {"one_step": "1"})
    assert response.status_code == 404
    session.expire_all()
    assert not session.get(ClientProfile, aino.id).one_step_at_a_time


def test_i_need_help_on_a_step_page_tells_the_coach_which_step(phone, session, aino, sweeping):
    one_step_on(session, aino)
    second = step_ids(session, sweeping)[1]
    page = html_of(phone.get(f"/tasks/{sweeping.id}/steps/{second}"))
    help_form = page.split('class="help-bar"')[1]
    assert f'name="task" value="{sweeping.id}"' in help_form and f'name="step" value="{second}"' in help_form
    phone.post("/help", {"task": str(sweeping.id), "step": str(second)})
    session.expire_all()
    assert session.scalar(select(HelpRequest.step_position).where(HelpRequest.client_id == aino.id)) == 2
