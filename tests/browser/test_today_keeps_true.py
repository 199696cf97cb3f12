"""Today keeps itself true: the parts that change with time are drawn again at
each minute (selko:minute), without a reload that would lose the client's place."""

from datetime import datetime, time

from sqlalchemy import select

from selko.day import help_request
from selko.models import HelpRequest
from tests.conftest import HELSINKI


def _at(hour, minute, second=0):
    return datetime(2026, 11, 23, hour, minute, second, tzinfo=HELSINKI)


def _today_open_at(client, at, now, new_context, open_link):
    """The client's Today open in a browser whose clock and the server's say `at`."""
    now.set(at)
    page = open_link(new_context(), client)
    page.clock.install(time=at)
    page.reload()
    return page


def test_the_break_card_and_the_alarm_banner_agree_as_the_break_ends(make, new_context, open_link, now):
    client = make.client(language="en", breaks=((time(10), time(10, 15), "Coffee break"),))
    page = _today_open_at(client, _at(10, 14), now, new_context, open_link)
    page.evaluate("() => { window.sameDocument = true; }")
    card = page.locator("#today-now")
    banner = page.locator("[data-alarm-banner]")
    assert "You are on a break." in card.inner_text()
    assert "The break ends in 1 minute." in card.inner_text()

    # 10.15: the banner rings "back to work", and the card no longer says "on a break".
    now.set(_at(10, 15))
    page.clock.run_for(61_000)
    banner.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('#today-now').innerText.includes('You are on a break.')")
    assert "Go back to work now." in banner.inner_text()
    assert "Next:" in card.inner_text() and "Work ends" in card.inner_text()

    # 10.16: still true, and it was the same page all along.
    now.set(_at(10, 16))
    page.clock.run_for(60_000)
    assert "You are on a break." not in card.inner_text()
    assert page.evaluate("() => window.sameDocument") is True


def test_the_minute_clock_waits_while_the_page_is_hidden(make, new_context, open_link, live_server, now):
    client = make.client(language="en")
    page = _today_open_at(client, _at(9, 30), now, new_context, open_link)
    page.evaluate("""() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    mark = live_server.mark()
    page.clock.run_for(180_000)
    assert not [r for r in live_server.since(mark) if r.htmx], "no polling while hidden"
    page.evaluate("""() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    page.wait_for_function("() => document.querySelector('#today-now') !== null")
    page.wait_for_timeout(500)
    assert [r for r in live_server.since(mark) if r.htmx and r.path == "/"], "asks at once when shown again"


def test_the_client_sees_the_coach_knows_within_a_minute(make, new_context, open_link, session, now):
    client = make.client(language="en")
    page = _today_open_at(client, _at(9, 30), now, new_context, open_link)
    page.locator(".help-bar button").click()
    status = page.locator("#help-status")
    status.wait_for()
    page.wait_for_function("() => document.querySelector('#help-status').innerText.includes('9:30')")
    session.expire_all()
    asked = session.scalar(select(HelpRequest).where(HelpRequest.client_id == client.id))
    help_request.mark_handled(session, asked, client.client_profile.coach_id)
    session.commit()
    assert "Your coach knows." not in status.inner_text()
    page.clock.run_for(61_000)
    page.wait_for_function("() => document.querySelector('#help-status').innerText.includes('Your coach knows.')")


def test_a_coachs_message_appears_on_the_open_page_and_ok_puts_it_away(make, new_context, open_link, session, now):
    from selko.alarms import Kind, ring_now

    client = make.client(language="en")
    page = _today_open_at(client, _at(9, 30), now, new_context, open_link)
    page.evaluate("() => { window.sameDocument = true; }")
    ring_now(session, session.merge(client), Kind.coach, "Bring the gloves.")
    session.commit()
    assert "Bring the gloves." not in page.locator("#today-now").inner_text()
    page.clock.run_for(61_000)
    message = page.locator("section.message")
    message.wait_for()
    assert "Bring the gloves." in message.inner_text() and "Message from your coach" in message.inner_text()
    message.get_by_role("button", name="OK, I read it").click()
    message.wait_for(state="detached")
    assert page.evaluate("() => window.sameDocument") is True
