"""Every client action arrives exactly once, with the time it was pressed.

The phone sends a press again after being offline, or twice on a double
tap; the form's action_key makes a repeat get the first answer and change
nothing. The header Selko-Action-Age says how long ago the button was
pressed, so a check-in pressed at 8.02 that reaches Selko at 8.40 counts
from 8.02. The coach's correction of the day stands against a press made
before it."""

import json
import re
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from selko.day import attendance, client_action
from selko.models import (
    AbsenceReason,
    ActionOutcome,
    Attendance,
    AuditEvent,
    Base,
    ClientAction,
    HelpRequest,
    StepTick,
)
from tests.conftest import at, count, html_of, visible_text

MONDAY = "2026-11-23"
AGE = client_action.AGE_HEADER


@pytest.fixture
def coach(make):
    return make.coach(name="Sanna", language="en")


@pytest.fixture
def aino(make, coach):
    return make.client(coach=coach, name="Aino", language="en")


@pytest.fixture
def phone(web, sign_in, aino):
    return sign_in(web, aino)


@pytest.fixture
def desk(client_factory, sign_in, coach):
    return sign_in(client_factory(), coach)


@pytest.fixture
def task(make, aino):
    task = make.task(organisation_id=aino.organisation_id, title="Wash the dishes")
    return task, make.assignment(client=aino, task=task)


def key() -> str:
    return str(uuid.uuid4())


def minutes(n: float) -> dict:
    return {AGE: str(int(n * 60_000))}


def record(session, client) -> Attendance | None:
    session.expire_all()
    return session.scalar(select(Attendance).where(Attendance.client_id == client.id))


def presses(session) -> list[ClientAction]:
    session.expire_all()
    return session.scalars(select(ClientAction).order_by(ClientAction.id)).all()


def everything(session) -> dict:
    """Every row a repeat could change (not the audit trail or the sessions' last use)."""
    session.expire_all()
    return {
        table.name: sorted(map(repr, session.execute(select(table)).all()))
        for table in Base.metadata.sorted_tables
        if table.name not in ("audit_events", "device_sessions")
    }


def answer(response) -> tuple:
    """What the phone gets, but the new keys and tokens every render has."""
    body = re.sub(r'name="(action_key|csrf_token)" value="[^"]*"', r'name="\1"', html_of(response))
    # "Pressed it by mistake?" is offered for a few minutes only: the repeat comes later.
    body = " ".join(re.sub(r'<p>[^<]*</p>\s*<form method="post" action="/leave/undo".*?</form>', "", body, flags=re.S).split())
    return response.status_code, response.headers.get("Location"), body


ACTIONS = {
    "arrive": lambda task: ("/arrive", {"day": MONDAY}),
    "leave": lambda task: ("/leave", {"day": MONDAY, "sure": "1"}),
    "absent": lambda task: ("/absent", {"day": MONDAY, "reason": "ill", "note": "Flu"}),
    "tick": lambda task: (f"/tasks/{task[1].id}/steps/{task[0].steps[0].id}", {"day": MONDAY, "done": "1"}),
    "help": lambda task: ("/help", {"task": str(task[1].id)}),
    "assessment": lambda task: ("/today-went", {"day": MONDAY, "energy": "3", "mind": "2", "skills": "3", "everyday": "1", "work": "3"}),
}


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("action", ACTIONS)
def test_a_repeat_answers_the_same_and_changes_nothing(action, htmx, phone, task, session, now):
    if action == "leave":
        phone.post("/arrive", {"day": MONDAY})
    url, form = ACTIONS[action](task)
    form["action_key"] = key()
    headers = {"HX-Request": "true"} if htmx else {}
    first = phone.post(url, form, headers=headers)
    assert first.status_code in (200, 303)
    before = everything(session)
    # Later, with the effect observable if it were done again (a new time, a new alarm).
    now.set(now.value + timedelta(minutes=10))
    repeat = phone.post(url, form, headers={**headers, **minutes(10)})
    assert answer(repeat) == answer(first)
    assert everything(session) == before
    assert [p.kind for p in presses(session) if p.key == form["action_key"]] == [action]


def test_a_repeated_tick_does_not_come_back_after_the_tick_was_taken_away(phone, task, session):
    url, form = ACTIONS["tick"](task)
    tick = {**form, "action_key": key()}
    phone.post(url, tick)
    phone.post(url, {**form, "done": "0", "action_key": key()})
    phone.post(url, tick)  # the phone sends the first press once more
    session.expire_all()
    assert session.scalars(select(StepTick)).all() == []


def test_a_form_without_a_key_still_works_as_a_new_press_each_time(phone, session, now):
    """A page saved before keys existed keeps working."""
    assert phone.post("/help", {}).status_code == 303
    now.set(now.value + timedelta(minutes=1))
    assert phone.post("/help", {}).status_code == 303
    session.expire_all()
    assert count(session, HelpRequest) == 2
    assert len({p.key for p in presses(session)}) == 2


@pytest.mark.parametrize("bad_key", ["not-a-uuid", "1234", "x" * 5000, "٣" * 36])
def test_a_broken_key_is_refused_and_changes_nothing(bad_key, phone, aino, session):
    response = phone.post("/arrive", {"day": MONDAY, "action_key": bad_key})
    assert response.status_code == 400
    assert "Something went wrong. Open the page again." in visible_text(response)
    assert record(session, aino) is None
    assert presses(session) == []


def test_every_client_action_form_carries_a_new_key(phone, task):
    assignment = task[1]
    pages = [phone.get(url) for url in ("/", f"/tasks/{assignment.id}", "/absent", "/today-went")]
    keyed = re.findall(r'<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>).)*name="action_key" value="([^"]+)"', "".join(map(html_of, pages)), re.S)
    actions = {url for url, _ in keyed}
    assert {"/arrive", "/help", "/absent", "/today-went", f"/tasks/{assignment.id}/steps/{task[0].steps[0].id}"} <= actions
    assert all(str(uuid.UUID(k)) == k for _, k in keyed)
    assert len({k for _, k in keyed}) == len(keyed), "every form, every page, its own key"


def test_the_service_worker_keeps_posts_to_the_six_client_actions_and_no_others(web):
    """The worker's first line, from the server: which posts it keeps offline."""
    first_line = web.get("/sw.js").get_data(as_text=True).splitlines()[0]
    config = json.loads(first_line.removeprefix("self.SELKO = ").removesuffix(";"))
    patterns = {a["kind"]: re.compile(a["path"]) for a in config["actions"]}
    assert set(patterns) == {"arrive", "leave", "absent", "tick", "help", "assessment"}
    assert patterns["tick"].match("/tasks/3/steps/7")
    assert patterns["assessment"].match("/today-went") and not patterns["assessment"].match("/today-went/thanks")
    assert not any(p.match("/alarms") or p.match("/share") for p in patterns.values())


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_concurrent_repeats_do_the_action_once(htmx, app, phone, session, client_factory):
    """Eight copies of one press at once (a phone retrying on a bad network):
    one is done, and every copy gets the same answer."""
    token = phone.csrf_token()
    cookie = phone.http.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    form = {"action_key": key(), "csrf_token": token}
    headers = {"HX-Request": "true"} if htmx else {}
    start = threading.Barrier(8)
    answers, failures = [], []

    def press():
        web = client_factory()
        web.http.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        try:
            start.wait()
            answers.append(answer(web.post("/help", form, csrf=False, headers=headers)))
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(answers) == 8 and len(set(answers)) == 1, {a[:2] for a in answers}
    assert answers[0][0] == (200 if htmx else 303)
    session.expire_all()
    assert count(session, HelpRequest) == 1
    assert len(presses(session)) == 1


def test_a_late_check_in_counts_from_when_it_was_pressed_and_the_coach_sees_both(phone, desk, aino, session, now):
    now.set(at(8, 40))
    response = phone.post("/arrive", {"day": MONDAY, "action_key": key()}, headers=minutes(38))
    assert response.status_code == 303
    assert record(session, aino).arrived_at == at(8, 2)
    assert "You came to work at 8:02." in visible_text(phone.get("/"))
    board = visible_text(desk.get("/coach/"))
    assert "At work since 8:02" in board
    assert "Arrived 8:02 (reached Selko 8:40)" in board
    history = visible_text(desk.get(f"/coach/clients/{aino.id}"))
    assert "Arrived 8:02 8:40 Done" in history, "the day's history: pressed, reached Selko, outcome"


def test_a_press_a_few_minutes_late_shows_one_time(phone, desk, aino, session, now):
    now.set(at(8, 40))
    phone.post("/arrive", {"day": MONDAY}, headers=minutes(4))
    assert record(session, aino).arrived_at == at(8, 36)
    assert "reached Selko" not in visible_text(desk.get("/coach/"))


def test_a_late_first_press_is_the_first_time_even_after_a_live_one(phone, aino, session, now):
    """The phone pressed at 8.02 offline; a second phone checked in live at
    8.30; the first press reaches Selko at 8.40. She came at 8.02."""
    now.set(at(8, 30))
    phone.post("/arrive", {"day": MONDAY, "action_key": key()})
    now.set(at(8, 40))
    phone.post("/arrive", {"day": MONDAY, "action_key": key()}, headers=minutes(38))
    assert record(session, aino).arrived_at == at(8, 2)


@pytest.mark.parametrize("header", ["abc", "-60000", "1e9", "", "NaN", "٣٠٠", "12,5", "inf", "9" * 40])
def test_a_bad_age_header_counts_as_now(header, phone, aino, session, now):
    now.set(at(8, 40))
    response = phone.post("/arrive", {"day": MONDAY, "action_key": key()}, headers={AGE: header})
    assert response.status_code == 303
    assert record(session, aino).arrived_at == at(8, 40)


def test_a_press_is_never_in_the_future(phone, aino, session, now):
    now.set(at(8, 40))
    phone.post("/arrive", {"day": MONDAY}, headers={AGE: "-3600000"})
    pressed = presses(session)[0]
    assert pressed.pressed_at == pressed.received_at == at(8, 40)


def test_a_press_is_never_before_the_start_of_its_day(phone, aino, session, now):
    now.set(at(8, 40))
    phone.post("/arrive", {"day": MONDAY}, headers=minutes(20 * 60))
    assert record(session, aino).arrived_at == at(0, 0)
    now.set(at(9, 0))
    phone.post("/help", {}, headers={AGE: "9" * 15})  # the phone says: thousands of years ago
    assert presses(session)[-1].pressed_at >= at(9, 0) - timedelta(days=8)


def test_yesterdays_press_sent_today_counts_for_yesterday(phone, task, aino, session, now):
    """Pressed Monday 15.55 with no network; the phone sends it Tuesday 7.30."""
    attendance.arrive(session, aino.id, now.value.date(), at=at(8, 0))
    session.commit()
    now.set(at(7, 30, day=24))
    response = phone.post("/leave", {"day": MONDAY, "action_key": key(), "sure": "1"}, headers=minutes(15 * 60 + 35))
    assert response.status_code == 303
    assert record(session, aino).left_at == at(15, 55)
    url, form = ACTIONS["tick"](task)
    assert phone.post(url, form, headers=minutes(15 * 60)).status_code == 303
    session.expire_all()
    tick = session.scalar(select(StepTick))
    assert (tick.date.isoformat(), tick.ticked_at) == (MONDAY, at(16, 30))


@pytest.mark.parametrize("age, days_later", [(None, 1), (30, 1), (8 * 24 * 60 - 30, 8)], ids=["live", "pressed today", "over a week ago"])
def test_an_earlier_days_page_is_refused_unless_pressed_that_day(age, days_later, phone, aino, session, now):
    attendance.arrive(session, aino.id, now.value.date(), at=at(8, 0))
    session.commit()
    now.set(at(7, 30) + timedelta(days=days_later))
    headers = minutes(age) if age else {}
    response = phone.post("/leave", {"day": MONDAY, "action_key": key(), "sure": "1"}, headers=headers)
    assert response.status_code == 400
    assert "This page is from another day." in visible_text(response)
    assert record(session, aino).left_at is None


def test_a_refused_press_is_refused_the_same_way_when_it_comes_again(phone, task, aino, session, desk, coach):
    """The phone ticked a step offline; the coach removed the step meanwhile."""
    task_row, assignment = task
    url, form = ACTIONS["tick"](task)
    removed = task_row.steps[-1]
    url = f"/tasks/{assignment.id}/steps/{removed.id}"
    desk.post(f"/coach/tasks/{task_row.id}", {"title": "Wash the dishes", "emoji": "", "steps": "Put on the apron.\nRinse the dishes."})
    form["action_key"] = key()
    first = phone.post(url, form, headers=minutes(20))
    assert first.status_code == 404
    assert phone.post(url, form).status_code == 404
    [refused] = presses(session)
    assert (refused.kind, refused.status, refused.outcome) == ("tick", 404, ActionOutcome.refused)
    assert session.scalars(select(StepTick)).all() == []
    assert "Refused" in visible_text(desk.get(f"/coach/clients/{aino.id}")), "the coach sees it in the day's history"


def test_a_refusal_stands_even_when_the_same_press_would_now_be_fine(phone, aino, session, now):
    form = {"day": "2026-11-22", "action_key": key()}
    assert phone.post("/arrive", form).status_code == 400
    assert phone.post("/arrive", {**form, "day": MONDAY}).status_code == 400, "the same key is the same press"
    assert record(session, aino) is None


def test_the_coachs_correction_stands_against_a_press_made_before_it(phone, desk, aino, session, now):
    """Aino pressed "I am at work" at 8.02 with no network. At 8.30 the coach
    records her absent (she phoned in ill). At 8.40 her press arrives."""
    now.set(at(8, 30))
    response = desk.post(f"/coach/clients/{aino.id}/attendance", {"reason": "ill"})
    assert response.status_code == 303
    now.set(at(8, 40))
    late = phone.post("/arrive", {"day": MONDAY, "action_key": key()}, headers={**minutes(38), "HX-Request": "true"})
    assert late.status_code == 200
    day = record(session, aino)
    assert (day.absence_reason, day.arrived_at) == (AbsenceReason.ill, None)
    [pressed] = presses(session)
    assert (pressed.outcome, pressed.pressed_at) == (ActionOutcome.superseded, at(8, 2))
    assert "Your coach changed today's information." in visible_text(late)
    today = visible_text(phone.get("/"))
    assert "Your coach changed today's information." in today
    assert "Your coach also sees what you pressed." in today
    history = visible_text(desk.get(f"/coach/clients/{aino.id}"))
    assert "Not applied: the day was corrected after it" in history
    assert "Corrected by Sanna at 8:30." in history


def test_a_press_after_the_correction_counts(phone, desk, aino, session, now):
    now.set(at(8, 30))
    desk.post(f"/coach/clients/{aino.id}/attendance", {"reason": "ill"})
    now.set(at(9, 0))
    phone.post("/arrive", {"day": MONDAY, "action_key": key()})
    day = record(session, aino)
    assert (day.absence_reason, day.arrived_at) == (None, at(9, 0))
    assert "Your coach changed" not in visible_text(phone.get("/"))


def test_ticks_and_help_are_never_superseded(phone, desk, aino, task, session, now):
    now.set(at(8, 30))
    desk.post(f"/coach/clients/{aino.id}/attendance", {"reason": "ill"})
    now.set(at(8, 40))
    url, form = ACTIONS["tick"](task)
    phone.post(url, form, headers=minutes(30))
    phone.post("/help", {}, headers=minutes(30))
    assert {p.outcome for p in presses(session)} == {ActionOutcome.done}
    assert count(session, StepTick) == 1


def test_the_coach_corrects_today(desk, aino, coach, session, now):
    response = desk.post(f"/coach/clients/{aino.id}/attendance", {"arrived": "8.15", "left": "9.05"})
    assert response.status_code == 303
    day = record(session, aino)
    assert (day.arrived_at, day.left_at, day.corrected_by_id, day.corrected_at) == (at(8, 15), at(9, 5), coach.id, at(9, 30))
    page = visible_text(desk.get(f"/coach/clients/{aino.id}"))
    assert "Was at work 8:15–9:05" in page
    assert "Corrected by Sanna at 9:30." in page
    audited = session.scalars(select(AuditEvent.action).where(AuditEvent.what == "coach.attendance_correct")).all()
    assert audited == ["change"]


@pytest.mark.parametrize(
    "form, message",
    [
        ({"arrived": "25.00"}, "Write times like 8.00 or 14.30."),
        ({"arrived": "8", "left": "soon"}, "Write times like 8.00 or 14.30."),
        ({"arrived": "9.00", "left": "8.30"}, "The client cannot leave before arriving."),
        ({"arrived": "10.00"}, "A time cannot be later than now."),
        ({"left": "9.00"}, "Give the time the client arrived, or choose a reason for the absence."),
        ({}, "Give the time the client arrived, or choose a reason for the absence."),
        ({"reason": "bored"}, "Choose a reason for the absence."),
        ({"reason": "ill", "arrived": "8.00"}, "An absent day has no arrival or leaving time. Leave the times empty."),
    ],
)
def test_a_wrong_correction_says_what_is_wrong_and_changes_nothing(form, message, desk, aino, session):
    response = desk.post(f"/coach/clients/{aino.id}/attendance", form)
    assert response.status_code == 400
    assert message in visible_text(response)
    assert record(session, aino) is None


def test_the_day_history_is_in_finnish_for_a_finnish_coach(make, client_factory, sign_in, session, now):
    coach = make.coach(name="Sanna")
    client = make.client(coach=coach, name="Aino")
    now.set(at(8, 40))
    sign_in(client_factory(), client).post("/arrive", {"day": MONDAY}, headers=minutes(38))
    page = visible_text(sign_in(client_factory(), coach).get(f"/coach/clients/{client.id}"))
    assert "Läsnäolo tänään" in page
    assert "Saapui 8.02 8.40" in page
    assert "Saapui klo 8.02 (tieto Selkoon klo 8.40)" in visible_text(sign_in(client_factory(), coach).get("/coach/"))
