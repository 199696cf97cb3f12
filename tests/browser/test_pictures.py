"""Task pictures in real Chromium: the coach searches "kahvi" and picks the
picture, and the client's phone shows OpenMoji's drawing of it, loaded, also
offline from the saved day."""

from sqlalchemy import select

from selko.models import Task
from tests.browser.test_offline_actions import OFFLINE_NOISE, phone_with_saved_day

COFFEE = "/pictures/17.0.0/2615.svg"
LOADED = """(src) => [...document.querySelectorAll('img')].some(
    (img) => img.getAttribute('src') === src && img.complete && img.naturalWidth > 0)"""


def test_a_coach_picks_coffee_and_the_phone_shows_its_picture(make, session, new_context, open_link, live_server, page_problems):
    coach = make.coach(name="Sanna Valmentaja")
    client = make.client(coach=coach, name="Aino Asiakas", language="fi")

    desk = open_link(new_context(), coach, "/coach/tasks/new")
    desk.fill("#title", "Keitä kahvia")
    desk.fill("#steps", "Laita suodatin.\nLaita kahvi.")
    desk.locator("#picture-q").fill("kahvi")
    desk.locator("#picture-found", has_text="kahvi").wait_for()
    assert desk.locator("#picture-found").inner_text() == "1 kuva haulla ”kahvi”."
    coffee = desk.locator("#picture-choices input[name=emoji][value='☕']")
    assert desk.locator("#picture-choices input[name=emoji]").count() == 2, "no picture, and coffee"
    assert desk.locator("#picture-choices label", has=desk.locator("input[value='☕']")).inner_text().strip() == "Kahvi"
    desk.wait_for_function(LOADED, arg=COFFEE)
    # Enter in the search searches; it does not save the task.
    with desk.expect_response(lambda r: "q=kahvi" in r.url):
        desk.locator("#picture-q").press("Enter")
    assert desk.url.endswith("/coach/tasks/new")
    # Pick only once the search's answer is in, or it replaces the choice.
    desk.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    coffee.check()
    desk.screenshot(path="/tmp/pictures-desk.png", full_page=True)
    with desk.expect_navigation():
        desk.get_by_role("button", name="Tallenna").click()
    assert desk.url.endswith("/coach/tasks")
    session.expire_all()
    task = session.scalar(select(Task).where(Task.title == "Keitä kahvia"))
    assert task.emoji == "☕"
    assert desk.locator(f"main a img[src='{COFFEE}']").count() == 1, "the library shows it too"

    assignment = make.assignment(client=client, task=task)
    page_problems.allowed = OFFLINE_NOISE
    context, phone = phone_with_saved_day(new_context, open_link, client, [assignment])
    phone.goto(f"/tasks/{assignment.id}")
    heading = phone.locator(f"h1 img[src='{COFFEE}']")
    assert heading.get_attribute("alt") == "", "decorative: the title beside it says what it is"
    phone.wait_for_function(LOADED, arg=COFFEE)
    assert "☕" not in phone.locator("main").inner_text(), "not the phone's own emoji"

    # Offline, the saved task page shows the picture the worker saved with it.
    saved = "(src) => caches.open('selko-pictures-v1').then((cache) => cache.match(src)).then(Boolean)"
    assert phone.evaluate(saved, COFFEE)
    context.set_offline(True)
    mark = live_server.mark()
    phone.reload()
    phone.locator("[data-offline-notice]").wait_for()
    phone.wait_for_function(LOADED, arg=COFFEE)
    assert live_server.paths_since(mark) == []
    phone.screenshot(path="/tmp/pictures-phone.png", full_page=False)
    context.set_offline(False)
