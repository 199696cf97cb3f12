"""Sending a share link: the share sheet or copy on the client's phone, and
the coach's client page, which shows a new link without those buttons."""

COUNT_SHARES = """
window.shared = [];
Object.defineProperty(navigator, "share", {value: function (data) { window.shared.push(data.url); return Promise.resolve(); }});
"""


def test_the_coach_makes_a_share_and_the_page_s_scripts_still_run(make, session, new_context, open_link):
    """The share-link script once failed on this page (no buttons here) and
    stopped every script after it; the browser fixture fails on that error."""
    coach = make.coach()
    client = make.client(coach=coach, name="Aino")
    page = open_link(new_context(), coach, f"/coach/clients/{client.id}/phones")
    page.fill("#share-name", "Mum")
    page.check("input[name=agreed]")
    with page.expect_navigation():
        page.locator("#shares form button[type=submit]").last.click()
    assert "/s/" in page.locator("#shares [data-share-url]").get_attribute("href")


def test_send_the_link_opens_the_share_sheet_once(make, new_context, open_link):
    client = make.client(language="en")
    context = new_context()
    context.add_init_script(COUNT_SHARES)
    phone = open_link(context, client, "/share")
    phone.fill("#share-name", "Mum")
    with phone.expect_navigation():
        phone.locator("form[action='/share'] button[type=submit]").click()
    link = phone.locator("[data-share-url]").get_attribute("href")
    phone.get_by_role("button", name="Send the link").click()
    phone.wait_for_function("window.shared.length > 0")
    phone.wait_for_timeout(200)  # a second handler would have run by now
    assert phone.evaluate("window.shared") == [link]
