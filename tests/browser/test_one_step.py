"""One step at a time, in real Chromium: the coach turns it on, the client's
phone walks a task step by step, online and offline, and the pages pass axe."""

import pytest
from sqlalchemy import select

from selko.models import ClientProfile, StepTick, Task
from tests.browser.test_accessibility import LANGUAGES, Audit, choose_language
from tests.browser.test_offline_actions import (
    OFFLINE_NOISE,
    PAGES_SAVED,
    actions_of,
    kept,
    moving_clock,  # noqa: F401 - a fixture
    phone_with_saved_day,
    wait_until,
    wait_until_all_sent,
)

STEPS = ("Ota liina ja suihkepullo.", "Suihkuta pöydälle.", "Pyyhi pöytä kuivaksi.")


def tables_task(make, session, client):
    task = make.task(organisation_id=client.organisation_id, title="Pyyhi pöydät", emoji="🧽", steps=STEPS)
    for step, picture in zip(task.steps, ("🧴", "💦", "🧽")):
        step.emoji = picture
    session.commit()
    return make.assignment(client=client, task=task)


def ticked(session, client) -> set[int]:
    session.expire_all()
    return set(session.scalars(select(StepTick.step_id).where(StepTick.client_id == client.id)))


def shows_step(page, number: int, text: str):
    page.locator(".step-position", has_text=f"Vaihe {number}.").wait_for()
    assert page.locator(".one-step-text").inner_text() == text
    assert "Tehtävässä on 3 vaihetta." in page.locator(".step-position").inner_text()


def press_done(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Valmis").click()


def press_back(page):
    with page.expect_navigation():
        page.get_by_role("link", name="Edellinen vaihe").click()


def test_the_coach_turns_it_on_and_the_phone_walks_the_task_one_step_at_a_time(make, session, new_context, open_link):
    coach = make.coach(name="Sanna Valmentaja")
    client = make.client(coach=coach, name="Aino Asiakas", language="fi")
    assignment = tables_task(make, session, client)
    steps = [s.id for s in session.get(Task, assignment.task_id).steps]

    desk = open_link(new_context(), coach, f"/coach/clients/{client.id}/schedule")
    desk.get_by_label("Näytä vaiheet yksi kerrallaan").check()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Tallenna vaiheiden näyttötapa").click()
    assert "Tallennettu: asiakas näkee yhden vaiheen kerrallaan." in desk.locator("#tasks").inner_text()
    assert desk.get_by_label("Näytä vaiheet yksi kerrallaan").is_checked()

    phone = open_link(new_context(), client, "/tasks")
    with phone.expect_navigation():
        phone.locator(".task-link", has_text="Pyyhi pöydät").click()
    shows_step(phone, 1, STEPS[0])
    assert phone.locator(".step-picture img.picture").get_attribute("src") == "/pictures/17.0.0/1F9F4.svg", "OpenMoji's lotion bottle"
    assert phone.locator("#one-step [data-read-aloud]").is_visible()
    assert phone.get_by_role("link", name="Edellinen vaihe").count() == 0
    assert phone.locator("ol.steps").count() == 0, "one step, not the list"

    press_done(phone)
    shows_step(phone, 2, STEPS[1])
    assert ticked(session, client) == {steps[0]}

    press_back(phone)
    shows_step(phone, 1, STEPS[0])
    assert phone.get_by_text("Teit tämän vaiheen.").is_visible()
    press_done(phone)
    shows_step(phone, 2, STEPS[1])
    assert phone.get_by_text("Teit tämän vaiheen.").is_hidden()
    press_done(phone)
    shows_step(phone, 3, STEPS[2])
    press_done(phone)

    assert phone.url.endswith(f"/tasks/{assignment.id}/ready")
    assert phone.get_by_text("Hienoa! Tehtävä on valmis.").is_visible()
    assert phone.locator("[data-steps-done]").inner_text() == "3"
    assert ticked(session, client) == set(steps)
    press_back(phone)
    shows_step(phone, 3, STEPS[2])
    press_done(phone)
    with phone.expect_navigation():
        phone.locator("main").get_by_role("link", name="Takaisin tehtäviin").click()
    assert phone.locator(".task-link", has_text="Pyyhi pöydät").locator(".task-progress").inner_text().strip().endswith("Valmis")


def test_the_walk_offline_keeps_every_tick_and_sends_it_later(make, session, live_server, new_context, open_link, page_problems, moving_clock):  # noqa: F811
    page_problems.allowed = OFFLINE_NOISE
    coach = make.coach(name="Sanna Valmentaja")
    client = make.client(coach=coach, name="Aino Asiakas", language="fi")
    session.get(ClientProfile, client.id).one_step_at_a_time = True
    session.commit()
    assignment = tables_task(make, session, client)
    steps = [s.id for s in session.get(Task, assignment.task_id).steps]
    context, page = phone_with_saved_day(new_context, open_link, client, [assignment])
    step_pages = [f"/tasks/{assignment.id}/steps/{s}" for s in steps] + [f"/tasks/{assignment.id}/ready"]
    page.wait_for_function(PAGES_SAVED, arg=step_pages)

    context.set_offline(True)
    mark = live_server.mark()
    page.goto(f"/tasks/{assignment.id}")
    shows_step(page, 1, STEPS[0])
    press_done(page)
    shows_step(page, 2, STEPS[1])
    assert page.locator("[data-offline-notice]").is_visible()
    page.locator("#one-step [data-pending]").wait_for()
    assert "Selko lähettää tämän, kun netti toimii." in page.locator("#one-step [data-pending]").inner_text()

    # Back a step: the saved page predates the tick, and still shows it done.
    press_back(page)
    shows_step(page, 1, STEPS[0])
    page.get_by_text("Teit tämän vaiheen.").wait_for()
    press_done(page)
    shows_step(page, 2, STEPS[1])
    press_done(page)
    shows_step(page, 3, STEPS[2])
    press_done(page)
    assert page.url.endswith(f"/tasks/{assignment.id}/ready")
    page.get_by_text("Hienoa! Tehtävä on valmis.").wait_for()
    assert page.get_by_text("Osa vaiheista puuttuu vielä.").is_hidden()
    assert page.locator("[data-steps-done]").inner_text() == "3"
    assert page.locator("#one-step [data-pending]").is_visible()
    assert len(kept(page)["queued"]) == 4, "four presses of Valmis, each kept"
    assert live_server.paths_since(mark, "POST") == [], "nothing reached Selko offline"
    assert ticked(session, client) == set()

    context.set_offline(False)
    # The worker's retries back off (2 s, 4 s, 8 s, …) while offline; on a
    # loaded machine the next one may be half a minute away.
    wait_until(page, lambda: ticked(session, client) == set(steps), "the kept ticks to arrive", seconds=60)
    wait_until_all_sent(page)
    stored = actions_of(session, client)
    assert [a.kind.value for a in stored] == ["tick"] * 4
    assert all(a.pressed_at < a.received_at for a in stored), "sent later, at the times pressed"
    page.reload()
    page.get_by_text("Hienoa! Tehtävä on valmis.").wait_for()
    assert page.locator("#one-step [data-pending]").is_hidden(), "sent: the mark is gone"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_one_step_pages_and_the_coach_pages_have_no_accessibility_problems(language, make, session, new_context, open_link):
    coach = make.coach(name="Sanna Coach")
    client = make.client(coach=coach, name="Aino", language=language)
    session.get(ClientProfile, client.id).one_step_at_a_time = True
    session.commit()
    assignment = tables_task(make, session, client)
    audit = Audit(language)

    phone = open_link(new_context(reduced_motion="reduce"), client, f"/tasks/{assignment.id}")
    audit.check(phone, "one step: the first", client_page=True)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    audit.check(phone, "one step: the second, a step before it", client_page=True)
    phone.goto(f"/tasks/{assignment.id}/ready")
    audit.check(phone, "one step: the end, steps left", client_page=True)
    for step in session.get(Task, assignment.task_id).steps[1:]:
        phone.goto(f"/tasks/{assignment.id}/steps/{step.id}")
        with phone.expect_navigation():
            phone.locator("main form button[type=submit]").click()
    assert phone.url.endswith("/ready")
    audit.check(phone, "one step: the end, the task ready", client_page=True)

    desk = open_link(new_context(), coach)
    choose_language(desk, language)
    desk.goto(f"/coach/clients/{client.id}/schedule")
    audit.check(desk, "client page, schedule and tasks, one step at a time", client_page=False)
    with desk.expect_navigation():
        desk.locator(f"form[action='/coach/clients/{client.id}/one-step'] [type=submit]").click()
    audit.check(desk, "client page, steps shown as a list saved", client_page=False)
    desk.goto("/coach/tasks")
    audit.check(desk, "task library with copy and give", client_page=False)
    with desk.expect_navigation():
        desk.locator("form[action='/coach/tasks/give'] [type=submit]").click()
    audit.check(desk, "task library, a task given", client_page=False)
    with desk.expect_navigation():
        desk.locator(f"form[action='/coach/tasks/{assignment.task_id}/copy'] [type=submit]").click()
    audit.check(desk, "a copy made, to change", client_page=False)
    desk.goto("/coach/tasks")
    desk.evaluate("() => { const s = document.querySelector('#give-weekday'); s.add(new Option('x', '9')); s.value = '9'; }")
    with desk.expect_navigation():
        desk.locator("form[action='/coach/tasks/give'] [type=submit]").click()
    assert desk.locator(".error-summary").is_visible()
    audit.check(desk, "task library, giving refused", client_page=False)

    audit.assert_clean()


def test_the_walk_works_without_javascript(make, session, no_js_context, open_link):
    coach = make.coach(name="Sanna Valmentaja")
    client = make.client(coach=coach, name="Aino Asiakas", language="fi")
    session.get(ClientProfile, client.id).one_step_at_a_time = True
    session.commit()
    assignment = tables_task(make, session, client)
    phone = open_link(no_js_context, client, f"/tasks/{assignment.id}")
    for number, text in enumerate(STEPS, start=1):
        shows_step(phone, number, text)
        press_done(phone)
    assert phone.get_by_text("Hienoa! Tehtävä on valmis.").is_visible()
    assert len(ticked(session, client)) == 3
