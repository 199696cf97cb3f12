"""A coach's month end in the browser: fill a missed day, write a note the
client reads on Today, and download the month's report for Excel."""

import csv
import io
from datetime import date, datetime

from selko.day import attendance
from tests.conftest import HELSINKI


def test_a_coach_runs_the_month_end(make, session, new_context, open_link):
    coach = make.coach(name="Sanna Coach")
    coach.language = "en"
    session.commit()
    client = make.client(coach=coach, name="Aino", language="en")
    client.client_profile.started_on = date(2026, 11, 1)
    attendance.arrive(session, client.id, date(2026, 11, 2), at=datetime(2026, 11, 2, 8, tzinfo=HELSINKI))
    attendance.leave(session, client.id, date(2026, 11, 2), at=datetime(2026, 11, 2, 14, tzinfo=HELSINKI))
    session.commit()
    desk = open_link(new_context(), coach, f"/coach/clients/{client.id}")

    # The month from the client's page; the missed Tuesday is filled in.
    desk.get_by_role("link", name="Attendance", exact=True).click()
    tuesday = desk.locator("#day-2026-11-03")
    assert "Nothing recorded" in tuesday.inner_text()
    tuesday.get_by_role("link", name="Change").click()
    desk.get_by_label("At work, at these times").check()
    desk.get_by_label("Arrived", exact=True).fill("8.05")
    desk.get_by_label("Left (not needed)").fill("13.30")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Save the day").click()
    assert desk.url.endswith("/attendance-2026-11#day-2026-11-03")
    tuesday = desk.locator("#day-2026-11-03")
    assert "Present" in tuesday.inner_text() and "8:05–13:30" in tuesday.inner_text()
    assert "Saved: 3.11.2026." in tuesday.get_by_role("status").inner_text()
    totals = desk.locator(".totals").inner_text()
    assert "Days present\n2" in totals and "Hours\n11.42" in totals

    # A note for today, shown to the client.
    desk.get_by_role("link", name="Work diary").click()
    desk.get_by_label("Note", exact=True).fill("Good work with the dishes.")
    desk.get_by_label("Show this note to the client on their Today page").check()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Save the note").click()
    assert "Note saved" in desk.get_by_role("status").inner_text()
    phone = open_link(new_context(), client)
    assert "Good work with the dishes." in phone.locator("main").inner_text()

    # The caseload's report, downloaded as the CSV Excel opens.
    desk.get_by_role("link", name="Attendance report", exact=True).click()
    assert "Aino" in desk.locator("main table").first.inner_text()
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download as CSV").click()
    body = open(download.value.path(), encoding="utf-8-sig").read()
    header, row = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert dict(zip(header, row))["Days present"] == "2" and dict(zip(header, row))["Hours"] == "11,42"
