"""Going home early asks in the page, without a round trip, and can be undone."""

from datetime import datetime

from sqlalchemy import select

from selko.models import Attendance
from tests.conftest import HELSINKI


def test_an_early_going_home_asks_and_can_be_undone(make, new_context, open_link, live_server, session, now):
    client = make.client(language="en")
    at = datetime(2026, 11, 23, 10, 35, tzinfo=HELSINKI)
    now.set(at)
    phone = open_link(new_context(), client)
    phone.clock.install(time=at)
    phone.reload()
    phone.evaluate("() => { window.sameDocument = true; }")
    phone.locator("#check-in form[action='/arrive'] [type=submit]").click()
    leave = phone.locator("#check-in form[data-early-until] [type=submit]")
    leave.wait_for()

    mark = live_server.mark()
    leave.click()
    question = phone.locator("[data-leave-question]")
    question.wait_for()
    assert "Are you going home now?" in question.inner_text() and "Work ends at 14:00." in question.inner_text()
    assert not live_server.paths_since(mark, "POST"), "the page asks by itself"
    question.get_by_role("link", name="No, I stay at work").click()
    assert question.is_hidden() and not live_server.paths_since(mark, "POST")

    leave.click()
    question.get_by_role("button", name="Yes, I am going home").click()
    phone.get_by_text("You went home at 10:35.").wait_for()
    session.expire_all()
    assert session.scalar(select(Attendance.left_at).where(Attendance.client_id == client.id)) is not None

    phone.get_by_role("button", name="I am still at work").click()
    phone.locator("#check-in form[data-early-until]").wait_for()
    session.expire_all()
    assert session.scalar(select(Attendance.left_at).where(Attendance.client_id == client.id)) is None
    assert phone.evaluate("() => window.sameDocument") is True
