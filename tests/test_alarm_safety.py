"""What a security review asked of the alarms: only real push services, only
well-formed subscriptions, a worker that one bad row cannot stop, and a
worker that stops and restarts without losing alarms."""
import pytest
from sqlalchemy import func, select

from selko.models import PushSubscription
from tests.fake_push import FakePushService


@pytest.fixture
def phone_keys():
    """A real browser's keys, so only the endpoint decides."""
    service = FakePushService()
    service.url = "http://unused"
    return service.subscribe("phone")["keys"]


def subscribe(web, subscription):
    return web.http.post("/alarms/subscription", json=subscription, headers={"X-CSRFToken": web.csrf_token()})


def subscriptions(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(PushSubscription))


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://wns2-db5p.notify.windows.com/w/?token=BQYAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
    ],
)
def test_the_push_services_of_the_browsers_are_accepted(make, web, sign_in, session, phone_keys, endpoint):
    sign_in(web, make.client())
    assert subscribe(web, {"endpoint": endpoint, "keys": phone_keys}).status_code == 201
    assert subscriptions(session) == 1


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com.evil.example/fcm/send/x",  # lookalike: the real name in front
        "https://evilfcm.googleapis.com/fcm/send/x",  # not on a dot boundary
        "https://notify.windows.com.attacker.net/w/",
        "https://push.example/x",  # some other server
        "https://metadata.google.internal/computeMetadata/v1/",  # an internal name
        "https://db/x",
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://142.250.74.106/fcm/send/x",  # an address, not a name
        "https://[2a00:1450:4001::200a]/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",  # another port
    ],
)
def test_a_subscription_elsewhere_than_a_known_push_service_is_refused(make, web, sign_in, session, phone_keys, endpoint):
    sign_in(web, make.client())
    response = subscribe(web, {"endpoint": endpoint, "keys": phone_keys})
    assert response.status_code == 400
    assert response.get_json()["message"]
    assert subscriptions(session) == 0


def test_the_push_services_can_be_configured(app, make, web, sign_in, session, phone_keys):
    app.config["PUSH_HOSTS"] = ("push.example",)
    sign_in(web, make.client())
    assert subscribe(web, {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": phone_keys}).status_code == 400
    assert subscribe(web, {"endpoint": "https://eu.push.example/x", "keys": phone_keys}).status_code == 201


def test_the_push_hosts_are_read_from_the_environment(monkeypatch, tmp_path):
    from selko import config

    monkeypatch.setenv("SELKO_PUSH_HOSTS", " push.example , Other.Example ,")
    assert config.from_environment(tmp_path)["PUSH_HOSTS"] == ("push.example", "other.example")
