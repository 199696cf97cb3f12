"""Passkeys, server side: registration, discoverable sign-in, and every way to cheat refused."""

import json
import re
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from selko.models import AuditEvent, DeviceSession, Passkey, Role, User
from tests.authenticator import SoftAuthenticator
from tests.conftest import count, html_of, visible_text

ORIGIN = "http://localhost"


def register(web, authenticator, **kwargs):
    options = web.post("/passkeys/options").json
    return web.post("/passkeys", {"credential": authenticator.create(options, origin=ORIGIN, **kwargs)})


def sign_in_with(web, authenticator, **kwargs):
    options = web.post("/passkeys/sign-in/options").json
    return web.post("/passkeys/sign-in", {"credential": authenticator.get(options, origin=ORIGIN, **kwargs)})


@pytest.fixture
def phone_with_passkey(make, web, sign_in, session):
    client = make.client(language="en")
    sign_in(web, client)
    authenticator = SoftAuthenticator()
    assert register(web, authenticator).status_code == 200
    return client, authenticator


def test_a_client_adds_a_passkey_and_signs_back_in_with_it(phone_with_passkey, client_factory, session):
    client, authenticator = phone_with_passkey
    assert count(session, Passkey) == 1
    new_phone_session = client_factory()
    response = sign_in_with(new_phone_session, authenticator)
    assert response.status_code == 200
    assert response.json == {"next": "/"}
    assert "Today is" in visible_text(new_phone_session.get("/"))
    session.expire_all()
    assert session.scalar(select(Passkey)).sign_count == 1


def test_registration_options_ask_for_a_discoverable_passkey(make, web, sign_in):
    sign_in(web, make.client())
    options = web.post("/passkeys/options").json
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"


def test_sign_in_options_name_nobody(web):
    options = web.post("/passkeys/sign-in/options").json
    assert options.get("allowCredentials", []) == []
    assert options["rpId"] == "localhost"


def test_a_coach_without_a_passkey_is_led_to_make_one(make, web, session):
    coach = make.coach()
    token = make.link(coach)
    assert web.post(f"/signin/{token}").headers["Location"] == "/passkeys/new"
    assert web.get("/coach/").headers["Location"] == "/passkeys/new"
    assert register(web, SoftAuthenticator()).json == {"next": "/coach/"}
    assert web.get("/coach/").status_code == 200


def test_a_coach_signs_in_with_the_passkey_only(make, web, client_factory, session):
    coach = make.coach()
    web.post(f"/signin/{make.link(coach)}")
    authenticator = SoftAuthenticator()
    register(web, authenticator)
    desk = client_factory()
    assert sign_in_with(desk, authenticator).json == {"next": "/coach/"}
    assert desk.get("/coach/").status_code == 200


@pytest.mark.parametrize(
    "bend",
    [
        {"origin": "http://evil.example"},
        {"origin": "http://localhost:8080"},
        {"rp_id": "evil.example"},
    ],
)
def test_a_foreign_origin_or_rp_id_is_refused(phone_with_passkey, client_factory, session, bend):
    client, authenticator = phone_with_passkey
    web = client_factory()
    options = web.post("/passkeys/sign-in/options").json
    credential = authenticator.get(options, origin=bend.get("origin", ORIGIN), rp_id=bend.get("rp_id"))
    before = count(session, DeviceSession)
    response = web.post("/passkeys/sign-in", {"credential": credential})
    assert response.status_code == 400
    assert count(session, DeviceSession) == before
    assert web.get("/").headers["Location"] == "/welcome"


def test_a_registration_from_a_foreign_origin_is_refused(make, web, sign_in, session):
    sign_in(web, make.client())
    assert register(web, SoftAuthenticator(), rp_id="evil.example").status_code == 400
    options = web.post("/passkeys/options").json
    credential = SoftAuthenticator().create(options, origin="http://evil.example")
    assert web.post("/passkeys", {"credential": credential}).status_code == 400
    assert count(session, Passkey) == 0


def test_a_replayed_assertion_is_refused(phone_with_passkey, client_factory, session):
    client, authenticator = phone_with_passkey
    web = client_factory()
    options = web.post("/passkeys/sign-in/options").json
    credential = authenticator.get(options, origin=ORIGIN)
    assert web.post("/passkeys/sign-in", {"credential": credential}).status_code == 200
    before = count(session, DeviceSession)
    thief = client_factory()
    assert thief.post("/passkeys/sign-in", {"credential": credential}).status_code == 400
    assert count(session, DeviceSession) == before


def test_a_challenge_refused_once_cannot_be_tried_again(phone_with_passkey, client_factory):
    client, authenticator = phone_with_passkey
    web = client_factory()
    options = web.post("/passkeys/sign-in/options").json
    bad = authenticator.get(options, origin="http://evil.example")
    assert web.post("/passkeys/sign-in", {"credential": bad}).status_code == 400
    good = authenticator.get(options, origin=ORIGIN)
    assert web.post("/passkeys/sign-in", {"credential": good}).status_code == 400


def test_an_old_challenge_is_refused(phone_with_passkey, client_factory, now):
    client, authenticator = phone_with_passkey
    web = client_factory()
    options = web.post("/passkeys/sign-in/options").json
    now.set(now.value + timedelta(minutes=6))
    assert web.post("/passkeys/sign-in", {"credential": authenticator.get(options, origin=ORIGIN)}).status_code == 400


def test_a_bad_signature_is_refused(phone_with_passkey, client_factory):
    client, authenticator = phone_with_passkey
    web = client_factory()
    options = web.post("/passkeys/sign-in/options").json
    forged = authenticator.get(options, origin=ORIGIN, sign_with=ec.generate_private_key(ec.SECP256R1()))
    assert web.post("/passkeys/sign-in", {"credential": forged}).status_code == 400


def test_a_sign_counter_that_goes_back_is_refused(phone_with_passkey, client_factory):
    client, authenticator = phone_with_passkey
    assert sign_in_with(client_factory(), authenticator).status_code == 200
    assert sign_in_with(client_factory(), authenticator, count_up=False).status_code == 400, "a cloned passkey"


def test_a_removed_passkey_no_longer_signs_in(phone_with_passkey, web, client_factory, session):
    client, authenticator = phone_with_passkey
    passkey_id = session.scalar(select(Passkey.id))
    assert web.post(f"/account/passkeys/{passkey_id}/delete").status_code == 303
    assert sign_in_with(client_factory(), authenticator).status_code == 400


@pytest.mark.parametrize("credential", ["", "not json", "[]", json.dumps({"rawId": "!!"}), json.dumps({"rawId": "AAAA", "response": {}})])
def test_garbage_is_refused_plainly(web, credential, session):
    response = web.post("/passkeys/sign-in", {"credential": credential})
    assert response.status_code == 400
    assert response.json["message"]
    assert count(session, DeviceSession) == 0


def test_passkeys_are_named_listed_and_removed_only_by_their_owner(phone_with_passkey, web, make, client_factory, sign_in, session):
    client, authenticator = phone_with_passkey
    passkey_id = session.scalar(select(Passkey.id))
    assert web.post(f"/account/passkeys/{passkey_id}/name", {"name": "My phone"}).status_code == 303
    assert "My phone" in visible_text(web.get("/account"))
    assert web.post(f"/account/passkeys/{passkey_id}/name", {"name": ""}).status_code == 400
    other = sign_in(client_factory(), make.client(name="Other"))
    assert other.post(f"/account/passkeys/{passkey_id}/delete").status_code == 404
    assert count(session, Passkey) == 1


def test_sign_out_everywhere_ends_every_device(phone_with_passkey, web, client_factory, session):
    client, authenticator = phone_with_passkey
    second = client_factory()
    sign_in_with(second, authenticator)
    assert web.post("/signout/everywhere").status_code == 303
    assert second.get("/").headers["Location"] == "/welcome"
    assert web.get("/").headers["Location"] == "/welcome"


def test_a_coachs_passkey_must_check_who_holds_it(make, web, client_factory, session):
    coach = make.coach()
    web.post(f"/signin/{make.link(coach)}")
    options = web.post("/passkeys/options").json
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert register(web, SoftAuthenticator(), verified=False).status_code == 400, "a tap alone is not enough"
    authenticator = SoftAuthenticator()
    assert register(web, authenticator).status_code == 200
    desk = client_factory()
    assert sign_in_with(desk, authenticator, verified=False).status_code == 400
    assert desk.get("/coach/").headers["Location"] == "/welcome"
    assert sign_in_with(desk, authenticator).json == {"next": "/coach/"}


def test_a_clients_passkey_may_skip_the_check(make, web, client_factory):
    web_client = make.client()
    web.post(f"/signin/{make.link(web_client)}")
    authenticator = SoftAuthenticator()
    assert register(web, authenticator, verified=False).status_code == 200
    assert sign_in_with(client_factory(), authenticator, verified=False).json == {"next": "/"}


def test_a_link_lets_a_coach_who_has_a_passkey_only_make_a_new_one(make, web, client_factory, sign_in, session):
    coach = make.coach(name="Valmentaja")
    session.add(coach)
    client = make.client(coach=coach, name="Aino")
    admin = make.coach(organisation=coach.organisation, name="Admin")
    session.get(User, admin.id).role = Role.admin
    session.commit()
    make.passkey(coach)
    page = html_of(sign_in(client_factory(), admin).post(f"/admin/coaches/{coach.id}/link"))
    link = re.search(r"http://localhost(/signin/[\w-]+)", page).group(1)

    assert web.post(link).headers["Location"] == "/passkeys/new"
    for path in ("/coach/", f"/coach/clients/{client.id}", "/account", "/admin/"):
        assert web.get(path).headers["Location"] == "/passkeys/new", path
    assert web.post(f"/coach/clients/{client.id}/phone-lost").headers["Location"] == "/passkeys/new"
    assert not [e for e in audit_trail(session) if e[0] == coach.id and e[2] != "link"], "nothing read as the coach"

    assert register(web, SoftAuthenticator()).json == {"next": "/coach/"}
    assert web.get(f"/coach/clients/{client.id}").status_code == 200
    assert audit_trail(session) == [
        (admin.id, coach.id, "link", "sign-in link"),
        (coach.id, coach.id, "passkey", "new passkey through a sign-in link"),
        (coach.id, client.id, "read", "coach.client_page"),
    ]


def audit_trail(session):
    session.expire_all()
    return [(e.actor_id, e.client_id, e.action, e.what) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.mark.parametrize("user_handle", ["%%%", "a", 12, ["a"], {"a": 1}, "\u00e4"])
def test_a_malformed_user_handle_is_refused_plainly(phone_with_passkey, client_factory, session, user_handle):
    client, authenticator = phone_with_passkey
    web = client_factory()
    options = web.post("/passkeys/sign-in/options").json
    credential = json.loads(authenticator.get(options, origin=ORIGIN))
    credential["response"]["userHandle"] = user_handle
    response = web.post("/passkeys/sign-in", {"credential": json.dumps(credential)})
    assert response.status_code == 400
    assert response.json["message"]
    assert count(session, DeviceSession) == 1  # only the phone's own session from signing in
