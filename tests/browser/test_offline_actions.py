"""Nothing lost when the network drops: the client's actions in real Chromium
with the real service worker, its Workbox queue and Selko's action keys.

The server's clock moves with real time here (`moving_clock`), so the time a
button was pressed can be compared with the time the action reached Selko.
"""

import random
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from selko import clock
from selko.day.self_assessment import AREAS
from selko.library.tasks import set_steps
from selko.models import Attendance, ClientAction, HelpRequest, SelfAssessment, StepTick, Task
from tests.conftest import HELSINKI

WORKER_CONTROLS = "() => navigator.serviceWorker.controller !== null"  # a function: the CSP forbids eval
# Offline pages and the known permission-report race (test_alarms.py) log these.
OFFLINE_NOISE = ("net::ERR_INTERNET_DISCONNECTED", "/alarms/permission)")

WORKER_STATUS = """() => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    navigator.serviceWorker.controller.postMessage({type: "selko-status"}, [channel.port2]);
})"""

PAGES_SAVED = """(paths) => caches.open("selko-pages-v1")
    .then((cache) => cache.keys())
    .then((keys) => paths.every((p) => keys.some((k) => new URL(k.url).pathname === p)))"""


@pytest.fixture
def moving_clock(now, monkeypatch):
    """Monday 9.30, moving on with real time from the moment the test starts."""
    started = datetime.now(timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: now.value.astimezone(timezone.utc) + (datetime.now(timezone.utc) - started))


def local_clock(instant) -> str:
    return f"{instant.astimezone(HELSINKI):%-H.%M}"


def kept(page) -> dict:
    """What the phone's service worker still keeps, and what it was refused."""
    return page.evaluate(WORKER_STATUS)


def wait_until_all_sent(page):
    page.wait_for_function("async () => (await (" + WORKER_STATUS + ")()).queued.length === 0", timeout=20_000)


def wait_until(page, condition, what: str, seconds: float = 20):
    """Poll the server's side (the database) without stopping the browser."""
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"waited {seconds} s for {what}")


def client_with_tasks(make, tasks=2, steps=3):
    coach = make.coach(name="Sanna Coach")
    client = make.client(coach=coach, name="Aino Client", language="fi")
    assignments = []
    for number in range(1, tasks + 1):
        task = make.task(
            organisation_id=client.organisation_id,
            title=f"Task {number}",
            steps=tuple(f"Task {number} step {s}." for s in range(1, steps + 1)),
        )
        assignments.append(make.assignment(client=client, task=task, position=number))
    return coach, client, assignments


def phone_with_saved_day(new_context, open_link, client, assignments, **options):
    """A signed-in phone whose worker controls the page and has saved the day."""
    context = new_context(service_workers="allow", **options)
    page = open_link(context, client)
    # The worker installed while signing in may take over only at the next load.
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not page.evaluate(WORKER_CONTROLS):
        page.reload()
    page.wait_for_function(WORKER_CONTROLS)
    paths = ["/", "/tasks", *(f"/tasks/{a.id}" for a in assignments), "/absent", "/today-went"]
    page.wait_for_function(PAGES_SAVED, arg=paths)
    return context, page


def actions_of(session, client) -> list[ClientAction]:
    session.expire_all()
    return list(session.scalars(select(ClientAction).where(ClientAction.client_id == client.id).order_by(ClientAction.id)))


def step_ids(session, assignment) -> list[int]:
    return [s.id for s in session.get(Task, assignment.task_id).steps]


def tick(page, step_id: int, done: bool):
    page.locator(f"#step-{step_id} button.tick").click()


def wait_tick_shown(page, step_id: int, done: bool):
    shown = "[data-when-done]" if done else "[data-when-not-done]"
    page.locator(f"#step-{step_id} {shown}").wait_for()


def test_twenty_network_flips_lose_nothing_and_send_nothing_twice(make, session, live_server, new_context, open_link, page_problems, moving_clock):
    page_problems.allowed = OFFLINE_NOISE
    coach, client, assignments = client_with_tasks(make)
    context, page = phone_with_saved_day(new_context, open_link, client, assignments)
    steps = [step_ids(session, a) for a in assignments]

    # The client's day, in order: what is pressed, on which page, and what it shows.
    day = [("arrive", "/", None)]
    day += [("tick", f"/tasks/{assignments[0].id}", (s, True)) for s in steps[0]]
    day += [("help", f"/tasks/{assignments[0].id}", None)]
    # A tick taken away and given again: replayed out of order it would end wrong.
    day += [("tick", f"/tasks/{assignments[1].id}", (steps[1][0], True)), ("tick", f"/tasks/{assignments[1].id}", (steps[1][0], False))]
    day += [("tick", f"/tasks/{assignments[1].id}", (s, True)) for s in steps[1]]
    day += [("assessment", "/today-went", None), ("leave", "/", None)]

    rng = random.Random(9)
    flips_total = 20
    # Where the 20 flips fall: before an action's page opens, or right after a
    # press, while its request may be on its way (the answer can be lost).
    flips_at = [rng.randrange(len(day) * 2) for _ in range(flips_total)]
    offline = False

    def flip(times):
        nonlocal offline
        for _ in range(times):
            offline = not offline
            context.set_offline(offline)

    for number, (kind, path, detail) in enumerate(day):
        flip(flips_at.count(number * 2))
        if page.url.removeprefix(live_server.url) != path:
            page.goto(path)
        if kind == "tick":
            step_id, done = detail
            tick(page, step_id, done)
            flip(flips_at.count(number * 2 + 1))
            wait_tick_shown(page, step_id, done)
        elif kind == "help":
            page.locator(".help-bar form button").click()
            flip(flips_at.count(number * 2 + 1))
            page.locator("#help [data-part=help]").wait_for()
        elif kind == "assessment":
            for area in AREAS:
                page.locator(f"input[name={area}][value='3']").check()
            with page.expect_navigation():
                # An open help request adds its own form to the page: press the answers' one.
                page.locator(f"main form:has(input[name={AREAS[0]}]) button[type=submit]").click()
            flip(flips_at.count(number * 2 + 1))
        elif kind in ("arrive", "leave"):
            page.locator(f"#check-in form[action='/{kind}']:visible button").click()
            flip(flips_at.count(number * 2 + 1))
            page.locator(f"#check-in form[action='/{kind}']:visible").wait_for(state="detached")
    assert flips_at.count(len(day) * 2) + sum(flips_at.count(n) for n in range(len(day) * 2)) == flips_total
    flip(flips_at.count(len(day) * 2))

    # Back online for good: whatever the phone kept arrives.
    context.set_offline(False)
    page.goto("/")
    wait_until(page, lambda: len(actions_of(session, client)) >= len(day), "every action to reach Selko")
    wait_until_all_sent(page)

    stored = actions_of(session, client)
    kinds = [a.kind for a in stored]
    duplicates = len(stored) - len({a.key for a in stored})
    lost = len(day) - len(stored)
    kept_offline = sum(1 for a in stored if a.pressed_at < a.received_at)
    print(
        f"\noffline flips: {flips_total}, actions taken: {len(day)}, actions stored: {len(stored)}, "
        f"duplicates: {duplicates}, lost: {max(lost, 0)}, sent later from the phone: {kept_offline}"
    )
    assert kinds == [kind for kind, _, _ in day], "each action once, in the order pressed"
    assert kept_offline > 0, "some actions were really kept offline and sent later"
    for earlier, later in zip(stored, stored[1:]):
        assert earlier.pressed_at <= later.pressed_at, "pressed times keep the order of the presses"
    for action in stored:
        assert action.pressed_at <= action.received_at

    # The day Selko has is the day the client pressed, at the times pressed.
    session.expire_all()
    attendance = session.scalar(select(Attendance).where(Attendance.client_id == client.id))
    assert attendance.arrived_at == stored[0].pressed_at
    assert attendance.left_at == stored[-1].pressed_at
    ticked = set(session.scalars(select(StepTick.step_id).where(StepTick.client_id == client.id)))
    assert ticked == set(steps[0]) | set(steps[1])
    assert session.scalar(select(SelfAssessment).where(SelfAssessment.client_id == client.id)).work == 3
    assert len(session.scalars(select(HelpRequest).where(HelpRequest.client_id == client.id)).all()) == 1

    # The coach's board shows the same day (the coach reads Finnish).
    board = open_link(new_context(), coach)
    row = board.locator(".board-row", has_text="Aino Client").inner_text()
    assert "Pyytää apua" in row
    assert f"Oli töissä klo {local_clock(attendance.arrived_at)}–{local_clock(attendance.left_at)}" in row


def test_kept_actions_survive_a_reload_a_closed_tab_and_a_browser_restart(make, session, live_server, browser, tmp_path, page_problems, moving_clock):
    """The queue lives in the phone's storage (IndexedDB), not in the page."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, VIEWPORT

    page_problems.allowed = OFFLINE_NOISE
    coach, client, assignments = client_with_tasks(make, tasks=1)
    first_step = step_ids(session, assignments[0])[0]
    task_page = f"/tasks/{assignments[0].id}"
    profile = tmp_path / "phone"

    def start_phone():
        phone = browser.browser_type.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            base_url=live_server.url,
        )
        phone.set_default_timeout(TIMEOUT_MS)
        phone.on("page", page_problems.watch)
        return phone

    phone = start_phone()
    page = phone.pages[0] if phone.pages else phone.new_page()
    page.goto(f"/signin/{make.link(client)}")
    page.wait_for_url("**/passkeys/new")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.goto("/")
    page.wait_for_function(WORKER_CONTROLS)
    page.wait_for_function(PAGES_SAVED, arg=["/", "/tasks", task_page])

    # Offline: today's pages still open, and a step done shows at once.
    phone.set_offline(True)
    page.goto("/tasks")
    page.goto(task_page)
    page.locator("[data-offline-notice]").wait_for()
    assert "9.30" in page.locator("[data-offline-notice]").inner_text(), "the page says when it was saved"
    tick(page, first_step, True)
    wait_tick_shown(page, first_step, True)
    assert page.locator(f"#step-{first_step} [data-pending]").is_visible(), "marked: sent when the network works"
    assert page.locator("[data-steps-done]").inner_text() == "1"

    # A reload, and the tab closed and opened again: still shown, still kept.
    page.reload()
    wait_tick_shown(page, first_step, True)
    page.close()
    page = phone.new_page()
    page.goto("/")
    page.goto(task_page)
    wait_tick_shown(page, first_step, True)
    assert page.locator(f"#step-{first_step} [data-pending]").is_visible()
    assert len(kept(page)["queued"]) == 1

    # The phone is switched off and on again.
    phone.close()
    session.expire_all()
    assert session.scalar(select(StepTick).where(StepTick.client_id == client.id)) is None, "nothing arrived while offline"
    phone = start_phone()
    try:
        page = phone.pages[0] if phone.pages else phone.new_page()
        page.goto(task_page)
        wait_until(page, lambda: session.scalar(select(StepTick).where(StepTick.client_id == client.id)) is not None, "the kept tick to arrive")
        action = actions_of(session, client)[0]
        assert (action.received_at - action.pressed_at).total_seconds() > 0.2, "the time pressed, not the time it arrived"
        wait_until_all_sent(page)
        page.reload()
        wait_tick_shown(page, first_step, True)
        assert page.locator(f"#step-{first_step} [data-pending]").is_hidden(), "sent: the mark is gone"
    finally:
        phone.close()


def test_an_action_selko_refuses_later_is_dropped_and_the_client_is_told(make, session, live_server, new_context, open_link, page_problems, moving_clock):
    page_problems.allowed = OFFLINE_NOISE
    coach, client, assignments = client_with_tasks(make, tasks=1)
    task = session.get(Task, assignments[0].task_id)
    last_step = task.steps[-1].id
    context, page = phone_with_saved_day(new_context, open_link, client, assignments)
    page.goto(f"/tasks/{assignments[0].id}")

    context.set_offline(True)
    tick(page, last_step, True)
    wait_tick_shown(page, last_step, True)
    # Meanwhile the coach takes that step out of the task.
    set_steps(session, task, [s.text for s in task.steps[:-1]])
    session.commit()

    mark = live_server.mark()
    context.set_offline(False)
    wait_until(page, lambda: "POST" in [r.method for r in live_server.since(mark)], "the kept tick to be sent")
    wait_until_all_sent(page)
    # The worker empties its queue before it notes the refusal for the next page.
    for _ in range(200):
        refused = kept(page)["refused"]
        if refused:
            break
        page.wait_for_timeout(100)
    assert [(r["kind"], r["path"]) for r in refused] == [("tick", f"/tasks/{assignments[0].id}/steps/{last_step}")]

    # The next time the client opens Selko, it says so in plain words, once.
    page.goto("/")
    notice = page.locator("[data-refused]")
    notice.wait_for()
    assert "Selko ei saanut tätä tietoa" in notice.inner_text()
    assert notice.locator("[data-refused-kind=tick]").is_visible()
    assert notice.locator("[data-refused-kind=arrive]").is_hidden()
    notice.locator("[data-refused-ok]").click()
    notice.wait_for(state="hidden")
    page.reload()
    page.wait_for_function(WORKER_CONTROLS)
    assert kept(page)["refused"] == []
    assert page.locator("[data-refused]").is_hidden()
    session.expire_all()
    assert session.scalar(select(StepTick).where(StepTick.client_id == client.id)) is None


def test_a_server_error_on_replay_keeps_the_action_until_it_goes(make, session, live_server, new_context, open_link, page_problems, moving_clock, monkeypatch):
    page_problems.allowed = OFFLINE_NOISE
    coach, client, assignments = client_with_tasks(make, tasks=1)
    first_step = step_ids(session, assignments[0])[0]
    context, page = phone_with_saved_day(new_context, open_link, client, assignments)
    page.goto(f"/tasks/{assignments[0].id}")

    context.set_offline(True)
    tick(page, first_step, True)
    wait_tick_shown(page, first_step, True)

    from selko.day import tasks

    working_set_tick = tasks.set_tick

    def broken(*args, **kwargs):
        raise RuntimeError("the database is restarting")

    monkeypatch.setattr(tasks, "set_tick", broken)
    mark = live_server.mark()
    context.set_offline(False)
    wait_until(page, lambda: "POST" in [r.method for r in live_server.since(mark)], "the kept tick to be tried")
    page.wait_for_timeout(300)
    assert len(kept(page)["queued"]) == 1, "a 500 keeps the action"
    assert kept(page)["refused"] == []
    assert page.locator(f"#step-{first_step} [data-pending]").is_visible()

    # Selko works again; the next page load sends it.
    monkeypatch.setattr(tasks, "set_tick", working_set_tick)
    page.reload()
    wait_until(page, lambda: session.scalar(select(StepTick).where(StepTick.client_id == client.id)) is not None, "the tick to arrive")
    wait_until_all_sent(page)
    assert len(actions_of(session, client)) == 1


def test_the_same_action_from_two_tabs_at_once_is_stored_once(make, session, live_server, new_context, open_link, page_problems):
    coach, client, assignments = client_with_tasks(make, tasks=1)
    context, first = phone_with_saved_day(new_context, open_link, client, assignments)
    second = context.new_page()
    second.goto("/")
    second.wait_for_function(WORKER_CONTROLS)
    send = """(key) => {
        const fields = new FormData(document.querySelector(".help-bar form"));
        fields.set("action_key", key);
        window.sent = fetch("/help", {method: "POST", body: new URLSearchParams(fields), headers: {"HX-Request": "true"}})
            .then((response) => response.status);
    }"""
    key = "0b6f5d4e-2f1c-4c7a-9a55-3f1f2b0d9e11"
    first.evaluate(send, key)
    second.evaluate(send, key)
    statuses = [first.evaluate("() => window.sent"), second.evaluate("() => window.sent")]
    assert statuses == [200, 200]
    session.expire_all()
    assert len(session.scalars(select(HelpRequest).where(HelpRequest.client_id == client.id)).all()) == 1
    assert [a.key for a in actions_of(session, client)] == [key]


def test_help_asked_offline_says_the_coach_does_not_know_and_offers_the_phone(make, session, live_server, new_context, open_link, page_problems):
    page_problems.allowed = OFFLINE_NOISE
    coach, client, assignments = client_with_tasks(make, tasks=1)
    context, page = phone_with_saved_day(new_context, open_link, client, assignments)

    context.set_offline(True)
    page.locator(".help-bar form button").click()
    kept_help = page.locator("#help [data-part=help] > [data-pending]")
    kept_help.wait_for()
    assert "Työvalmentajasi ei tiedä vielä." in kept_help.inner_text()
    call = kept_help.locator("a[href='tel:0401234567']")
    assert call.is_visible() and kept_help.locator("a[href='sms:0401234567']").is_visible()
    assert call.bounding_box()["height"] >= 48 and call.bounding_box()["width"] >= 250, "large, the first thing to press"

    context.set_offline(False)
    page.locator("#help [data-part=help] > [data-sent]").wait_for(timeout=20_000)
    assert "Työvalmentajasi sai viestisi." in page.locator("#help").inner_text()
    assert kept_help.is_hidden()
    session.expire_all()
    assert len(session.scalars(select(HelpRequest).where(HelpRequest.client_id == client.id)).all()) == 1


def test_an_absence_sent_offline_shows_on_today_and_arrives(make, session, live_server, new_context, open_link, page_problems):
    page_problems.allowed = OFFLINE_NOISE
    coach, client, assignments = client_with_tasks(make, tasks=1)
    context, page = phone_with_saved_day(new_context, open_link, client, assignments)

    context.set_offline(True)
    page.goto("/absent")
    page.locator("input[name=reason][value=ill]").check()
    with page.expect_navigation():
        page.locator("main form:has(input[name=reason]) button[type=submit]").click()
    absent = page.locator("#check-in [data-part=absent]")
    absent.wait_for()
    assert absent.locator("[data-pending]").is_visible()

    context.set_offline(False)
    wait_until(page, lambda: session.scalar(select(Attendance).where(Attendance.client_id == client.id)) is not None, "the absence to arrive")
    session.expire_all()
    assert session.scalar(select(Attendance).where(Attendance.client_id == client.id)).absence_reason.value == "ill"
    absent.locator("[data-pending]").wait_for(state="hidden")


def test_a_new_version_takes_over_without_losing_what_the_phone_kept(make, session, live_server, new_context, open_link, page_problems, monkeypatch):
    page_problems.allowed = OFFLINE_NOISE
    coach, client, assignments = client_with_tasks(make, tasks=1)
    first_step = step_ids(session, assignments[0])[0]
    context, page = phone_with_saved_day(new_context, open_link, client, assignments)
    old_version = kept(page)["version"]
    page.goto(f"/tasks/{assignments[0].id}")
    context.set_offline(True)
    tick(page, first_step, True)
    wait_tick_shown(page, first_step, True)

    # A deploy while the phone was offline: the server is a new version.
    from selko.web import pwa

    monkeypatch.setattr(pwa, "version", lambda: "new-version")
    context.set_offline(False)
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(page, lambda: session.scalar(select(StepTick).where(StepTick.client_id == client.id)) is not None, "the kept tick to arrive")
    page.wait_for_function("async () => (await (" + WORKER_STATUS + ")()).version === 'new-version'")
    assert old_version != "new-version"

    # The open page reloads itself once nobody is pressing anything: 5 s
    # without a touch, then a retry every 2 s, which a loaded CI machine stretches.
    page.wait_for_function("() => document.querySelector('meta[name=selko-version]').content === 'new-version'", timeout=45_000)
    wait_tick_shown(page, first_step, True)

    # And offline Today still works after the deploy.
    page.wait_for_function(PAGES_SAVED, arg=["/", f"/tasks/{assignments[0].id}"])
    context.set_offline(True)
    page.goto("/")
    page.locator("#today-heading").wait_for()
