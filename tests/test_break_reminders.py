"""Break reminders: planning from the schedule (also across DST), and sending
through a real Web Push path to a fake push service that decrypts every message."""

import asyncio
import html
import json
import re
import threading
import time as time_module
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from selko import alarms
from selko.access import signin
from selko.alarms.worker import send_due, sender_for
from selko.models import DeviceSession, PushSubscription, Reminder, User
from tests.conftest import HELSINKI, at, count, html_of, visible_text

UTC = timezone.utc
BREAKS = ((time(10), time(10, 15), "Kahvitauko"), (time(12), time(12, 30), "Ruokatauko"))


def planned(session, client) -> list[tuple[str, datetime]]:
    session.expire_all()
    rows = session.scalars(select(Reminder).where(Reminder.client_id == client.id).order_by(Reminder.due_at)).all()
    return [(r.kind, r.due_at) for r in rows]


def test_planning_follows_the_schedule_and_is_idempotent(make, session, now):
    now.set(datetime(2026, 11, 23, 7, 0, tzinfo=HELSINKI))
    client = make.client(breaks=BREAKS)
    monday = date(2026, 11, 23)
    alarms.plan_day(session, client, monday)
    session.commit()
    first = planned(session, client)
    assert first == [
        ("work_start", at(8)),
        ("break_start", at(10)),
        ("break_end", at(10, 15)),
        ("break_start", at(12)),
        ("break_end", at(12, 30)),
        ("work_end", at(14)),
    ]
    alarms.plan_day(session, client, monday)
    session.commit()
    assert planned(session, client) == first


def test_a_schedule_change_replans_the_rest_of_the_day(make, web, sign_in, session, now, app):
    coach = make.coach()
    client = make.client(coach=coach, breaks=BREAKS)
    monday = date(2026, 11, 23)
    now.set(datetime(2026, 11, 23, 9, 0, tzinfo=HELSINKI))
    alarms.plan_day(session, client, monday)
    session.commit()
    sign_in(web, coach).post(
        f"/coach/clients/{client.id}/schedule/0",
        {"works": "1", "starts": "8", "ends": "15", "break0_name": "Kahvi", "break0_starts": "10.30", "break0_ends": "10.45"},
    )
    assert planned(session, client) == [
        ("break_start", at(10, 30)),
        ("break_end", at(10, 45)),
        ("work_end", at(15)),
    ], "8.00 has passed; the rest follows the new schedule"


@pytest.mark.parametrize(
    "day, utc_hour",
    [
        (date(2026, 3, 28), 6),  # Saturday before summer time: UTC+2
        (date(2026, 3, 29), 5),  # summer time starts at 03.00 that night: UTC+3
        (date(2026, 10, 24), 5),  # last day of summer time
        (date(2026, 10, 25), 6),  # back to UTC+2 at 04.00 that night
    ],
)
def test_alarms_ring_at_local_time_across_daylight_saving_changes(make, session, now, day, utc_hour):
    now.set(datetime.combine(day, time(0, 30), HELSINKI))
    client = make.client(works=range(7), breaks=())
    alarms.plan_day(session, client, day)
    session.commit()
    first = planned(session, client)[0]
    assert first == ("work_start", datetime.combine(day, time(utc_hour), UTC))
    assert first[1].astimezone(HELSINKI).time() == time(8)


@pytest.fixture
def ringing_phone(make, web, sign_in, app, push_service, session):
    """A client whose phone subscribed to push, as the page does."""
    app.config["PUSH_ALLOW_LOCAL"] = True
    client = make.client(language="en", breaks=BREAKS)
    sign_in(web, client)
    subscription = push_service.subscribe("phone")
    response = web.http.post("/alarms/subscription", json=subscription, headers={"X-CSRFToken": web.csrf_token()})
    assert response.status_code == 201
    return client


def test_a_break_alarm_reaches_the_phone_in_plain_words(ringing_phone, session, now, sender, push_service):
    now.set(datetime(2026, 11, 23, 9, 59, tzinfo=HELSINKI))
    alarms.plan_day(session, ringing_phone, date(2026, 11, 23))
    session.commit()
    assert send_due(session, sender).claimed == 0, "nothing is due before 10.00"
    now.set(datetime(2026, 11, 23, 10, 0, 30, tzinfo=HELSINKI))
    outcome = send_due(session, sender)
    assert outcome.sent == 1
    assert push_service.problems == []
    [delivery] = push_service.deliveries
    assert delivery.message["title"] == "Break time"
    assert delivery.message["body"] == "Kahvitauko starts now."
    assert delivery.urgency == "normal"
    assert 0 < delivery.ttl <= 300, "a break alarm later than 5 minutes means nothing"
    now.set(datetime(2026, 11, 23, 10, 15, tzinfo=HELSINKI))
    send_due(session, sender)
    assert push_service.deliveries[-1].urgency == "high", "the break ends: back to work"
    assert send_due(session, sender).claimed == 0, "each alarm is sent once"
    session.expire_all()
    assert session.scalar(select(PushSubscription)).last_accepted_at is not None


def test_a_late_alarm_is_dropped(ringing_phone, session, now, sender, push_service):
    now.set(datetime(2026, 11, 23, 9, 0, tzinfo=HELSINKI))
    alarms.plan_day(session, ringing_phone, date(2026, 11, 23))
    session.commit()
    now.set(datetime(2026, 11, 23, 10, 14, tzinfo=HELSINKI))  # the worker was down since 9.00
    outcome = send_due(session, sender)
    assert (outcome.dropped, outcome.sent) == (1, 0), "the 10.00 alarm is 14 minutes late; 10.15 is not due"
    assert push_service.deliveries == []


def test_a_subscription_the_push_service_forgot_is_removed(ringing_phone, make, session, now, sender, push_service):
    push_service.answer("phone", 410)
    make.reminder(client=ringing_phone, text="Call me")
    assert send_due(session, sender).failed == 1
    session.expire_all()
    assert count(session, PushSubscription) == 0


def test_a_busy_push_service_is_asked_again_after_retry_after(ringing_phone, make, session, now, sender, push_service):
    push_service.answer("phone", 429, **{"Retry-After": "30"})
    make.reminder(client=ringing_phone, text="Call me")
    assert send_due(session, sender).retried == 1
    assert send_due(session, sender).claimed == 0, "not before Retry-After"
    push_service.answers.clear()
    now.set(now.value + timedelta(seconds=30))
    assert send_due(session, sender).sent == 1
    assert push_service.deliveries[0].message["body"] == "Call me"


def test_a_failing_push_service_is_retried_with_backoff_then_given_up(ringing_phone, make, session, now, sender, push_service):
    push_service.answer("phone", 503)
    make.reminder(client=ringing_phone, text="Call me")
    waits = []
    for _attempt in range(5):
        outcome = send_due(session, sender)
        session.expire_all()
        reminder = session.scalar(select(Reminder))
        if outcome.failed:
            break
        waits.append((reminder.retry_at - now.value).total_seconds())
        now.set(reminder.retry_at)
    assert waits == [5, 10, 20, 40]
    assert reminder.status == "failed"


def test_the_clients_choices_and_quiet_day_are_kept(ringing_phone, web, session, now, sender, push_service):
    now.set(datetime(2026, 11, 23, 9, 0, tzinfo=HELSINKI))
    alarms.plan_day(session, ringing_phone, date(2026, 11, 23))
    session.commit()
    web.post("/alarms", {"break_start": "1"})  # only break starts
    now.set(datetime(2026, 11, 23, 10, 0, 30, tzinfo=HELSINKI))
    assert send_due(session, sender).sent == 1
    now.set(datetime(2026, 11, 23, 10, 15, 30, tzinfo=HELSINKI))
    assert send_due(session, sender).skipped == 1, "break ends: turned off"
    web.post("/alarms/silence", {"day": "2026-11-23"})
    now.set(datetime(2026, 11, 23, 12, 0, tzinfo=HELSINKI))
    assert send_due(session, sender).skipped == 1
    assert len(push_service.deliveries) == 1


@pytest.mark.parametrize(
    "endpoint",
    ["http://10.0.0.5/push", "https://127.0.0.1/push", "https://192.168.1.1/x", "file:///etc/passwd", "https://localhost/x", "ftp://push.example/x"],
)
def test_a_forged_subscription_cannot_point_the_worker_inside_our_network(make, web, sign_in, session, endpoint):
    sign_in(web, make.client())
    response = web.http.post(
        "/alarms/subscription",
        json={"endpoint": endpoint, "keys": {"p256dh": "x", "auth": "y"}},
        headers={"X-CSRFToken": web.csrf_token()},
    )
    assert response.status_code == 400
    assert count(session, PushSubscription) == 0


def test_signing_out_stops_the_phone_ringing(ringing_phone, web, session):
    web.post("/signout")
    session.expire_all()
    assert count(session, PushSubscription) == 0


def test_two_workers_send_each_reminder_exactly_once(app, make, session, now, push_service):
    if app.extensions["selko.engine"].dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; on SQLite one worker runs at a time (README)")
    client = make.client()
    subscription = push_service.subscribe("phone")
    session.add(
        PushSubscription(
            user_id=client.id,
            device_session_id=_device(make, session, client),
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"]["p256dh"],
            auth=subscription["keys"]["auth"],
            created_at=now.value,
        )
    )
    due = now.value.astimezone(UTC)
    session.add_all([Reminder(client_id=client.id, day=date(2026, 11, 23), kind="coach", due_at=due - timedelta(seconds=n), text=str(n)) for n in range(2000)])
    session.commit()
    push_service.decrypt = False

    def work():
        sender = sender_for(app)  # one per worker, as in production
        with Session(app.extensions["selko.engine"]) as own:
            while send_due(own, sender, limit=100).claimed:
                pass
        sender.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    session.expire_all()
    assert len(push_service.deliveries) == 2000
    assert session.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == "sent")) == 2000


def _device(make, session, client) -> int:
    signin.open_device_session(session, client, length=timedelta(days=1))
    session.commit()
    return session.scalar(select(DeviceSession.id).where(DeviceSession.user_id == client.id))


def test_the_coach_sends_a_reminder_now_and_sees_whether_alarms_ring(ringing_phone, make, session, client_factory, sign_in, now, sender, push_service):
    coach = session.get(User, ringing_phone.client_profile.coach_id)
    coach.language = "en"
    session.commit()
    desk = sign_in(client_factory(), coach)
    assert "Alarms can ring." in visible_text(desk.get(f"/coach/clients/{ringing_phone.id}/phones"))
    assert desk.post(f"/coach/clients/{ringing_phone.id}/reminder", {"ready": "break"}).status_code == 303
    assert desk.post(f"/coach/clients/{ringing_phone.id}/reminder", {"own": "x" * 301}).status_code == 400
    assert send_due(session, sender).sent == 1
    assert push_service.deliveries[0].message == {
        "title": "Message from your coach",
        "body": "Remember your break.",
        "url": "/",
        "reminder": push_service.deliveries[0].message["reminder"],
        "kind": "ready_message",
    }
    assert "Last alarm sent:" in visible_text(desk.get(f"/coach/clients/{ringing_phone.id}/phones"))


def test_the_board_flags_a_client_whose_phone_cannot_ring(make, client_factory, sign_in, session):
    coach = make.coach(language="en")
    make.client(coach=coach, name="Silent")
    assert "Alarms cannot ring on the phone." in visible_text(sign_in(client_factory(), coach).get("/coach/"))


def test_the_coach_gets_an_alert_when_a_client_is_absent_or_needs_help(make, app, session, client_factory, sign_in, now, sender, push_service):
    app.config["PUSH_ALLOW_LOCAL"] = True
    coach = make.coach(name="Sanna", language="en")
    aino = make.client(coach=coach, name="Aino", language="fi")
    desk = sign_in(client_factory(), coach)
    phone_of_coach = push_service.subscribe("coach-phone")
    assert desk.http.post("/alarms/subscription", json=phone_of_coach, headers={"X-CSRFToken": desk.csrf_token()}).status_code == 201

    phone = sign_in(client_factory(), aino)
    phone.post("/absent", {"day": "2026-11-23", "reason": "ill", "note": "Kuumetta"})
    phone.post("/help")
    assert send_due(session, sender).sent == 2
    messages = sorted((d.message["title"], d.message["body"], d.subscription, d.urgency) for d in push_service.deliveries)
    assert messages == [
        ("Aino asks for help", "Call or visit soon.", "coach-phone", "high"),
        ("Aino is not coming today", "I am ill: Kuumetta", "coach-phone", "high"),
    ]
    assert all(d.message["url"] == "/coach/" for d in push_service.deliveries)


def test_today_carries_the_in_page_alarms_only_where_push_cannot_ring(make, web, sign_in, app, push_service, now):
    now.set(datetime(2026, 11, 23, 9, 0, tzinfo=HELSINKI))
    app.config["PUSH_ALLOW_LOCAL"] = True
    sign_in(web, make.client(language="en", breaks=BREAKS))
    page = html_of(web.get("/"))  # the alarms are the page's data, for its script
    alarms = json.loads(html.unescape(re.search(r"data-alarms='([^']*)'", page).group(1)))
    assert [a["body"] for a in alarms] == [
        "Kahvitauko starts now.",
        "Go back to work now.",
        "Ruokatauko starts now.",
        "Go back to work now.",
        "You can go home now.",
    ], "8.00 has passed"
    assert alarms[0]["at"] == int(datetime(2026, 11, 23, 10, tzinfo=HELSINKI).timestamp() * 1000)
    web.http.post("/alarms/subscription", json=push_service.subscribe("phone"), headers={"X-CSRFToken": web.csrf_token()})
    assert "data-alarms=" not in html_of(web.get("/")), "push rings; the page must not ring twice"


def test_the_coach_sees_when_notifications_are_blocked_on_a_phone(make, web, sign_in, client_factory, session):
    coach = make.coach(language="en")
    client = make.client(coach=coach)
    phone = sign_in(web, client)
    assert phone.post("/alarms/permission", {"permission": "denied"}).status_code == 204
    assert phone.post("/alarms/permission", {"permission": "maybe"}).status_code == 400
    assert "Notifications are blocked on this phone." in visible_text(sign_in(client_factory(), coach).get(f"/coach/clients/{client.id}/phones"))


def test_the_worker_sends_also_where_an_event_loop_already_runs(ringing_phone, make, session, now, sender, push_service):
    """Playwright's sync API keeps a loop running in the test process; a server
    framework might too. The sender's loop lives in its own thread."""
    make.reminder(client=ringing_phone, text="Hello")

    async def inside_a_loop():
        return send_due(session, sender)

    # A thread of its own, so this test does not depend on a loop already here.
    results = []
    caller = threading.Thread(target=lambda: results.append(asyncio.run(inside_a_loop())))
    caller.start()
    caller.join()
    assert results[0].sent == 1
    assert push_service.deliveries[0].message["body"] == "Hello"


def test_a_ready_message_reaches_the_client_in_the_clients_own_language(make, app, session, web, client_factory, sign_in, now, sender, push_service):
    app.config["PUSH_ALLOW_LOCAL"] = True
    coach = make.coach()  # speaks Finnish, Selko's default
    client = make.client(coach=coach, language="sv")
    phone = sign_in(web, client)
    assert phone.http.post("/alarms/subscription", json=push_service.subscribe("phone"), headers={"X-CSRFToken": phone.csrf_token()}).status_code == 201
    desk = sign_in(client_factory(), coach)
    assert "Muista pitää tauko." in visible_text(desk.get(f"/coach/clients/{client.id}")), "the coach reads the choices in Finnish"
    desk.post(f"/coach/clients/{client.id}/reminder", {"ready": "break"})
    now.set(now.value + timedelta(seconds=1))
    desk.post(f"/coach/clients/{client.id}/reminder", {"own": "Muista hanskat!"})
    with app.app_context():  # as in `selko worker`
        assert send_due(session, sender).sent == 2
    assert sorted((d.message["title"], d.message["body"]) for d in push_service.deliveries) == [
        ("Meddelande från din handledare", "Kom ihåg din rast."),
        ("Meddelande från din handledare", "Muista hanskat!"),  # the coach's own words, as written
    ]
    assert desk.post(f"/coach/clients/{client.id}/reminder", {"ready": "no such message"}).status_code == 400


def test_two_workers_planning_the_same_day_at_once_both_go_on(app, make, now):
    """Workers started together plan together (at start, then every 10
    minutes): the second's rows meet the first's in the unique index."""
    engine = app.extensions["selko.engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("on SQLite one worker runs at a time (README)")
    now.set(datetime(2026, 11, 23, 7, 0, tzinfo=HELSINKI))
    client = make.client(breaks=BREAKS)
    failures = []

    def second_worker():
        with Session(engine) as second:
            try:
                alarms.plan_today_for_everyone(second)
            except Exception as error:  # noqa: BLE001 - the worker's pass fails on any error
                failures.append(error)

    with Session(engine) as first:
        alarms.planning.plan_clients(first, [client.id], date(2026, 11, 23), "Europe/Helsinki")  # inserted, not committed
        worker = threading.Thread(target=second_worker)
        worker.start()
        with engine.connect() as watcher:  # until the second waits for the first's rows
            waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            deadline = time_module.monotonic() + 30  # a busy machine is slow, never this wrong
            while not watcher.execute(waiting).scalar():
                if not worker.is_alive() or time_module.monotonic() > deadline:
                    pytest.fail(f"the second worker did not meet the first's rows (it failed with {failures})")
                time_module.sleep(0.05)
        first.commit()
        worker.join()
    assert failures == []
    with Session(engine) as session:
        assert len(planned(session, client)) == 6
