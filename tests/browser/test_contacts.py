"""Contact follow-up in Chromium at 360 px: the coach logs a contact on the
client's page and the board's "No contact" flag goes; "Handled" on the board
logs a call, and the choice survives the board's own refresh."""

from datetime import date, timedelta

from sqlalchemy import select

from selko.day import self_assessment
from selko.models import Contact, ContactKind
from selko.records import contacts

MONDAY = date(2026, 11, 23)


def english_coach(make, session, name="Sanna Coach"):
    coach = make.coach(name=name)
    coach.language = "en"
    session.merge(coach)
    session.commit()
    return coach


def board_row(page, name: str):
    return page.locator("#board .board-row", has=page.get_by_role("link", name=name, exact=True))


def test_a_contact_logged_on_the_client_page_takes_the_flag_off_the_board(make, session, new_context, open_link):
    coach = english_coach(make, session)
    aino = make.client(coach=coach, name="Aino")
    bertta = make.client(coach=coach, name="Bertta")
    contacts.log(session, aino.id, coach, ContactKind.visit, MONDAY - timedelta(days=40))
    contacts.log(session, bertta.id, coach, ContactKind.call, MONDAY - timedelta(days=2))
    session.commit()
    desk = open_link(new_context(), coach)

    assert "No contact for 40 days" in board_row(desk, "Aino").inner_text()
    assert "No contact" not in board_row(desk, "Bertta").inner_text()
    assert "2 clients of at most 20" in desk.locator("#board .caseload-size").inner_text()

    with desk.expect_navigation():
        board_row(desk, "Aino").get_by_role("link", name="Aino").click()
    with desk.expect_navigation():
        desk.get_by_role("link", name="Contacts", exact=True).click()
    section = desk.locator("#contacts")
    assert "No contact for 40 days" in section.inner_text()
    section.get_by_label("Phone call").check()
    assert desk.locator("#contact-date").input_value() == "2026-11-23", "today unless the coach changes it"
    section.get_by_label("Note (not needed)").fill("Asked how the new shifts go.")
    with desk.expect_navigation():
        section.get_by_role("button", name="Save the contact").click()
    assert desk.url.endswith(f"/coach/clients/{aino.id}/contacts#contacts")
    saved = section.get_by_role("status")
    assert "Contact saved." in saved.inner_text()
    assert saved.evaluate("(el) => el === document.activeElement"), "focused, so it is read out"
    assert 0 <= saved.bounding_box()["y"] < 740, "on the screen the coach lands on"
    first = section.locator(".contact-log li").first.inner_text()
    assert first.startswith("Phone call, Monday 23 November") and "Asked how the new shifts go." in first
    assert "Last contact: Monday 23 November" in section.inner_text()

    with desk.expect_navigation():
        desk.locator(".coach-nav").get_by_role("link", name="Today").click()
    assert "No contact" not in board_row(desk, "Aino").inner_text()

    with desk.expect_navigation():
        desk.locator(".coach-nav").get_by_role("link", name="Caseload").click()
    rows = desk.locator("table.caseload tbody tr")
    assert [rows.nth(i).locator("th").inner_text() for i in range(rows.count())] == ["Bertta", "Aino"]


def test_a_future_date_is_refused_in_the_form_with_what_was_typed(make, session, new_context, open_link):
    coach = english_coach(make, session)
    aino = make.client(coach=coach, name="Aino")
    desk = open_link(new_context(), coach, f"/coach/clients/{aino.id}/contacts")
    section = desk.locator("#contacts")
    section.get_by_label("Meeting").check()
    desk.fill("#contact-date", "2026-11-30")
    desk.fill("#contact-note", "Next week's meeting.")
    with desk.expect_navigation():
        section.get_by_role("button", name="Save the contact").click()
    summary = section.locator(".error-summary")
    assert summary.evaluate("(el) => el === document.activeElement"), "the coach is taken to what to fix"
    assert 0 <= summary.bounding_box()["y"] < 740
    assert "The date cannot be later than today." in section.inner_text()
    assert section.get_by_label("Meeting").is_checked()
    assert desk.locator("#contact-date").input_value() == "2026-11-30"
    assert desk.locator("#contact-note").input_value() == "Next week's meeting."
    assert desk.locator("#contact-date").get_attribute("aria-invalid") == "true"
    session.expire_all()
    assert session.scalar(select(Contact.id)) is None


def test_handled_on_the_board_logs_the_call_chosen_even_across_a_refresh(make, session, new_context, open_link):
    coach = english_coach(make, session)
    aino = make.client(coach=coach, name="Aino")
    self_assessment.save(session, aino.id, MONDAY, dict.fromkeys(self_assessment.AREAS, 2), True)
    session.commit()
    desk = open_link(new_context(), coach)
    row = board_row(desk, "Aino")
    assert "Wants to talk with you." in row.inner_text() and "No contact logged yet" in row.inner_text()

    row.get_by_label("And log a contact").select_option("call")
    # The board redraws itself every 30 s; the coach's choice stays.
    desk.evaluate("() => htmx.ajax('GET', '/coach/', {target: '#board', swap: 'outerHTML'})")
    desk.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    assert board_row(desk, "Aino").get_by_label("And log a contact").input_value() == "call"

    with desk.expect_navigation():
        board_row(desk, "Aino").get_by_role("button", name="Handled").click()
    assert "Marked as handled and the contact logged: Aino." in desk.get_by_role("status").inner_text()
    row = board_row(desk, "Aino")
    assert "Wants to talk with you." not in row.inner_text() and "No contact" not in row.inner_text()
    session.expire_all()
    assert session.scalars(select(Contact.kind).where(Contact.client_id == aino.id)).all() == [ContactKind.call]
