"""A client shares the schedule, the family member opens it, the client stops it."""


def test_the_client_shares_the_schedule_and_takes_it_back(make, new_context, open_link):
    client = make.client(name="Aino", language="en")
    phone = open_link(new_context(), client, "/share")
    phone.fill("#share-name", "Mum")
    with phone.expect_navigation():
        phone.locator("form[action='/share'] button[type=submit]").click()
    link = phone.locator("[data-share-url]").get_attribute("href")

    family = new_context().new_page()
    family.goto(link)
    assert family.locator("h1").inner_text() == "Work days of Aino"
    assert family.locator(".week-day").count() == 14
    assert family.locator(".week-day").first.inner_text().startswith("Monday 23 November: work 8:00–14:00")

    phone.goto("/share")
    with phone.expect_navigation():
        phone.locator("form[action$='/stop'] button").click()
    assert phone.locator("form[action$='/stop']").count() == 0
    response = family.goto(link)
    assert response.status == 404
