"""What a security review asked of the alarms: only real push services, only
well-formed subscriptions, a worker that one bad row cannot stop, and a
worker that stops and restarts without losing alarms."""

import base64
import os
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from selko import clock
from selko.alarms import worker
from selko.alarms.webpush import Sender
from selko.alarms.worker import send_due
from selko.models import DeviceSession, PushSubscription, Reminder
from tests.conftest import HELSINKI
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


def test_the_workers_batch_and_send_time_are_read_from_the_environment(monkeypatch, tmp_path):
    from selko import config

    monkeypatch.delenv("SELKO_ALARM_BATCH", raising=False)
    monkeypatch.delenv("SELKO_ALARM_SEND_SECONDS", raising=False)
    assert config.from_environment(tmp_path)["ALARM_BATCH"] is None, "unset: the worker's own"
    monkeypatch.setenv("SELKO_ALARM_BATCH", "250")
    monkeypatch.setenv("SELKO_ALARM_SEND_SECONDS", "20")
    settings = config.from_environment(tmp_path)
    assert (settings["ALARM_BATCH"], settings["ALARM_SEND_SECONDS"]) == (250, 20)
    monkeypatch.setenv("SELKO_ALARM_SEND_SECONDS", "0")
    with pytest.raises(config.ConfigError, match="SELKO_ALARM_SEND_SECONDS"):
        config.from_environment(tmp_path)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


NOT_ON_THE_CURVE = b64(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    "p256dh, auth",
    [
        ("AAAA", None),  # the right kind of text, but no key
        ("A" * 87, None),  # the length of a key, all zero bytes
        (NOT_ON_THE_CURVE, None),  # 65 bytes starting 0x04, but not a point of P-256
        ("compressed", None),  # a compressed point: browsers never send one
        ("not base64!", None),
        (None, b64(b"\x00" * 15)),  # an auth secret one byte short
        (None, b64(b"\x00" * 17)),
        (None, "%%%%"),
    ],
)
def test_a_subscription_whose_keys_are_not_keys_is_refused(app, make, web, sign_in, session, phone_keys, p256dh, auth):
    app.config["PUSH_ALLOW_LOCAL"] = True
    if p256dh == "compressed":
        key = ec.generate_private_key(ec.SECP256R1()).public_key()
        p256dh = b64(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint))
    keys = {"p256dh": p256dh or phone_keys["p256dh"], "auth": auth or phone_keys["auth"]}
    sign_in(web, make.client())
    response = subscribe(web, {"endpoint": "http://127.0.0.1:9/phone", "keys": keys})
    assert response.status_code == 400
    assert response.get_json() == {"message": "Jokin meni vikaan. Yritä uudelleen."}
    assert subscriptions(session) == 0
    assert subscribe(web, {"endpoint": "http://127.0.0.1:9/phone", "keys": phone_keys}).status_code == 201


def add_phone(session, client, subscription: dict) -> None:
    """A subscription written straight into the database, past every check."""
    device = DeviceSession(
        user_id=client.id,
        token_hash=os.urandom(32).hex(),
        created_at=clock.now(),
        last_used_at=clock.now(),
        expires_at=clock.now() + timedelta(days=1),
    )
    session.add(device)
    session.flush()
    session.add(
        PushSubscription(
            user_id=client.id,
            device_session_id=device.id,
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"]["p256dh"],
            auth=subscription["keys"]["auth"],
            created_at=clock.now(),
        )
    )


def due_now(make, client, text: str, kind: str = "coach", seconds_ago: int = 0) -> None:
    make.reminder(client=client, kind=kind, due_at=clock.now() - timedelta(seconds=seconds_ago), text=text)


def outcomes(session) -> dict[str, tuple[str, str]]:
    session.expire_all()
    return {r.text: (r.status, r.outcome) for r in session.scalars(select(Reminder))}


def test_one_bad_subscription_does_not_stop_everyone_elses_alarms(make, session, now, sender, push_service):
    coach = make.coach()
    good, poisoned = make.client(coach=coach, name="Good"), make.client(coach=coach, name="Poisoned")
    add_phone(session, good, push_service.subscribe("good"))
    add_phone(session, poisoned, {"endpoint": f"{push_service.url}/poisoned", "keys": {"p256dh": "AAAA", "auth": "AAAA"}})
    for n in range(100):
        due_now(make, poisoned if n == 50 else good, f"alarm {n}", seconds_ago=100 - n)
    session.commit()

    outcome = send_due(session, sender)

    assert (outcome.sent, outcome.failed) == (99, 1)
    assert sorted(d.message["body"] for d in push_service.deliveries) == sorted(f"alarm {n}" for n in range(100) if n != 50)
    status, reason = outcomes(session)["alarm 50"]
    assert status == "failed" and "encrypt" in reason
    assert {s for s, _reason in outcomes(session).values()} == {"sent", "failed"}, "nothing is left sending"


def test_an_alarm_of_an_unknown_kind_fails_alone(make, session, now, sender, push_service):
    client = make.client()
    add_phone(session, client, push_service.subscribe("phone"))
    due_now(make, client, "from a newer Selko", kind="birthday")
    due_now(make, client, "Call me")
    session.commit()

    assert send_due(session, sender).sent == 1
    assert [d.message["body"] for d in push_service.deliveries] == ["Call me"]
    status, reason = outcomes(session)["from a newer Selko"]
    assert status == "failed" and "birthday" in reason


def test_alarms_claimed_by_a_killed_worker_are_sent_by_the_next_one_in_time(make, session, now, sender, push_service):
    now.set(datetime(2026, 11, 23, 10, 1, 35, tzinfo=HELSINKI))
    client = make.client(language="en")
    add_phone(session, client, push_service.subscribe("phone"))
    make.reminder(
        client=client,
        kind="break_start",
        text="Kahvitauko",
        due_at=datetime(2026, 11, 23, 10, 0, tzinfo=HELSINKI),
        status="sending",
        attempts=1,
        claimed_at=clock.now() - timedelta(seconds=90),  # the worker was killed while sending
    )

    assert send_due(session, sender).sent == 1
    assert [d.message["title"] for d in push_service.deliveries] == ["Break time"]
    assert 0 < push_service.deliveries[0].ttl <= 5 * 60 - 95, "still within the break's five minutes"


def test_a_shorter_send_time_gives_a_killed_workers_alarms_back_sooner(make, session, now, sender, push_service):
    """SELKO_ALARM_SEND_SECONDS=5: a claim is stale 15 s after the send time, not before."""
    client = make.client()
    add_phone(session, client, push_service.subscribe("phone"))
    for text, age in (("claimed 19 s ago", 19), ("claimed 21 s ago", 21)):
        make.reminder(
            client=client,
            text=text,
            due_at=clock.now() - timedelta(seconds=age + 10),
            status="sending",
            attempts=1,
            claimed_at=clock.now() - timedelta(seconds=age),
        )

    assert send_due(session, sender, deadline=5).sent == 1
    assert [d.message["body"] for d in push_service.deliveries] == ["claimed 21 s ago"]
    assert outcomes(session)["claimed 19 s ago"][0] == "sending", "its worker may still be sending it"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_stops_cleanly_when_told_to(make, session, push_service, database_url, tmp_path, stop):
    """`selko worker` as it runs in production: stopped while a batch is on
    its way, it finishes the batch and exits 0, leaving nothing claimed."""
    client = make.client()
    add_phone(session, client, push_service.subscribe("phone"))
    real_now = datetime.now(timezone.utc)
    for n in range(5):
        make.reminder(client=client, day=real_now.date(), due_at=real_now - timedelta(seconds=n), text=f"alarm {n}")
    push_service.delay = 1.0  # each push takes a second: the batch is in flight for a while

    env = {**os.environ, "SELKO_DATABASE_URL": database_url, "SELKO_INSTANCE_PATH": str(tmp_path / "worker")}
    worker = subprocess.Popen([str(Path(sys.executable).parent / "selko"), "worker"], env=env)
    try:
        for _ in range(300):
            if "sending" in statuses(session):
                break
            time.sleep(0.1)
        assert "sending" in statuses(session), "the worker took the alarms"
        worker.send_signal(stop)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert statuses(session) == ["sent"] * 5, "the batch on its way was finished, nothing left claimed"
    assert len(push_service.deliveries) == 5


def statuses(session) -> list[str]:
    session.expire_all()
    return [r.status for r in session.scalars(select(Reminder).where(Reminder.kind == "coach"))]


def test_a_push_service_that_does_not_answer_cannot_hold_the_claim(make, session, now, sender, push_service, monkeypatch):
    """A batch ends within the send deadline, so a claim older than the
    stale-claim limit surely belongs to a dead worker."""
    monkeypatch.setattr(worker, "SEND_DEADLINE", 0.5)
    assert worker.SEND_DEADLINE < worker.STALE_CLAIM.total_seconds()
    client = make.client()
    add_phone(session, client, push_service.subscribe("phone"))
    due_now(make, client, "Call me")
    session.commit()
    push_service.delay = 3

    started = time.monotonic()
    assert send_due(session, sender).retried == 1
    assert time.monotonic() - started < 2
    assert outcomes(session)["Call me"][0] == "planned"


def test_each_alarm_of_a_batch_is_recorded_with_its_own_outcome(make, session, now, sender, push_service):
    """The outcomes are written a few statements a batch, the alike together:
    each row must still get its own."""
    coach = make.coach()
    for name, status, headers in [("ok", 201, {}), ("gone", 410, {}), ("busy", 429, {"Retry-After": "30"}), ("down", 503, {})]:
        client = make.client(coach=coach, name=name)
        add_phone(session, client, push_service.subscribe(name))
        if status != 201:
            push_service.answer(name, status, **headers)
        due_now(make, client, name)
    due_now(make, client, "late", kind="break_start", seconds_ago=10 * 60)
    session.commit()

    outcome = send_due(session, sender)

    assert (outcome.sent, outcome.failed, outcome.retried, outcome.dropped) == (1, 1, 2, 1)
    assert outcomes(session) == {
        "ok": ("sent", "201"),
        "gone": ("failed", "410"),
        "busy": ("planned", ""),
        "down": ("planned", ""),
        "late": ("dropped", "too late"),
    }
    retry_in = {r.text: (r.retry_at - clock.now()).total_seconds() for r in session.scalars(select(Reminder).where(Reminder.retry_at.is_not(None)))}
    assert retry_in == {"busy": 30, "down": 5}


def test_an_encryption_process_that_died_between_batches_is_replaced_at_once(make, session, now, sender, push_service):
    """Dead and known to be dead (the pool noticed) before the next batch:
    Sender._encrypting starts a new process, and the alarm goes on time."""
    client = make.client()
    add_phone(session, client, push_service.subscribe("phone"))
    due_now(make, client, "Call me")
    os.kill(sender._encryption.submit(os.getpid).result(), signal.SIGKILL)  # out of memory, say
    with pytest.raises(BrokenProcessPool):  # waits until the pool knows
        sender._encryption.submit(os.getpid).result(timeout=30)

    first = send_due(session, sender)
    assert (first.sent, first.retried) == (1, 0), "sent with a new process"
    assert outcomes(session)["Call me"] == ("sent", "201")
    assert [d.message["body"] for d in push_service.deliveries] == ["Call me"]


def test_an_encryption_process_that_dies_while_an_alarm_waits_costs_a_retry_not_the_alarm(make, session, now, sender, push_service):
    """Dying with the alarm's encryption already handed to it: the alarm is
    given back (Sender._send_one answers 0), and the next pass, with a new
    process, sends it."""
    client = make.client()
    add_phone(session, client, push_service.subscribe("phone"))
    due_now(make, client, "Call me")
    encrypting = sender._encryption.submit(os.getpid).result()
    sender._encryption.submit(time.sleep, 60)  # busy: the alarm's encryption waits behind this
    handed = Sender._encrypting

    def handed_then_killed(messages):
        queued = handed(sender, messages)
        os.kill(encrypting, signal.SIGKILL)  # out of memory, say, before it came to the alarm
        return queued

    sender._encrypting = handed_then_killed
    try:
        first = send_due(session, sender)
    finally:
        del sender._encrypting
    assert (first.sent, first.retried) == (0, 1), "given back to try again"
    assert outcomes(session)["Call me"] == ("planned", "")
    assert push_service.deliveries == []
    now.set(now.value + timedelta(seconds=5))
    assert send_due(session, sender).sent == 1
    assert outcomes(session)["Call me"] == ("sent", "201")
    assert [d.message["body"] for d in push_service.deliveries] == ["Call me"]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_encryption_process_leaves_stopping_to_the_worker(make, session, now, sender, push_service, stop):
    """systemd stops a service by signalling each of its processes, ^C reaches
    the whole process group; the worker then finishes its batch, and needs
    the encryption process for it."""
    encrypting = sender._encryption.submit(os.getpid).result()
    os.kill(encrypting, stop)
    client = make.client()
    add_phone(session, client, push_service.subscribe("phone"))
    due_now(make, client, "Call me")
    session.commit()

    assert send_due(session, sender).sent == 1
    assert sender._encryption.submit(os.getpid).result() == encrypting, "the same process, alive"


def test_the_encryption_process_goes_with_a_worker_killed_outright():
    """SIGKILL (the out-of-memory killer, a host test) leaves the worker no
    time to stop its encryption process: that process must not stay behind."""
    script = "\n".join(
        [
            "import os, time",
            "from py_vapid import Vapid02",
            "from selko.alarms.webpush import Sender",
            "vapid = Vapid02()",
            "vapid.generate_keys()",
            "sender = Sender(vapid, 'mailto:selko@localhost', connections=8)",
            "print(sender._encryption.submit(os.getpid).result(), flush=True)",
            "time.sleep(120)",
        ]
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        encrypting = int(worker.stdout.readline())
        assert running(encrypting)
    finally:
        worker.kill()
        worker.wait()
    for _ in range(100):
        if not running(encrypting):
            break
        time.sleep(0.1)
    assert not running(encrypting)


def running(pid: int) -> bool:
    """Alive, not a zombie waiting for its parent to notice (Linux's /proc)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
