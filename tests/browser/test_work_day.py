"""A work day in real Chromium, from connecting the phone to the coach's board.

Scenarios 1-4 of the browser-test issue:
1. the coach signs in with a one-time link, creates a client, sets Monday's
   hours, gives a task and connects the client's phone with the link shown;
2. on that phone the client checks in (htmx, no page load), ticks every step
   of the task, asks for help inside it and answers "How did today go?";
3. another client reports absent with a picture and a note;
4. the coach's board shows all of it, the help request on top.

Selectors use the language-independent hooks (form actions, ids, data- and
name attributes); the coach works in English so the board's words can be read.
"""

import re

from sqlalchemy import select

from selko.day.self_assessment import AREAS
from selko.models import (
    AbsenceReason,
    Attendance,
    HelpRequest,
    Passkey,
    SelfAssessment,
    StepTick,
    User,
)
from tests.browser.conftest import add_virtual_authenticator

STEPS = ("Take the cloth.", "Wet the window.", "Wipe it dry.")


def submit(page, form_selector: str):
    """Press a form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()


def progress_numbers(page) -> list[int]:
    """The numbers in "Steps done: N. All steps: M.", in any language's word order."""
    return sorted(int(n) for n in re.findall(r"\d+", page.locator("#steps .progress-text").inner_text()))


def choose_language(page, code: str):
    page.goto("/language")
    with page.expect_navigation():
        page.locator(f"form[action='/language'] button[name=language][value={code}]").click()


def coach_creates_and_connects_a_client(coach_page, phone_context):
    """Scenario 1. Returns the client's id and the phone's page on Today."""
    coach_page.goto("/coach/clients/new")
    coach_page.fill("#name", "Ville Virtanen")
    coach_page.fill("#phone", "040 765 4321")
    coach_page.fill("#workplace", "Kauppa Oy")
    coach_page.select_option("#language", "fi")
    submit(coach_page, "form[action='/coach/clients/new']")
    match = re.search(r"/coach/clients/(\d+)$", coach_page.url)
    assert match, f"after creating a client the coach should see the client's page, not {coach_page.url}"
    client_id = int(match.group(1))

    # Monday (weekday 0, the frozen day): 8-14 with a coffee break.
    coach_page.locator(f"nav.client-tabs a[href='/coach/clients/{client_id}/schedule']").click()
    coach_page.locator(f"a[href='/coach/clients/{client_id}/schedule/0']").click()
    coach_page.wait_for_url(f"**/coach/clients/{client_id}/schedule/0")
    coach_page.check("input[name=works]")
    coach_page.fill("#starts", "8.00")
    coach_page.fill("#ends", "14.00")
    coach_page.fill("#break0_name", "Kahvi")
    coach_page.fill("#break0_starts", "10.00")
    coach_page.fill("#break0_ends", "10.15")
    submit(coach_page, f"form[action='/coach/clients/{client_id}/schedule/0']")
    assert coach_page.url.endswith(f"/coach/clients/{client_id}/schedule#schedule")
    monday = coach_page.locator("#schedule tbody tr").first
    assert "8:00–14:00" in monday.inner_text()
    assert "Kahvi 10:00–10:15" in monday.inner_text()

    # A task in the library, given for Mondays.
    coach_page.goto("/coach/tasks/new")
    coach_page.fill("#title", "Wash the windows")
    coach_page.check('input[name=emoji][value="🪟"]')
    coach_page.fill("#steps", "\n".join(STEPS))
    submit(coach_page, "form[action='/coach/tasks/new']")
    assert coach_page.url.endswith("/coach/tasks")
    coach_page.goto(f"/coach/clients/{client_id}/schedule")
    coach_page.select_option("#assign-weekday", "0")
    coach_page.select_option("#assign-task", label="🪟 Wash the windows")
    submit(coach_page, f"form[action='/coach/clients/{client_id}/assignments']")
    assert "Wash the windows" in coach_page.locator("#tasks ol").first.inner_text()

    # Connect phone: a QR code and the one-time link.
    coach_page.locator(f"nav.client-tabs a[href='/coach/clients/{client_id}']").click()
    submit(coach_page, f"form[action='/coach/clients/{client_id}/connect']")
    assert coach_page.locator(".qr svg").is_visible()
    link = coach_page.locator("[data-sign-in-link]").get_attribute("href")
    assert re.fullmatch(r"http://localhost:\d+/signin/[\w-]+", link), link

    # The client's phone opens the link; the sign-in page submits itself,
    # offers to lock Selko with a passkey, and "Not now" leads to Today.
    phone = phone_context.new_page()
    phone.goto(link)
    phone.wait_for_url("**/passkeys/new")
    with phone.expect_navigation():
        phone.locator("main a[href='/']").click()
    assert phone.url == link.split("/signin/")[0] + "/"
    heading = phone.locator("#today-heading")
    assert "maanantai 23.11." in heading.inner_text(), "Today, in the client's language (fi)"
    assert phone.locator("html").get_attribute("lang") == "fi"
    assert phone.locator("#check-in form[action='/arrive']").is_visible()
    return client_id, phone


def client_does_the_day(phone, live_server, session, client_id):
    """Scenario 2, on a phone that shows Today."""
    # Check in: htmx swaps #check-in; the page itself is not loaded again.
    phone.evaluate("window.__sameDocument = true")
    mark = live_server.mark()
    phone.locator("#check-in form[action='/arrive'] [type=submit]").click()
    phone.locator("#check-in form[data-early-until]").wait_for()
    assert "9.30" in phone.locator("#check-in").inner_text(), "the arrival time, in Finnish clock style"
    assert phone.evaluate("window.__sameDocument === true"), "checking in must not load the page again"
    posts = [r for r in live_server.since(mark) if r.method == "POST"]
    assert [(r.path, r.htmx) for r in posts] == [("/arrive", True)]
    assert not [r for r in live_server.since(mark) if r.mode == "navigate"], live_server.since(mark)

    # Open the task from "My tasks".
    phone.goto("/tasks")
    task_link = phone.locator("a.task-link").first
    assert "Wash the windows" in task_link.inner_text()
    task_link.click()
    phone.wait_for_url(re.compile(r"/tasks/\d+$"))

    phone.evaluate("window.__sameDocument = true")
    progress = phone.locator("#steps progress")
    assert progress.get_attribute("value") == "0"
    for number in range(1, len(STEPS) + 1):
        step = phone.locator("#steps li.step").nth(number - 1)
        assert STEPS[number - 1] in step.inner_text()
        step.locator("button.tick").click()
        phone.wait_for_function("n => document.querySelector('#steps progress').value === n", arg=number)
        assert progress_numbers(phone) == sorted([number, len(STEPS)])
        # htmx settles attributes of elements that keep their id: wait, do not read once.
        phone.locator(f"#steps li.step:nth-child({number}).is-done").wait_for()
        if number == 1:
            # Stuck on the second step: "I need help" inside the task.
            phone.locator(".help-bar form[action='/help'] [type=submit]").click()
            phone.locator("#help [role=status]").wait_for()
            assert phone.locator("#steps .done[role=status]").is_hidden(), "no 'Well done' before the end"
    assert phone.locator("#steps .done[role=status]").is_visible(), "'Well done' when every step is ticked"
    assert progress_numbers(phone) == [len(STEPS), len(STEPS)]
    assert phone.evaluate("window.__sameDocument === true"), "ticking steps must not load the page again"

    # How did today go: five questions with faces, and "I want to talk".
    phone.goto("/today-went")
    assert phone.locator("fieldset.faces").count() == len(AREAS) == 5
    for area, face in zip(AREAS, (3, 2, 3, 1, 2)):
        phone.locator(f"input[name={area}][value='{face}']").check()
    phone.locator("input[name=talk]").check()
    submit(phone, "form[action='/today-went']")
    assert phone.url.endswith("/today-went/thanks")

    session.expire_all()
    attendance = session.scalar(select(Attendance).where(Attendance.client_id == client_id))
    assert attendance.arrived_at is not None and attendance.absence_reason is None
    assert len(session.scalars(select(StepTick).where(StepTick.client_id == client_id)).all()) == len(STEPS)
    answers = session.scalar(select(SelfAssessment).where(SelfAssessment.client_id == client_id))
    assert [getattr(answers, a) for a in AREAS] == [3, 2, 3, 1, 2] and answers.wants_to_talk
    help_asked = session.scalar(select(HelpRequest).where(HelpRequest.client_id == client_id))
    assert help_asked.step_position == 2 and help_asked.task.title == "Wash the windows"


def client_reports_absent(page, live_server, session, client):
    """Scenario 3: 'I am not coming today', a picture and a few words."""
    page.locator("#check-in a[href='/absent']").click()
    page.wait_for_url("**/absent")
    page.locator("input[name=reason][value=doctor]").check()
    page.fill("textarea[name=note]", "Hammaslääkäri kello 12.")
    submit(page, "form[action='/absent']")
    assert page.url == live_server.url + "/", "back on Today"
    assert page.locator("#check-in img[src='/pictures/17.0.0/1FA7A.svg']").count() == 1, "the doctor's picture"
    assert page.locator("#check-in form[action='/arrive']").count() == 1, "'I came after all' is offered"
    session.expire_all()
    attendance = session.scalar(select(Attendance).where(Attendance.client_id == client.id))
    assert attendance.absence_reason == AbsenceReason.doctor
    assert attendance.absence_note == "Hammaslääkäri kello 12."


def test_a_work_day_from_connecting_the_phone_to_the_coach_board(make, session, live_server, new_context, open_link):
    coach = make.coach(name="Sanna Coach")
    # Two more clients: one reports absent, one has not come although work started.
    absent = make.client(coach=coach, name="Aino Poissa", language="sv")
    make.client(coach=coach, name="Bertta Myöhässä", language="en")

    # The coach opens a one-time link; the page submits itself, and a coach
    # must make a passkey (a virtual authenticator here) before anything else.
    coach_page = new_context().new_page()
    cdp, authenticator = add_virtual_authenticator(coach_page)
    coach_page.goto(f"/signin/{make.link(coach)}")
    coach_page.wait_for_url("**/passkeys/new")
    coach_page.locator("[data-passkey=register] [data-passkey-start]").click()
    coach_page.wait_for_url("**/coach/")
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    assert session.scalar(select(Passkey).where(Passkey.user_id == coach.id)) is not None
    choose_language(coach_page, "en")

    # 1. Create, schedule, connect.
    client_id, phone = coach_creates_and_connects_a_client(coach_page, new_context())
    assert session.get(User, client_id).name == "Ville Virtanen"

    # 2. The client's day on that phone.
    client_does_the_day(phone, live_server, session, client_id)

    # 3. Another client is not coming today.
    client_reports_absent(open_link(new_context(), absent), live_server, session, absent)

    # 4. The coach's board.
    coach_page.goto("/coach/")
    rows = coach_page.locator("#board .board-row")
    assert rows.count() == 3
    names = [rows.nth(i).locator("h2").inner_text() for i in range(3)]
    assert names == ["Ville Virtanen", "Bertta Myöhässä", "Aino Poissa"], "help first, then late, then by name"

    ville = rows.nth(0)
    assert "needs-help" in ville.get_attribute("class")
    help_text = ville.locator(".help-request").inner_text()
    assert "Stuck on step 2 of Wash the windows." in help_text
    assert "At work since 9:30" in ville.inner_text()
    assert "Wants to talk with you." in ville.locator(".wants-to-talk").inner_text(), "open until the coach handles it"
    assessment = ville.locator(".assessment")
    assert assessment.locator("img[src='/pictures/17.0.0/1F642.svg']").count() == 2, "two good faces"
    assert assessment.locator("img[src='/pictures/17.0.0/1F641.svg']").count() == 1, "one bad face"
    hidden_words = assessment.locator(".visually-hidden").text_content()
    assert "How did your body feel? Good." in hidden_words

    bertta = rows.nth(1)
    assert "is-late" in bertta.get_attribute("class")
    assert "Not yet at work. Work started at 8:00." in bertta.inner_text()

    aino = rows.nth(2)
    assert "status-absent" in aino.get_attribute("class")
    assert "Absent: I go to the doctor" in aino.inner_text()
    assert "Hammaslääkäri kello 12." in aino.inner_text()
    assert aino.locator("img[src='/pictures/17.0.0/1FA7A.svg']").count() == 1, "the doctor's picture"
