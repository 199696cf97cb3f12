"""Help and the coach on the first screen (issue 10, items 3 and 8), and a
coach's phone that stays the coach's (item 7), at 360 x 740.

The status of a help request asks Selko again at each `selko:minute` event
on document.body (selko.js sends one at every minute boundary); these tests
dispatch it themselves, so they do not wait a minute.
"""

from sqlalchemy import select

from selko.models import DeviceSession, HelpRequest, SignInToken

HEIGHT = 740
MINUTE = "document.body.dispatchEvent(new Event('selko:minute'))"

# Every control but the bar's own, with its box on the screen.
CONTROLS_UNDER_BAR = """() => {
  const bar = document.querySelector('.help-bar').getBoundingClientRect();
  const hit = [];
  for (const el of document.querySelectorAll('a, button, input, select, textarea, summary, label')) {
    if (el.closest('.help-bar, [hidden], .visually-hidden') || el.type === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.bottom > bar.top && box.top < bar.bottom) hit.push(el.outerHTML.slice(0, 80));
  }
  return hit;
}"""


def client_with_a_task(make):
    coach = make.coach(name="Sanna V.", phone="040 123 4567")
    client = make.client(coach=coach, name="Aino K.")
    task = make.task(organisation_id=client.organisation_id)
    assignment = make.assignment(client=client, task=task)
    return coach, client, task, assignment


def assert_help_on_first_screen(page, where: str):
    for control in (page.locator(".help-bar a[href='tel:0401234567']"), page.locator(".help-bar form[action='/help'] button")):
        box = control.bounding_box()
        assert box is not None, f"{where}: no {control}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, f"{where}: not on the first screen: {box}"
        assert box["height"] >= 48, f"{where}: {box['height']} px high"
    assert page.locator(".help-bar").inner_text().split() == ["Soita", "Tarvitsen", "apua"], where
    assert page.locator(".help-bar img[alt='']").count() == 2, f"{where}: each button's picture is OpenMoji's"
    # At the end of the page nothing is left under the bar.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate(CONTROLS_UNDER_BAR) == [], f"{where}: the bar covers controls"
    page.evaluate("window.scrollTo(0, 0)")


def test_call_and_help_are_on_the_first_screen_of_every_client_page(make, session, new_context, open_link):
    coach, client, task, assignment = client_with_a_task(make)
    make.passkey(client)
    page = open_link(new_context(), client)
    pages = [
        "/",
        "/tasks",
        "/week",
        f"/tasks/{assignment.id}",
        "/absent",
        "/today-went",
        "/today-went/thanks",
        "/alarms",
        "/share",
        "/home-screen",
        "/account",
        "/language",
        "/passkeys/new",
        "/help",
    ]
    for path in pages:
        page.goto(path)
        assert_help_on_first_screen(page, path)
        # The client's own pages are one press apart everywhere, account and language too.
        assert page.locator("nav.client-nav a[href='/tasks']").count() == 1, path

    # Text at twice the size: the bar grows, and the page still ends clear of it.
    for path in ("/", f"/tasks/{assignment.id}", "/account"):
        page.goto(path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert_help_on_first_screen(page, f"{path} at 200 %")

    # Typing: the bar steps aside, so it never covers the field or the keyboard.
    page.goto("/share")
    page.locator("#share-name").focus()
    assert page.locator(".help-bar").is_hidden()
    page.locator("#share-name").blur()
    assert page.locator(".help-bar").is_visible()


def test_help_at_a_step_tells_the_coach_the_step_and_the_client_sees_the_coach_knows(make, session, new_context, open_link):
    coach, client, task, assignment = client_with_a_task(make)
    phone = open_link(new_context(), client, f"/tasks/{assignment.id}")
    board = open_link(new_context(), coach)

    second_step = phone.locator("#steps li.step").nth(1)
    second_step.locator("form.step-help button").click()
    status = phone.locator("#help-status")
    status.wait_for()
    assert "Pyysit apua klo 9.30." in status.inner_text()
    assert "Kysyit vaiheesta 2." in status.inner_text()
    box = status.bounding_box()
    assert 0 <= box["y"] < HEIGHT, "the client sees what came of the press"
    session.expire_all()
    asked = session.scalar(select(HelpRequest).where(HelpRequest.client_id == client.id))
    assert (asked.task_id, asked.step_position) == (task.id, 2)

    board.reload()
    row = board.locator(".board-row.needs-help")
    assert "Jumissa: Tiskaa astiat, vaihe 2." in row.inner_text()
    with board.expect_navigation():
        row.locator("form[action$='/handled'] button").click()

    # The page asks again at the next minute; no reload.
    phone.evaluate(MINUTE)
    phone.locator("#help-status", has_text="Työvalmentaja tietää.").wait_for()
    assert "Pyysit apua klo 9.30." in status.inner_text()


def test_the_client_cancels_help_and_the_board_shows_it(make, session, new_context, open_link):
    coach, client, task, assignment = client_with_a_task(make)
    phone = open_link(new_context(), client)
    board = open_link(new_context(), coach)

    phone.locator(".help-bar form button").click()
    phone.locator("#help-status", has_text="Pyysit apua klo 9.30.").wait_for()
    board.reload()
    assert board.locator(".board-row.needs-help").count() == 1

    phone.locator("#help-status form button", has_text="Peru avun pyyntö").click()
    phone.locator("#help-status", has_text="Peruit avun pyynnön.").wait_for()
    session.expire_all()
    asked = session.scalar(select(HelpRequest).where(HelpRequest.client_id == client.id))
    assert asked.cancelled_at is not None and asked.handled_at is None

    board.reload()
    assert board.locator(".board-row.needs-help").count() == 0
    assert "Pyysi apua klo 9.30, perui pyynnön klo 9.30." in board.locator(".board-row").inner_text()
    # Still gone after the next minute and on the next page.
    phone.evaluate(MINUTE)
    phone.goto("/tasks")
    assert phone.locator("#help [data-part=help]").is_hidden()


def test_a_coach_who_opens_a_clients_link_is_asked_and_no_changes_nothing(make, session, new_context, open_link):
    coach, client, task, assignment = client_with_a_task(make)
    coach_phone = open_link(new_context(), coach)
    token = make.link(client)

    coach_phone.goto(f"/signin/{token}")
    question = coach_phone.locator("main")
    assert "Avaatko Selkon henkilölle Aino K.?" in question.inner_text()
    assert "Tässä puhelimessa on nyt Selko henkilölle Sanna V." in question.inner_text()
    coach_phone.wait_for_timeout(300)  # the plain sign-in page would have submitted itself by now
    assert "/signin/" in coach_phone.url
    with coach_phone.expect_navigation():
        coach_phone.get_by_role("link", name="Ei, pidä Selko henkilölle Sanna V.").click()
    assert coach_phone.url.endswith("/coach/")
    assert coach_phone.locator("#board").is_visible(), "the coach is still signed in"
    session.expire_all()
    assert session.scalar(select(SignInToken.used_at).where(SignInToken.user_id == client.id)) is None

    # The link still works, on the client's own phone.
    phone = new_context().new_page()
    phone.goto(f"/signin/{token}")
    phone.wait_for_url(lambda url: "/signin/" not in url)
    if phone.url.endswith("/passkeys/new"):
        phone.goto("/")
    assert "Aino K." in phone.locator("body").inner_text() or phone.locator("#check-in").is_visible()


def test_a_coach_who_says_yes_is_signed_out_here_and_the_client_in(make, session, new_context, open_link):
    coach, client, task, assignment = client_with_a_task(make)
    coach_phone = open_link(new_context(), coach)
    coach_phone.goto(f"/signin/{make.link(client)}")
    with coach_phone.expect_navigation():
        coach_phone.get_by_role("button", name="Kyllä, avaa henkilölle Aino K.").click()
    coach_phone.goto("/")
    assert coach_phone.locator("#check-in").is_visible(), "the client's Today"
    session.expire_all()
    coach_sessions = session.scalars(select(DeviceSession).where(DeviceSession.user_id == coach.id)).all()
    assert coach_sessions and all(s.revoked_at is not None for s in coach_sessions)
