"""Christmas Day is a day off on Today, the client's week and the family's page, whatever the weekly schedule says."""

from datetime import datetime

from tests.conftest import HELSINKI


def test_christmas_day_is_a_day_off_in_today_and_on_the_family_page(make, new_context, open_link, now):
    client = make.client(name="Aino", language="fi")
    now.set(datetime(2026, 12, 25, 9, 0, tzinfo=HELSINKI))  # a Friday, a work day by the weekly schedule
    phone = open_link(new_context(), client)
    today = phone.locator("#today-now").inner_text()
    assert "Sinulla on tänään vapaapäivä." in today and "Joulupäivä" in today
    assert phone.locator("form[action='/arrive']").count() == 0, "no check-in on a day off"

    phone.goto("/week")
    assert "Joulupäivä" in phone.locator(".week-day").filter(has_text="25.12.").inner_text()
    phone.goto("/share")
    phone.fill("#share-name", "Äiti")
    with phone.expect_navigation():
        phone.locator("form[action='/share'] button[type=submit]").click()
    family = new_context().new_page()
    family.goto(phone.locator("[data-share-url]").get_attribute("href"))
    days = family.locator(".week-day")
    christmas = days.filter(has_text="25.12.").inner_text()
    assert "vapaapäivä" in christmas.lower() and "Joulupäivä" in christmas
    assert "töissä klo 8.00–14.00" in days.filter(has_text="23.12.").inner_text()
