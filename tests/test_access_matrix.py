"""Every route × every persona, each with its expected outcome.

A route that is not in ROUTES fails test_every_route_is_classified, so a new
route cannot ship before somebody decides who may use it.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from selko.access import signin
from selko.alarms import Kind, ring_now
from selko.day import help_request, self_assessment
from selko.library import media
from selko.models import AuditEvent, Base, DeviceSession, Role, ScheduleException, Share, User
from selko.people import share
from selko.web import security
from tests.conftest import rows_a_refusal_keeps

PERSONAS = ["anonymous", "client_a", "client_b", "coach_a", "coach_b", "admin_a", "admin_x"]
OK, LOGIN, HIDDEN = "ok", "login", "404"
CLIENT_A_PHONE = "040 111 2222"  # on a page, it shows client A's data


def outcomes(ok=(), login=("anonymous",)) -> dict:
    return {p: OK if p in ok else LOGIN if p in login else HIDDEN for p in PERSONAS}


EVERYONE = {p: OK for p in PERSONAS}
SIGNED_IN = outcomes(ok=PERSONAS[1:])
CLIENTS = outcomes(ok=("client_a", "client_b"))
CLIENT_A = outcomes(ok=("client_a",))
STAFF = outcomes(ok=("coach_a", "coach_b", "admin_a", "admin_x"))
STAFF_OF_ORG_A = outcomes(ok=("coach_a", "coach_b", "admin_a"))
COACH_OF_A = outcomes(ok=("coach_a",))
ADMINS = outcomes(ok=("admin_a", "admin_x"))
ADMIN_OF_A = outcomes(ok=("admin_a",))

ROUTES = {
    ("/", "GET"): SIGNED_IN,  # sends each person to their own start page
    ("/welcome", "GET"): EVERYONE,
    ("/signin/<token>", "GET"): EVERYONE,
    ("/signin/<token>", "POST"): EVERYONE,
    ("/language", "GET"): EVERYONE,
    ("/language", "POST"): EVERYONE,
    ("/home-screen", "GET"): EVERYONE,
    ("/healthz", "GET"): EVERYONE,
    ("/metrics", "GET"): outcomes(login=()),  # the scraper's token only (tests/test_observability.py)
    ("/manifest.webmanifest", "GET"): EVERYONE,
    ("/sw.js", "GET"): EVERYONE,
    ("/media/<media_name>", "GET"): outcomes(ok=("client_a", "client_b", "coach_a", "coach_b", "admin_a")),
    ("/vendor/<name>", "GET"): EVERYONE,
    ("/pictures/<version>/<hexcode>.svg", "GET"): EVERYONE,
    ("/about", "GET"): EVERYONE,
    ("/about/licences/<package>.txt", "GET"): EVERYONE,
    ("/static/<path:filename>", "GET"): EVERYONE,
    ("/passkeys/sign-in/options", "POST"): EVERYONE,
    ("/passkeys/sign-in", "POST"): EVERYONE,
    ("/signout", "POST"): SIGNED_IN,
    ("/signout/everywhere", "POST"): SIGNED_IN,
    ("/account", "GET"): SIGNED_IN,
    ("/passkeys/new", "GET"): SIGNED_IN,
    ("/passkeys/options", "POST"): SIGNED_IN,
    ("/passkeys", "POST"): SIGNED_IN,
    ("/account/passkeys/<id:passkey_id>/name", "POST"): CLIENT_A,
    ("/account/passkeys/<id:passkey_id>/delete", "POST"): CLIENT_A,
    ("/arrive", "POST"): CLIENTS,
    ("/leave", "POST"): CLIENTS,
    ("/leave/undo", "POST"): CLIENTS,
    ("/absent", "GET"): CLIENTS,
    ("/absent", "POST"): CLIENTS,
    ("/help", "GET"): CLIENTS,
    ("/week", "GET"): CLIENTS,
    ("/help", "POST"): CLIENTS,
    ("/help/<id:request_id>/cancel", "POST"): CLIENT_A,
    ("/messages/<id:message_id>/seen", "POST"): CLIENT_A,
    ("/today-went", "GET"): CLIENTS,
    ("/today-went", "POST"): CLIENTS,
    ("/today-went/thanks", "GET"): CLIENTS,
    ("/tasks", "GET"): CLIENTS,
    ("/alarms", "GET"): CLIENTS,
    ("/alarms", "POST"): CLIENTS,
    ("/alarms/silence", "POST"): CLIENTS,
    ("/alarms/subscription", "POST"): SIGNED_IN,
    ("/alarms/test", "POST"): CLIENTS,
    ("/alarms/test/heard", "POST"): CLIENTS,
    ("/alarms/shown", "POST"): SIGNED_IN,
    ("/alarms/permission", "POST"): SIGNED_IN,
    ("/share", "GET"): CLIENTS,
    ("/share", "POST"): CLIENTS,
    ("/share/<id:share_id>/stop", "POST"): CLIENT_A,
    ("/s/<token>", "GET"): EVERYONE,
    ("/s/<token>.ics", "GET"): EVERYONE,
    ("/tasks/<id:assignment_id>", "GET"): CLIENT_A,
    ("/offline-media", "GET"): CLIENTS,
    ("/tasks/<id:assignment_id>/steps/<id:step_id>", "POST"): CLIENT_A,
    ("/tasks/<id:assignment_id>/steps/<id:step_id>", "GET"): CLIENT_A,
    ("/tasks/<id:assignment_id>/ready", "GET"): CLIENT_A,
    ("/coach/", "GET"): STAFF,
    ("/coach/caseload", "GET"): STAFF,
    ("/coach/clients/new", "GET"): STAFF,
    ("/coach/clients/new", "POST"): STAFF,
    ("/coach/tasks", "GET"): STAFF,
    ("/coach/tasks/new", "GET"): STAFF,
    ("/coach/tasks/new", "POST"): STAFF,
    ("/coach/tasks/<id:task_id>", "GET"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>/copy", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>/photo", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>/photo/remove", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>/steps/<id:step_id>/photo", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>/steps/<id:step_id>/photo/remove", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>/steps/<id:step_id>/voice", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/<id:task_id>/steps/<id:step_id>/voice/remove", "POST"): STAFF_OF_ORG_A,
    ("/coach/tasks/give", "POST"): STAFF,
    ("/coach/selko-check", "POST"): STAFF,  # the selko check of a coach's field as they type
    ("/coach/help/<id:request_id>/handled", "POST"): COACH_OF_A,
    ("/coach/talks/<id:answer_id>/handled", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/connect", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/schedule/<int:weekday>", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/schedule/<int:weekday>", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/exceptions", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/exceptions/<id:exception_id>/delete", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/assignments", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/one-step", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/assignments/<id:assignment_id>/delete", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/assignments/<id:assignment_id>/up", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/devices/<id:device_id>/sign-out", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/passkeys/<id:passkey_id>/delete", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/phone-lost", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/reminder", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/shares", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/attendance", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/contacts", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/contacts", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/self-assessment", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/shares/<id:share_id>/stop", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/schedule", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/phones", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>.csv", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/attendance/<day>", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/attendance/<day>", "POST"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/diary", "GET"): COACH_OF_A,
    ("/coach/clients/<id:client_id>/diary", "POST"): COACH_OF_A,
    # A coach's report is of their own caseload; an admin's is of the organisation.
    ("/coach/reports/attendance", "GET"): STAFF,
    ("/coach/reports/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>", "GET"): STAFF,
    ("/coach/reports/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>.csv", "GET"): STAFF,
    ("/coach/reports/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>/print", "GET"): STAFF,
    ("/admin/compensation", "POST"): ADMINS,
    ("/admin/reports/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>", "GET"): ADMINS,
    ("/admin/reports/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>.csv", "GET"): ADMINS,
    ("/admin/reports/attendance-<int(fixed_digits=4):year>-<int(fixed_digits=2):month>/print", "GET"): ADMINS,
    ("/admin/", "GET"): ADMINS,
    ("/admin/coaches", "POST"): ADMINS,
    ("/admin/audit", "GET"): ADMINS,
    ("/admin/audit.csv", "GET"): ADMINS,
    ("/admin/coaches/<id:user_id>/link", "POST"): ADMIN_OF_A,
    ("/admin/coaches/<id:user_id>", "GET"): ADMIN_OF_A,
    ("/admin/coaches/<id:user_id>/deactivate", "POST"): ADMIN_OF_A,
    ("/admin/coaches/<id:user_id>/clients", "POST"): ADMIN_OF_A,
    ("/admin/clients/<id:client_id>/export.json", "GET"): ADMIN_OF_A,
    ("/admin/clients/<id:client_id>/erase", "GET"): ADMIN_OF_A,
    ("/admin/clients/<id:client_id>/erase", "POST"): ADMIN_OF_A,
}


def all_routes(app) -> set:
    return {(rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_classified(app):
    assert all_routes(app) - set(ROUTES) == set(), "add the new route to ROUTES with who may use it"
    assert set(ROUTES) - all_routes(app) == set(), "a route in ROUTES no longer exists"


def build_world(app, make, session, client_factory, sign_in):
    """Client A of coach A, client B, another coach and admin of A's
    organisation, and an admin of another organisation; each signed in."""
    organisation = make.organisation()
    coach_a = make.coach(organisation=organisation, name="Valmentaja A")
    coach_b = make.coach(organisation=organisation, name="Valmentaja B")
    client_a = make.client(coach=coach_a, name="Asiakas A")
    session.get(User, client_a.id).phone = CLIENT_A_PHONE
    client_b = make.client(coach=coach_b, name="Asiakas B")
    admin_a = make.coach(organisation=organisation, name="Ylläpitäjä A")
    admin_x = make.coach(name="Ylläpitäjä X")
    for admin in (admin_a, admin_x):
        session.get(User, admin.id).role = Role.admin
    session.commit()
    task = make.task(organisation_id=organisation.id)
    assignment = make.assignment(client=client_a, task=task)
    exception = ScheduleException(client_id=client_a.id, date=date(2026, 12, 24), day_off=True)
    session.add(exception)
    passkey = make.passkey(client_a)
    request = help_request.ask(session, client_a.id)
    answer = self_assessment.save(session, client_a.id, date(2026, 11, 23), dict.fromkeys(self_assessment.AREAS, 2), True)
    message = ring_now(session, client_a, Kind.coach, "Muista hanskat.")
    share_token = share.create(session, client_a, name="Mum", created_by=client_a)
    with app.app_context():
        photo = media.store(session, organisation.id, media.digest(organisation.id, b"photo") + "-480.webp", b"photo", "image/webp")
    session.commit()
    share_id = session.scalar(select(Share.id).where(Share.client_id == client_a.id))
    people = {"client_a": client_a, "client_b": client_b, "coach_a": coach_a, "coach_b": coach_b, "admin_a": admin_a, "admin_x": admin_x}
    browsers = {"anonymous": client_factory()}
    for name, person in people.items():
        browsers[name] = sign_in(client_factory(), person)
    device = session.scalar(select(DeviceSession).where(DeviceSession.user_id == client_a.id))
    values = {
        "client_id": client_a.id,
        "assignment_id": assignment.id,
        "step_id": task.steps[0].id,
        "task_id": task.id,
        "request_id": request.id,
        "answer_id": answer.id,
        "message_id": message.id,
        "exception_id": exception.id,
        "device_id": device.id,
        "passkey_id": passkey.id,
        "weekday": 0,
        "user_id": coach_a.id,
        "other_coach_id": coach_b.id,
        "name": "htmx.min.js",
        "filename": "selko.css",
        "version": "17.0.0",
        "hexcode": "2615",
        "package": "openmoji",
        "token": signin.create_link_token(session, client_a, minutes=15),
        "share_id": share_id,
        "share_token": share_token,
        "media_name": photo.name,
        "year": "2026",
        "month": "11",
        "day": "2026-11-23",
    }
    session.commit()
    return browsers, values


def outcome(response) -> str:
    if response.status_code == 404:
        return HIDDEN
    # The access check answers 302; a view's own redirect after a post is 303.
    if response.status_code == 302 and response.headers["Location"] == "/welcome":
        return LOGIN
    assert response.status_code < 500 and response.status_code != 403, response.status_code
    return OK


@pytest.mark.parametrize("route, method", sorted(ROUTES))
def test_who_may_use_each_route(route, method, app, make, session, client_factory, sign_in, monkeypatch):
    monkeypatch.setattr(security.limiter, "enabled", False)
    browsers, values = build_world(app, make, session, client_factory, sign_in)
    url = route.replace("/s/<token>", f"/s/{values['share_token']}")  # a family link, not a sign-in link
    for name, value in values.items():
        for converter in ("", "id:", "int:", "path:", "int(fixed_digits=4):", "int(fixed_digits=2):"):
            url = url.replace(f"<{converter}{name}>", str(value))
    expected = ROUTES[(route, method)]
    # Refused personas first: an allowed request may change the world (sign out, erase).
    order = sorted(PERSONAS, key=lambda p: expected[p] == OK)
    got = {}
    for persona in order:
        web = browsers[persona]
        audited = audit_count(session)
        response = web.get(url) if method == "GET" else web.post(url, {})
        got[persona] = outcome(response)
        if CLIENT_A_PHONE in response.get_data(as_text=True) and persona != "client_a":
            # Whatever the status (a refused form shows the page again), a read is audited.
            assert audit_count(session) > audited, f"{persona} saw client A's data unaudited ({response.status_code})"
    assert got == expected


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def snapshot(session) -> dict:
    """Every row of every table but the audit trail and the sessions' last use."""
    session.expire_all()
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name in ("audit_events", "device_sessions"):
            continue
        rows[table.name] = sorted(map(repr, session.execute(rows_a_refusal_keeps(table)).all()))
    rows["device_sessions"] = sorted(session.execute(select(DeviceSession.id, DeviceSession.revoked_at)).all())
    return rows


def mixed_world(make, session, client_factory, sign_in):
    """Coach A's client A, and client B of coach B with a thing of every kind."""
    organisation = make.organisation()
    coach_a, coach_b = make.coach(organisation=organisation, name="Valmentaja A"), make.coach(organisation=organisation, name="Valmentaja B")
    client_a, client_b = make.client(coach=coach_a, name="Asiakas A"), make.client(coach=coach_b, name="Asiakas B")
    admin_a = make.coach(organisation=organisation, name="Ylläpitäjä A")
    session.get(User, admin_a.id).role = Role.admin
    stranger = make.client(coach=make.coach(name="Elsewhere"), name="Asiakas X")
    task_a = make.task(organisation_id=organisation.id)
    task_b = make.task(organisation_id=organisation.id, title="Lakaise", steps=("Ota harja.",))
    own = make.assignment(client=client_a, task=task_a)
    theirs = make.assignment(client=client_b, task=task_b)
    exception = ScheduleException(client_id=client_b.id, date=date(2026, 12, 24), day_off=True)
    session.add(exception)
    passkey = make.passkey(client_b)
    share.create(session, client_b, name="Mum", created_by=client_b)
    answer_b = self_assessment.save(session, client_b.id, date(2026, 11, 23), dict.fromkeys(self_assessment.AREAS, 2), True)
    help_b = help_request.ask(session, client_b.id)
    session.commit()
    phones = {"client_a": sign_in(client_factory(), client_a), "client_b": sign_in(client_factory(), client_b)}
    desks = {"coach_a": sign_in(client_factory(), coach_a), "admin_a": sign_in(client_factory(), admin_a)}
    ids = {
        "a": client_a.id,
        "own_assignment": own.id,
        "device_b": session.scalar(select(DeviceSession.id).where(DeviceSession.user_id == client_b.id)),
        "passkey_b": passkey.id,
        "share_b": session.scalar(select(Share.id).where(Share.client_id == client_b.id)),
        "assignment_b": theirs.id,
        "step_b": task_b.steps[0].id,
        "task_b": task_b.id,
        "b": client_b.id,
        "exception_b": exception.id,
        "coach_a": coach_a.id,
        "stranger": stranger.id,
        "coach_b": coach_b.id,
        "answer_b": answer_b.id,
        "help_b": help_b.id,
        "task_a": task_a.id,
    }
    return {**phones, **desks}, ids


MIXED = [
    ("coach_a", "/coach/clients/{a}/devices/{device_b}/sign-out"),
    ("coach_a", "/coach/clients/{a}/passkeys/{passkey_b}/delete"),
    ("coach_a", "/coach/clients/{a}/shares/{share_b}/stop"),
    ("coach_a", "/coach/clients/{a}/assignments/{assignment_b}/delete"),
    ("coach_a", "/coach/clients/{a}/assignments/{assignment_b}/up"),
    ("coach_a", "/coach/clients/{a}/exceptions/{exception_b}/delete"),
    ("coach_a", "/coach/talks/{answer_b}/handled?contact=call"),
    ("coach_a", "/coach/help/{help_b}/handled?contact=visit"),
    ("client_a", "/tasks/{own_assignment}/steps/{step_b}"),
    ("coach_a", "/coach/tasks/{task_a}/steps/{step_b}/photo"),
    ("coach_a", "/coach/tasks/{task_a}/steps/{step_b}/photo/remove"),
    ("coach_a", "/coach/tasks/{task_a}/steps/{step_b}/voice"),
    ("coach_a", "/coach/tasks/{task_a}/steps/{step_b}/voice/remove"),
    ("coach_a", "/coach/tasks/give?task={task_b}&client={b}&weekday=0"),
    ("client_a", "/share/{share_b}/stop"),
    ("client_a", "/account/passkeys/{passkey_b}/name"),
    ("client_a", "/account/passkeys/{passkey_b}/delete"),
    ("admin_a", "/admin/coaches/{coach_a}/clients?to={coach_b}&client={stranger}"),
]


@pytest.mark.parametrize("persona, route", MIXED)
def test_someone_elses_thing_under_ones_own_id_is_not_found(persona, route, make, session, client_factory, sign_in, monkeypatch):
    monkeypatch.setattr(security.limiter, "enabled", False)
    browsers, ids = mixed_world(make, session, client_factory, sign_in)
    path, _, query = route.format(**ids).partition("?")
    form = dict(part.split("=") for part in query.split("&")) if query else {}
    form.setdefault("day", "2026-11-23")
    form.setdefault("done", "1")
    form.setdefault("name", "Mine now")
    before = snapshot(session)
    response = browsers[persona].post(path, form)
    assert response.status_code == 404
    assert snapshot(session) == before
