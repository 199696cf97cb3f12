"""An alarm delivered to the service worker shows as a notification (TESTING.md's recipe)."""

import json
from datetime import date, datetime, timezone

from selko.alarms import alarm_message
from selko.models import Reminder


def test_a_pushed_alarm_is_shown_and_reported_back(app, make, new_context, open_link, live_server, page_problems):
    # Known race, not this test's subject: the service worker, installed on the
    # sign-in page, can answer with the cookie from before signing in, so the
    # first page's permission report is sometimes refused (CSRF, 400).
    page_problems.allowed = (f"{live_server.url}/alarms/permission)",)
    client = make.client(language="en")
    context = new_context(service_workers="allow")
    page = open_link(context, client)
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.goto("/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    for _ in range(150):  # a loaded CI machine can take seconds
        if registrations:
            break
        page.wait_for_timeout(100)
    context.grant_permissions(["notifications"], origin=live_server.url)

    reminder = Reminder(
        id=7, client_id=client.id, day=date(2026, 11, 23), kind="break_start", due_at=datetime(2026, 11, 23, 8, tzinfo=timezone.utc), text="Kahvitauko"
    )
    with app.app_context():
        payload = alarm_message(reminder, client.language)
    mark = live_server.mark()
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url + "/",
            "registrationId": registrations[-1]["registrationId"],
            "data": json.dumps(payload),
        },
    )
    shown = []
    for _ in range(150):  # a loaded CI machine can take seconds
        shown = page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list => list.map(n => ({title: n.title, body: n.body, tag: n.tag})))"
        )
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [{"title": "Break time", "body": "Kahvitauko starts now.", "tag": "selko-7"}]
    for _ in range(150):  # a loaded CI machine can take seconds
        if "/alarms/shown" in live_server.paths_since(mark, "POST"):
            break
        page.wait_for_timeout(100)
    assert "/alarms/shown" in live_server.paths_since(mark, "POST"), "the worker tells Selko the alarm was shown"
