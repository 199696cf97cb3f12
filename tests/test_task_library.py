"""The organisation's task library: a copy to change, and a task given to a client from it."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from selko.library.tasks import copy_task, copy_title, set_steps
from selko.models import Task, TaskAssignment, TaskStep
from tests.conftest import html_of, visible_text

STEPS = ("Ota liina.", "Suihkuta pöydälle.", "Pyyhi pöytä kuivaksi.", "Nosta tuolit paikalleen.")


@pytest.fixture
def coach(make):
    return make.coach(name="Sanna Valmentaja")


@pytest.fixture
def tables(make, session, coach):
    task = make.task(organisation_id=coach.organisation_id, title="Pyyhi pöydät", emoji="🧽", steps=STEPS)
    task.photo = "tasks/pöydät.jpg"
    task.steps[0].emoji, task.steps[2].photo = "🧽", "steps/kuiva.jpg"
    session.commit()
    return task


@pytest.fixture
def desk(web, sign_in, coach):
    return sign_in(web, coach)


def rows(task: Task) -> list[tuple]:
    return [(s.position, s.text, s.emoji, s.photo) for s in task.steps]


def test_a_copy_has_the_same_picture_and_steps_in_order_as_new_rows(session, tables):
    before = rows(tables)
    copy = copy_task(session, tables, "Pyyhi pöydät (kopio)")
    session.commit()
    session.expire_all()
    copy, original = session.get(Task, copy.id), session.get(Task, tables.id)
    assert copy.id != original.id
    assert (copy.title, copy.emoji, copy.photo, copy.organisation_id) == ("Pyyhi pöydät (kopio)", "🧽", "tasks/pöydät.jpg", original.organisation_id)
    assert rows(copy) == before
    assert not {s.id for s in copy.steps} & {s.id for s in original.steps}
    assert (original.title, rows(original)) == ("Pyyhi pöydät", before), "the original is as it was"


def test_changing_the_copy_leaves_the_original_alone(session, tables):
    copy = copy_task(session, tables, "Kopio")
    set_steps(session, copy, ["Vain yksi vaihe."])
    session.commit()
    session.expire_all()
    assert rows(session.get(Task, tables.id))[0][1] == "Ota liina." and len(session.get(Task, tables.id).steps) == 4
    assert session.scalar(select(TaskStep).where(TaskStep.task_id == tables.id, TaskStep.position == 4)) is not None


def test_the_copy_is_named_in_the_coachs_language_and_fits(app):
    with app.test_request_context():
        with force_locale("fi"):
            assert copy_title("Pyyhi pöydät") == "Pyyhi pöydät (kopio)"
            long = copy_title("a" * 120)
            assert len(long) == 120 and long.endswith(" (kopio)")
        with force_locale("sv"):
            assert copy_title("Torka borden") == "Torka borden (kopia)"


def test_make_a_copy_from_the_library(desk, session, tables):
    assert f'action="/coach/tasks/{tables.id}/copy"' in html_of(desk.get("/coach/tasks")), "the copy button's form"
    response = desk.post(f"/coach/tasks/{tables.id}/copy")
    assert response.status_code == 303
    copy = session.scalar(select(Task).where(Task.title == "Pyyhi pöydät (kopio)"))
    assert response.headers["Location"] == f"/coach/tasks/{copy.id}", "straight to changing the copy"
    page = visible_text(desk.get(response.headers["Location"]))
    assert "Kopio tehty: Pyyhi pöydät (kopio). Muokkaa sitä tässä." in page
    assert "Pyyhi pöytä kuivaksi." in page
    library = visible_text(desk.get("/coach/tasks"))
    assert "Pyyhi pöydät (kopio)" in library and "Pyyhi pöydät – 4 vaihetta" in library


def test_another_coach_of_the_organisation_sees_the_copy(desk, make, sign_in, client_factory, coach, tables):
    desk.post(f"/coach/tasks/{tables.id}/copy")
    colleague = sign_in(client_factory(), make.coach(organisation=coach.organisation, name="Timo Valmentaja"))
    assert "Pyyhi pöydät (kopio)" in visible_text(colleague.get("/coach/tasks"))


def test_a_task_of_another_organisation_cannot_be_copied(desk, make, session):
    elsewhere = make.task(organisation_id=make.organisation(name="Muu ry").id, title="Muun tehtävä")
    count = session.query(Task).count()
    assert desk.post(f"/coach/tasks/{elsewhere.id}/copy").status_code == 404
    assert session.query(Task).count() == count


def test_give_a_task_to_a_client_from_the_library(desk, make, session, coach, tables):
    aino = make.client(coach=coach, name="Aino Asiakas")
    page = visible_text(desk.get("/coach/tasks"))
    assert "Anna tehtävä asiakkaalle" in page and "Aino Asiakas" in page
    response = desk.post("/coach/tasks/give", {"task": tables.id, "client": aino.id, "weekday": "2"})
    assert response.status_code == 303 and response.headers["Location"] == "/coach/tasks#give"
    page = visible_text(desk.get("/coach/tasks"))
    assert "Tehtävä lisätty: Pyyhi pöydät, keskiviikkona, Aino Asiakas." in page, page
    given = session.scalars(select(TaskAssignment).where(TaskAssignment.client_id == aino.id)).all()
    assert [(a.task_id, a.weekday, a.position) for a in given] == [(tables.id, 2, 1)]
    desk.post("/coach/tasks/give", {"task": tables.id, "client": aino.id, "weekday": "2"})
    session.expire_all()
    assert sorted(a.position for a in session.scalars(select(TaskAssignment).where(TaskAssignment.client_id == aino.id))) == [1, 2]


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"task": "x", "client": "1", "weekday": "0"},
        {"task": "{task}", "client": "{client}", "weekday": "7"},
        {"task": "{other_task}", "client": "{client}", "weekday": "0"},
    ],
)
def test_giving_with_something_wrong_says_so_and_changes_nothing(form, desk, make, session, coach, tables):
    aino = make.client(coach=coach, name="Aino Asiakas")
    other_client = make.client(coach=make.coach(organisation=coach.organisation, name="Timo Valmentaja"), name="Bertta")
    other_task = make.task(organisation_id=make.organisation(name="Muu ry").id, title="Muun tehtävä")
    values = {"task": tables.id, "client": aino.id, "other_client": other_client.id, "other_task": other_task.id}
    response = desk.post("/coach/tasks/give", {k: v.format(**values) for k, v in form.items()})
    assert response.status_code == 400
    assert "Valitse tehtävä, asiakas ja päivä." in visible_text(response)
    assert session.scalars(select(TaskAssignment)).all() == []


def test_another_coachs_client_is_not_found(desk, make, session, coach, tables):
    """The form lists only the coach's own clients; another one's id is not found."""
    bertta = make.client(coach=make.coach(organisation=coach.organisation, name="Timo Valmentaja"), name="Bertta")
    assert "Bertta" not in visible_text(desk.get("/coach/tasks"))
    assert desk.post("/coach/tasks/give", {"task": tables.id, "client": bertta.id, "weekday": "0"}).status_code == 404
    assert session.scalars(select(TaskAssignment)).all() == []
