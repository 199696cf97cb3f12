"""Where push is not there, the open Today page rings by itself at the time."""

from datetime import datetime, time

from tests.conftest import HELSINKI


def test_the_open_today_page_rings_when_the_break_starts(make, new_context, open_link, now):
    client = make.client(language="en", breaks=((time(10), time(10, 15), "Coffee break"),))
    now.set(datetime(2026, 11, 23, 9, 58, tzinfo=HELSINKI))
    page = open_link(new_context(), client)
    # The browser's clock, ten seconds before the break; the server's says 9.58.
    page.clock.install(time=datetime(2026, 11, 23, 9, 59, 50, tzinfo=HELSINKI))
    page.reload()
    banner = page.locator("[data-alarm-banner]")
    assert banner.is_hidden()
    assert "Selko rings when this page is open." in page.content()
    page.clock.run_for(20_000)
    banner.wait_for(state="visible")
    assert banner.locator("[data-alarm-title]").inner_text() == "Break time"
    assert banner.locator("[data-alarm-body]").inner_text() == "Coffee break starts now."
    banner.locator("[data-alarm-dismiss]").click()
    assert banner.is_hidden()
