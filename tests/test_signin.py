"""Connecting a phone with a one-time link, and the device session it opens."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from selko.models import DeviceSession, SignInToken
from tests.conftest import html_of, visible_text


def device_sessions(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(DeviceSession))


def test_it_signs_in_a_phone_with_a_one_time_link(make, web, session):
    client = make.client(name="Aino")
    token = make.link(client)

    page = web.get(f"/signin/{token}")
    assert page.status_code == 200
    assert "Aino" in visible_text(page)
    assert device_sessions(session) == 0, "opening the link must not sign in: previews open links too"

    response = web.post(f"/signin/{token}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/passkeys/new", "the phone is offered a lock next"
    assert device_sessions(session) == 1
    today = web.get("/")
    assert today.status_code == 200
    assert "maanantai 23.11." in visible_text(today)


def test_it_takes_a_coach_to_the_board(make, web, sign_in):
    coach = make.coach()
    sign_in(web, coach)
    response = web.get("/")
    assert response.headers["Location"] == "/coach/"


def test_it_refuses_a_used_link_and_changes_nothing(make, web, client_factory, session):
    client = make.client()
    token = make.link(client)
    assert web.post(f"/signin/{token}").status_code == 303

    other_phone = client_factory()
    other_phone.post("/language", {"language": "en"})
    assert other_phone.get(f"/signin/{token}").status_code == 410
    response = other_phone.post(f"/signin/{token}")
    assert response.status_code == 410
    assert "Ask your coach for a new link." in visible_text(response)
    assert device_sessions(session) == 1
    assert other_phone.get("/").headers["Location"] == "/welcome"


def test_it_refuses_an_expired_link(make, web, now, session):
    client = make.client()
    token = make.link(client, minutes=15)
    now.set(now.value + timedelta(minutes=15, seconds=1))
    assert web.get(f"/signin/{token}").status_code == 410
    assert web.post(f"/signin/{token}").status_code == 410
    assert device_sessions(session) == 0


def test_a_link_works_until_its_fifteen_minutes_are_over(make, web, now):
    client = make.client()
    token = make.link(client, minutes=15)
    now.set(now.value + timedelta(minutes=14, seconds=59))
    assert web.post(f"/signin/{token}").status_code == 303


def test_it_refuses_unknown_and_mangled_links(make, web, session):
    client = make.client()
    token = make.link(client)
    for bad in ["nothing-here", token[:-1], token + "x", "x" * 500, "%00"]:
        assert web.get(f"/signin/{bad}").status_code == 404, bad
        assert web.post(f"/signin/{bad}").status_code == 404, bad
    assert device_sessions(session) == 0
    assert web.post(f"/signin/{token}").status_code == 303, "the real link still works"


def test_it_keeps_only_hashes_of_tokens(make, web, session):
    client = make.client()
    token = make.link(client)
    web.post(f"/signin/{token}")
    session.expire_all()
    stored = session.scalars(select(SignInToken.token_hash)).all() + session.scalars(select(DeviceSession.token_hash)).all()
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_the_phone_stays_signed_in_for_90_days_renewed_on_use(make, web, sign_in, now, session):
    client = make.client()
    sign_in(web, client)
    now.set(now.value + timedelta(days=80))
    assert web.get("/").status_code == 200, "used within 90 days: still signed in, and renewed"
    now.set(now.value + timedelta(days=80))
    assert web.get("/").status_code == 200, "80 days after the last use"
    now.set(now.value + timedelta(days=91))
    assert web.get("/").headers["Location"] == "/welcome"


def test_signing_out_ends_the_device_session(make, web, sign_in, session):
    client = make.client()
    sign_in(web, client)
    assert web.post("/signout").status_code == 303
    assert web.get("/").headers["Location"] == "/welcome"
    session.expire_all()
    assert session.scalar(select(DeviceSession)).revoked_at is not None


def test_static_files_never_set_a_cookie(make, web, sign_in):
    """A slow fetch that began before signing in must not put the old cookie back."""
    sign_in(web, make.client())
    for path in ["/static/selko.css", "/vendor/htmx.min.js", "/sw.js", "/manifest.webmanifest"]:
        assert "Set-Cookie" not in web.get(path).headers, path


def test_the_cookie_is_sent_again_when_the_session_is_renewed(make, web, sign_in, now):
    sign_in(web, make.client())
    assert "Set-Cookie" not in web.get("/tasks").headers
    now.set(now.value + timedelta(hours=2))
    assert "Set-Cookie" in web.get("/tasks").headers


def test_pages_that_load_at_once_after_signing_in_keep_each_others_forms_working(app, make, web, client_factory):
    """The worker saves the day while the first page loads: each page answers
    with a cookie, the phone keeps the last one, and the first page's forms
    must still be accepted (CI saw a 400 from the permission report)."""
    name = app.config["SESSION_COOKIE_NAME"]
    assert web.post(f"/signin/{make.link(make.client())}").status_code == 303
    signed_in = web.http.get_cookie(name).value
    first, second = client_factory(), client_factory()
    for phone in (first, second):
        phone.http.set_cookie(name, signed_in)
    page = html_of(first.get("/"))
    second.get("/tasks")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    kept_last = second.http.get_cookie(name).value
    first.http.set_cookie(name, kept_last)
    response = first.post("/alarms/permission", data={"permission": "granted", "csrf_token": token}, csrf=False)
    assert response.status_code == 204
