"""Bad input gets a plain 4xx and changes nothing: digits of other scripts,
numbers too big for the database, times and dates nobody can mean, control
characters in names, NUL bytes."""

import json

import pytest
from icalendar import Calendar

from selko import ids
from selko.access import audit
from selko.day import schedule
from selko.models import (
    Attendance,
    Break,
    ClientProfile,
    HelpRequest,
    PushSubscription,
    Role,
    ScheduleException,
    SelfAssessment,
    Share,
    TaskAssignment,
    User,
    WorkDay,
)
from selko.people import share
from tests.conftest import count, html_of, visible_text

OTHER_DIGITS = ["²", "١٢", "𝟙", "٨"]


@pytest.fixture
def coach_web(make, web, sign_in):
    coach = make.coach()
    client = make.client(coach=coach, name="Aino")
    return sign_in(web, coach), coach, client


@pytest.mark.parametrize("text", OTHER_DIGITS + ["99999999999", "0", "-1", " 1", "1.0"])
def test_an_id_is_plain_ascii_digits_the_database_can_hold(text):
    assert ids.parse_id(text) is None


def test_a_task_id_in_other_digits_is_refused(coach_web, session):
    web, coach, client = coach_web
    response = web.post(f"/coach/clients/{client.id}/assignments", {"weekday": "0", "task": "²"})
    assert response.status_code == 400
    assert count(session, TaskAssignment) == 0


@pytest.mark.parametrize("value", ["²", "١٢"])
def test_the_audit_log_filter_ignores_other_digits(make, web, sign_in, session, value):
    admin = make.coach()
    session.get(User, admin.id).role = Role.admin
    audit.record(session, admin, make.client(coach=admin, name="Aino"), "view", "coach.client")
    session.commit()
    sign_in(web, admin)
    response = web.get(f"/admin/audit?client={value}")
    assert response.status_code == 200
    assert "view: coach.client" in visible_text(response)
    assert visible_text(response) == visible_text(web.get("/admin/audit")), "the whole log, as with no client chosen"


def test_a_help_request_for_a_task_in_other_digits_is_not_found(make, web, sign_in, session):
    sign_in(web, make.client())
    assert web.post("/help", {"task": "𝟙"}).status_code == 404
    assert count(session, HelpRequest) == 0


@pytest.mark.parametrize("face", ["²", "𝟙", "99999999999999999999"])
def test_a_face_in_other_digits_is_refused(make, web, sign_in, session, face):
    sign_in(web, make.client())
    areas = {area: "3" for area in ("energy", "mind", "skills", "everyday", "work")}
    response = web.post("/today-went", {"day": "2026-11-23", **areas, "energy": face})
    assert response.status_code == 400
    assert "Valitse jokaiseen kysymykseen yksi kuva." in visible_text(response)
    assert count(session, SelfAssessment) == 0


def test_a_weekday_number_too_big_is_not_found(coach_web, session):
    web, coach, client = coach_web
    url = f"/coach/clients/{client.id}/schedule/{'9' * 30}"
    before = (count(session, WorkDay), count(session, Break))
    assert web.get(url).status_code == 404
    assert web.post(url, {"works": "1", "starts": "8.00", "ends": "14.00"}).status_code == 404
    assert (count(session, WorkDay), count(session, Break)) == before


@pytest.mark.parametrize("text", ["99999999999999999999", "25.00", "8.99", "٨.٣٠", "²", "8.٣٠", "24", "-1", "8.5", "123.00"])
def test_times_nobody_means_are_refused(text):
    with pytest.raises(ValueError):
        schedule.parse_time(text)


@pytest.mark.parametrize("text, expected", [("8", (8, 0)), ("08:00", (8, 0)), ("14.30", (14, 30)), (" 23.59 ", (23, 59))])
def test_times_as_people_write_them(text, expected):
    assert (schedule.parse_time(text).hour, schedule.parse_time(text).minute) == expected


@pytest.mark.parametrize("field", ["starts", "ends", "break0_starts"])
def test_a_huge_time_in_the_schedule_is_refused_and_changes_nothing(coach_web, session, field):
    web, coach, client = coach_web
    form = {"works": "1", "starts": "8.00", "ends": "14.00", "break0_starts": "10.00", "break0_ends": "10.15"}
    before = (count(session, WorkDay), count(session, Break))
    response = web.post(f"/coach/clients/{client.id}/schedule/0", {**form, field: "99999999999999999999"})
    assert response.status_code == 400
    assert "Kirjoita ajat muodossa 8.00 tai 14.30." in visible_text(response)
    assert f'id="{field}" name="{field}" type="text" value="99999999999999999999"' in html_of(response), "what was typed stays in its field"
    assert (count(session, WorkDay), count(session, Break)) == before


def test_a_huge_time_in_a_date_that_differs_is_refused(coach_web, session):
    web, coach, client = coach_web
    response = web.post(f"/coach/clients/{client.id}/exceptions", {"date": "2026-12-01", "kind": "hours", "starts": "9.00", "ends": "99999999999999999999"})
    assert response.status_code == 400
    assert "Kirjoita ajat muodossa 8.00 tai 14.30." in visible_text(response)
    assert count(session, ScheduleException) == 0


NAMES_WITH_CONTROLS = ["Aino\r\nBEGIN:VEVENT", "Aino\nX", "Aino\x1b[31m", "Aino\tX", "Aino\u2028X"]


@pytest.mark.parametrize("name", NAMES_WITH_CONTROLS)
def test_a_client_name_is_one_line_of_text(coach_web, session, name):
    web, coach, client = coach_web
    response = web.post("/coach/clients/new", {"name": name, "language": "fi"})
    assert response.status_code == 400
    assert count(session, ClientProfile) == 1


@pytest.mark.parametrize("name", NAMES_WITH_CONTROLS)
def test_a_coach_name_is_one_line_of_text(make, web, sign_in, session, name):
    admin = make.coach()
    session.get(User, admin.id).role = Role.admin
    session.commit()
    sign_in(web, admin)
    before = count(session, User)
    response = web.post("/admin/coaches", {"name": name})
    assert response.status_code == 400
    assert count(session, User) == before


@pytest.mark.parametrize("name", NAMES_WITH_CONTROLS)
def test_a_share_name_is_one_line_of_text(coach_web, client_factory, sign_in, session, name):
    web, coach, client = coach_web
    response = web.post(f"/coach/clients/{client.id}/shares", {"name": name, "agreed": "1"})
    assert response.status_code == 400
    phone = sign_in(client_factory(), client)
    assert phone.post("/share", {"name": name}).status_code == 400
    assert count(session, Share) == 0


def test_the_calendar_feed_keeps_a_name_with_a_line_break_on_one_line(make, web, session):
    """Names from before the check may hold anything; the feed stays valid."""
    client = make.client(name="Aino")
    session.get(User, client.id).name = "Aino\r\nBEGIN:VEVENT\x1b"
    token = share.create(session, client, name="Äiti", created_by=client)
    session.commit()
    response = web.get(f"/s/{token}.ics")
    assert response.status_code == 200
    feed = Calendar.from_ical(response.data)
    assert len(feed.walk("VEVENT")) > 0
    assert all(str(e["summary"]).startswith("Aino BEGIN:VEVENT") for e in feed.walk("VEVENT"))


@pytest.mark.parametrize("field", ["note", "reason", "day"])
def test_a_nul_byte_is_refused_before_the_database(make, web, sign_in, session, field):
    client = make.client()
    sign_in(web, client)
    form = {"day": "2026-11-23", "reason": "ill", "note": "Flu"}
    response = web.post("/absent", {**form, field: form[field] + "\x00"})
    assert response.status_code == 400
    assert count(session, Attendance) == 0


def test_a_nul_byte_in_a_query_is_refused(make, web, sign_in):
    sign_in(web, make.client())
    assert web.get("/tasks?x=a%00b").status_code == 400


@pytest.mark.parametrize("body", ["x", "1e308", "[]", json.dumps({"endpoint": "https://push.example.com/a\x00", "keys": {"p256dh": "a", "auth": "b"}})])
def test_a_push_subscription_that_is_not_one_is_refused(make, web, sign_in, session, body):
    sign_in(web, make.client())
    token = web.csrf_token()
    response = web.http.post("/alarms/subscription", data=body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert count(session, PushSubscription) == 0
