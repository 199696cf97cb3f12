"""Scenario 5: every client action works with JavaScript off, by plain form posts.

A cheap or locked-down phone may run no script: the sign-in page's button, the
check-in, ticking a step, asking for help, "How did today go?", reporting
absent and going home all post a form and load the next page.
"""

import re

from sqlalchemy import select

from selko.day.self_assessment import AREAS
from selko.models import (
    AbsenceReason,
    Attendance,
    HelpRequest,
    SelfAssessment,
    StepTick,
)


def post_form(page, live_server, form_selector: str, expected_path: str):
    """Press the form's button; the server must get a plain (not htmx) POST
    and answer with a page load."""
    mark = live_server.mark()
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()
    posts = [r for r in live_server.since(mark) if r.method == "POST"]
    assert len(posts) == 1 and not posts[0].htmx, posts
    navigations = [r.path for r in live_server.since(mark) if r.method == "GET" and r.mode == "navigate"]
    assert navigations == [expected_path], f"after posting {form_selector}: {navigations}"


def test_a_client_does_the_day_with_javascript_off(make, session, live_server, no_js_context, open_link):
    client = make.client(name="Aino", language="en")
    task = make.task(organisation_id=client.organisation_id, title="Fold the towels")
    assignment = make.assignment(client=client, task=task)
    page = open_link(no_js_context, client)
    assert page.locator("#check-in form[action='/arrive']").is_visible()

    post_form(page, live_server, "#check-in form[action='/arrive']", "/")
    assert "You came to work at 9:30." in page.locator("#check-in").inner_text()

    page.goto(f"/tasks/{assignment.id}")
    first_step = page.locator("#steps li.step").first
    post_form(page, live_server, f"#{first_step.get_attribute('id')} form", f"/tasks/{assignment.id}")
    assert page.url.endswith(f"/tasks/{assignment.id}#{first_step.get_attribute('id')}"), "back at the step ticked"
    assert page.locator("#steps progress").get_attribute("value") == "1"
    assert "is-done" in page.locator("#steps li.step").first.get_attribute("class")
    assert "Steps done: 1. All steps: 3." in page.locator("#steps .progress-text").inner_text()

    post_form(page, live_server, ".help-bar form[action='/help']", "/help")
    assert page.locator("main [role=status]:not([data-offline-notice])").is_visible()

    page.goto("/today-went")
    for area in AREAS:
        page.locator(f"input[name={area}][value='3']").check()
    post_form(page, live_server, "form[action='/today-went']", "/today-went/thanks")

    page.goto("/")
    with page.expect_navigation():
        page.locator("#check-in form[action='/leave'] [type=submit]").first.click()
    assert "Are you going home now?" in page.locator("#check-in").inner_text(), "going home at 9.30 asks first"
    post_form(page, live_server, "[data-leave-question] form", "/")
    assert "You went home at 9:30." in page.locator("#check-in").inner_text()

    session.expire_all()
    attendance = session.scalar(select(Attendance).where(Attendance.client_id == client.id))
    assert attendance.arrived_at is not None and attendance.left_at is not None
    assert len(session.scalars(select(StepTick).where(StepTick.client_id == client.id)).all()) == 1
    assert session.scalar(select(HelpRequest).where(HelpRequest.client_id == client.id)).step_position == 2
    assert session.scalar(select(SelfAssessment).where(SelfAssessment.client_id == client.id)).wants_to_talk is False


def test_reporting_absent_works_with_javascript_off(make, session, live_server, no_js_context, open_link):
    client = make.client(name="Bertta", language="sv")
    page = open_link(no_js_context, client)
    page.locator("#check-in a[href='/absent']").click()
    page.wait_for_url(re.compile(r"/absent$"))
    page.locator("input[name=reason][value=transport]").check()
    page.fill("textarea[name=note]", "Bussen kom inte.")
    post_form(page, live_server, "form[action='/absent']", "/")
    assert page.locator("#check-in img[src='/pictures/17.0.0/1F68C.svg']").count() == 1, "the bus's picture"
    session.expire_all()
    attendance = session.scalar(select(Attendance).where(Attendance.client_id == client.id))
    assert (attendance.absence_reason, attendance.absence_note) == (AbsenceReason.transport, "Bussen kom inte.")
