"""Passkeys in Chromium with its virtual authenticator: the real ceremonies, end to end."""

from sqlalchemy import select

from selko.models import DeviceSession, Passkey
from tests.browser.conftest import add_virtual_authenticator


def count_passkeys(session, user) -> int:
    session.expire_all()
    return len(session.scalars(select(Passkey).where(Passkey.user_id == user.id)).all())


def sign_in_and_make_a_passkey(make, new_context, user, home: str):
    """Open a one-time link on a phone with a platform authenticator and make
    the passkey the next page asks for."""
    page = new_context().new_page()
    cdp, authenticator = add_virtual_authenticator(page)
    page.goto(f"/signin/{make.link(user)}")
    page.wait_for_url("**/passkeys/new")
    page.locator("[data-passkey-start]").click()
    page.wait_for_url(home)
    return page, cdp, authenticator


def test_a_coach_makes_a_passkey_and_signs_in_with_it(make, session, new_context, live_server):
    coach = make.coach(name="Sanna")
    page, _cdp, _authenticator = sign_in_and_make_a_passkey(make, new_context, coach, "**/coach/")
    assert count_passkeys(session, coach) == 1

    # Signed out, the coach comes back with the passkey alone: no name, no password.
    page.locator("form[action='/signout'] button").click()
    page.wait_for_url("**/welcome")
    assert page.goto("/coach/").url.endswith("/welcome")
    page.locator("[data-passkey-start]").click()
    page.wait_for_url("**/coach/")
    assert page.locator("#board").count() == 1, "the coach is on the board"


def test_a_client_locks_selko_loses_the_session_and_opens_it_with_the_passkey(make, session, new_context, live_server, now):
    client = make.client(name="Aino", language="en")
    page, _cdp, _authenticator = sign_in_and_make_a_passkey(make, new_context, client, live_server.url + "/")
    assert count_passkeys(session, client) == 1
    page.goto("/passkeys/new")
    assert "Lock Selko with your fingerprint, face or screen lock." in page.content()

    # The phone's session ends (here: all of them, as after "sign out everywhere").
    session.expire_all()
    for device in session.scalars(select(DeviceSession).where(DeviceSession.user_id == client.id)):
        device.revoked_at = now.value
    session.commit()
    page.goto("/")
    page.wait_for_url("**/welcome")
    page.locator("[data-passkey-start]").click()
    page.wait_for_url(live_server.url + "/")
    assert "Today is Monday 23 November" in page.locator("h1").inner_text()


def test_a_removed_passkey_no_longer_signs_in(make, session, new_context, live_server, page_problems):
    # The refusal is the point: the browser logs the 400 of the sign-in fetch.
    page_problems.allowed = (f"{live_server.url}/passkeys/sign-in)",)
    client = make.client(name="Aino", language="en")
    page, cdp, authenticator = sign_in_and_make_a_passkey(make, new_context, client, live_server.url + "/")

    page.goto("/account")
    page.locator("form[action$='/delete'] button").click()
    page.wait_for_url("**/account")
    assert count_passkeys(session, client) == 0
    page.locator("form[action='/signout'] button").click()
    page.wait_for_url("**/welcome")

    # The phone still holds the credential, but Selko no longer knows it.
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    page.locator("[data-passkey-start]").click()
    error = page.locator("[data-passkey-error]")
    error.wait_for(state="visible")
    assert error.inner_text().strip(), "a plain message says it did not work"
    assert page.url.endswith("/welcome")
    assert page.goto("/").url.endswith("/welcome"), "still signed out"
