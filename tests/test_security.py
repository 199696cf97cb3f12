"""Headers, cookies, rate limits and the audit trail."""

import csv
import io
import json
import socket
import stat

import pytest
from sqlalchemy import select

from selko import create_app
from selko.models import AuditEvent, Role, User
from selko.people import share
from selko.web import security
from selko.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import html_of, visible_text
from tests.test_access_matrix import ROUTES, build_world


def test_every_route_answers_with_the_security_headers(app, make, session, client_factory, sign_in, monkeypatch):
    monkeypatch.setattr(security.limiter, "enabled", False)
    browsers, values = build_world(app, make, session, client_factory, sign_in)
    for route, method in sorted(ROUTES):
        if method != "GET":
            continue
        url = route.replace("/s/<token>", f"/s/{values['share_token']}")
        for name, value in values.items():
            for converter in ("", "id:", "int:", "path:"):
                url = url.replace(f"<{converter}{name}>", str(value))
        for persona in ("anonymous", "client_a", "coach_a", "admin_a"):
            headers = browsers[persona].get(url).headers
            csp = headers["Content-Security-Policy"]
            if route.startswith("/pictures/"):
                # An SVG picture loads nothing at all, and runs sandboxed if opened alone.
                assert csp == "default-src 'none'; frame-ancestors 'none'; sandbox", url
                csp = CONTENT_SECURITY_POLICY
            assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp, url
            assert "frame-ancestors 'none'" in csp, url
            assert headers["Referrer-Policy"] == "no-referrer", url
            assert headers["X-Content-Type-Options"] == "nosniff", url
            assert "camera=()" in headers["Permissions-Policy"], url
            assert "Strict-Transport-Security" not in headers, "plain http gets no HSTS"


def test_hsts_over_https(web):
    response = web.get("/healthz", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_with_client_data_are_not_stored(make, web, sign_in):
    sign_in(web, make.client())
    assert web.get("/").headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_and_lax_and_renewed_at_sign_in(make, web, session):
    client = make.client()
    web.post("/language", {"language": "en"})
    before = web.http.get_cookie("selko").value
    response = web.post(f"/signin/{make.link(client)}")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "plain http in tests"
    assert web.http.get_cookie("selko").value != before


def test_the_session_cookie_is_secure_over_https(app, client_factory):
    app.config["SESSION_COOKIE_SECURE"] = True  # what SELKO_ORIGIN=https://… sets
    response = client_factory().get("/welcome", base_url="https://localhost")
    assert "; Secure" in response.headers["Set-Cookie"]


def test_too_many_sign_in_attempts_wait_a_moment(make, client_factory):
    web = client_factory()
    web.post("/language", {"language": "en"})
    statuses = [web.get(f"/signin/guess-{n}").status_code for n in range(12)]
    assert statuses[:10] == [404] * 10
    assert statuses[10:] == [429, 429]
    page = web.get("/signin/one-more")
    assert "Wait one minute." in visible_text(page)
    assert "Retry-After" in page.headers


def test_sign_in_goes_on_limited_per_process_when_the_shared_counters_do_not_answer(app, make, tmp_path):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    lost = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "INSTANCE_PATH": str(tmp_path / "other"),
            "ORIGIN": "http://localhost",
            "RATE_LIMIT_STORAGE": f"redis://127.0.0.1:{port}/0",
        }
    )
    lost.test_client_class = app.test_client_class
    web = lost.test_client()
    client = make.client(name="Aino")
    assert web.get(f"/signin/{make.link(client)}").status_code == 200
    statuses = [web.get(f"/signin/guess-{n}").status_code for n in range(11)]
    assert statuses == [404] * 9 + [429, 429], "the one link and nine guesses, then the limit, counted here"
    lost.extensions["selko.engine"].dispose()


def test_passkey_ceremonies_are_rate_limited(client_factory):
    web = client_factory()
    statuses = [web.post("/passkeys/sign-in/options").status_code for _ in range(11)]
    assert statuses.count(429) == 1


def audit_events(session):
    session.expire_all()
    return [(e.actor_id, e.client_id, e.action, e.what) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_coach_reading_and_changing_a_client_is_audited(make, client_factory, sign_in, session):
    coach = make.coach()
    client = make.client(coach=coach)
    desk = sign_in(client_factory(), coach)
    desk.get(f"/coach/clients/{client.id}")
    desk.post(f"/coach/clients/{client.id}/schedule/0", {"works": ""})
    desk.get("/coach/")
    assert audit_events(session) == [
        (coach.id, client.id, "read", "coach.client_page"),
        (coach.id, client.id, "change", "coach.schedule_day"),
        (coach.id, client.id, "read", "coach.board"),
    ]


def test_a_refused_request_leaves_no_audit_entry(make, client_factory, sign_in, session):
    other = make.client(coach=make.coach(name="Other"))
    desk = sign_in(client_factory(), make.coach())
    assert desk.get(f"/coach/clients/{other.id}").status_code == 404
    assert audit_events(session) == []


def test_the_client_using_their_own_phone_is_not_audited(make, client_factory, sign_in, session):
    phone = sign_in(client_factory(), make.client())
    phone.get("/")
    assert audit_events(session) == []


@pytest.fixture
def admin(make, session):
    admin = make.coach(name="Admin")
    session.get(User, admin.id).role = Role.admin
    session.commit()
    return admin


def test_the_admin_reads_the_audit_log_and_exports_it(make, admin, client_factory, sign_in, session):
    coach = make.coach(organisation=session.get(User, admin.id).organisation, name="Valmentaja")
    client = make.client(coach=coach, name="Aino")
    sign_in(client_factory(), coach).get(f"/coach/clients/{client.id}")
    stranger_coach = make.coach(name="Elsewhere")
    sign_in(client_factory(), stranger_coach).get("/coach/clients/new")
    desk = sign_in(client_factory(), admin)
    page = visible_text(desk.get("/admin/audit"))
    assert "read: coach.client_page" in page and "Aino" in page
    rows = list(csv.DictReader(io.StringIO(desk.get(f"/admin/audit.csv?client={client.id}").get_data(as_text=True))))
    assert [(r["who"], r["action"], r["client"], r["what"]) for r in rows] == [("Valmentaja", "read", "Aino", "coach.client_page")]


def test_the_admin_exports_and_erases_a_client(make, admin, client_factory, sign_in, session):
    organisation = session.get(User, admin.id).organisation
    coach = make.coach(organisation=organisation, name="Valmentaja")
    client = make.client(coach=coach, name="Aino", language="en")
    phone = sign_in(client_factory(), client)
    phone.post("/absent", {"day": "2026-11-23", "reason": "ill", "note": "Flu"})
    desk = sign_in(client_factory(), admin)

    export = json.loads(desk.get(f"/admin/clients/{client.id}/export.json").get_data(as_text=True))
    assert export["client"]["name"] == "Aino"
    assert export["attendance"][0]["absence_reason"] == "ill"
    assert export["attendance"][0]["absence_note"] == "Flu"
    assert len(export["work_days"]) == 5

    assert desk.post(f"/admin/clients/{client.id}/erase", {"confirm": "wrong"}).status_code == 400
    assert desk.post(f"/admin/clients/{client.id}/erase", {"confirm": "Aino"}).status_code == 303
    session.expire_all()
    erased = session.get(User, client.id)
    assert erased.name == "" and erased.erased_at is not None
    assert phone.get("/").headers["Location"] == "/welcome", "the phone is signed out"
    after = json.loads(desk.get(f"/admin/clients/{client.id}/export.json").get_data(as_text=True))
    assert after["attendance"] == [] and after["work_days"] == [] and after["client"]["name"] == ""
    actions = [a for _actor, c, a, _w in audit_events(session) if c == client.id]
    assert "export" in actions and "erase" in actions
    assert "Aino" not in html_of(sign_in(client_factory(), coach).get("/coach/")), "erased: not even hidden"


def test_a_form_refused_on_a_clients_page_is_audited_as_a_read(make, client_factory, sign_in, session):
    coach = make.coach()
    client = make.client(coach=coach)
    session.get(User, client.id).phone = "040 765 4321"
    session.commit()
    desk = sign_in(client_factory(), coach)
    refused = desk.post(f"/coach/clients/{client.id}/reminder", {"own": ""})
    assert refused.status_code == 400 and "040 765 4321" in visible_text(refused), "the page shows the client's phone number"
    assert audit_events(session) == [(coach.id, client.id, "read", "coach.reminder_send")]


def test_making_a_sign_in_link_for_someone_is_audited(make, admin, client_factory, sign_in, session):
    coach = make.coach(organisation=session.get(User, admin.id).organisation, name="Valmentaja")
    client = make.client(coach=coach)
    sign_in(client_factory(), coach).post(f"/coach/clients/{client.id}/connect")
    sign_in(client_factory(), admin).post(f"/admin/coaches/{coach.id}/link")
    assert [e for e in audit_events(session) if e[2] == "link"] == [
        (coach.id, client.id, "link", "sign-in link"),
        (admin.id, coach.id, "link", "sign-in link"),
    ]


def test_audit_csv_cells_never_run_as_spreadsheet_formulas(make, admin, client_factory, sign_in, session):
    coach = make.coach(organisation=session.get(User, admin.id).organisation, name='=HYPERLINK("http://evil.example","Open")')
    client = make.client(coach=coach, name="@SUM(1+1)")
    sign_in(client_factory(), coach).get(f"/coach/clients/{client.id}")
    rows = list(csv.DictReader(io.StringIO(sign_in(client_factory(), admin).get("/admin/audit.csv").get_data(as_text=True))))
    assert (rows[0]["who"], rows[0]["client"]) == ('\'=HYPERLINK("http://evil.example","Open")', "'@SUM(1+1)")


def test_family_pages_and_sign_in_links_are_never_stored(make, web, session):
    client = make.client()
    token = share.create(session, client, name="Mum", created_by=client)
    session.commit()
    for url in (f"/s/{token}", f"/s/{token}.ics", f"/signin/{make.link(client)}"):
        response = web.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url


def test_an_unknown_host_is_refused(web):
    assert web.get("/welcome", headers={"Host": "evil.example"}).status_code == 400
    assert web.get("/welcome", headers={"Host": "localhost:8000"}).status_code == 200


def test_the_database_and_keys_are_readable_by_their_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SELKO_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    create_app({"INSTANCE_PATH": str(instance)})
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("selko.sqlite3", "secret_key", "vapid_private.pem"):
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600, name
