"""Several hosts on one PostgreSQL, as production may run: two web processes
(`selko serve`, gunicorn) on two ports sharing the rate-limit counters in
Redis, and two `selko worker`s sharing the alarm queue, one of them killed
with SIGKILL in the middle of a batch.

Real processes, real migrations, a push service on 127.0.0.1 that records
every push it receives; nothing is mocked inside Selko."""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis
from alembic import command
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from selko import clock, db
from selko.access import signin
from selko.models import ClientProfile, DeviceSession, Organisation, PushSubscription, Reminder, Role, User
from selko.people.clients import create_client
from selko.web.security import SIGN_IN_LIMIT
from tests.conftest import _own_database
from tests.fake_push import FakePushService

# Many processes of its own: `make test` runs it after the rest, alone.
pytestmark = pytest.mark.alone

REMINDERS = 2000
BATCH = 100  # SELKO_ALARM_BATCH: 20 batches, so both workers take some
# SELKO_ALARM_SEND_SECONDS: longer than the push service may hold a batch
# below (HELD), so no live worker's push is retried; a killed worker's claim
# is given back 15 s after it.
SEND_SECONDS = 40
HELD = 30


def _messages(log: str) -> list[str]:
    """The messages of a process's log: one JSON object a line (selko/ops/logs.py)."""
    return [json.loads(line)["message"] for line in log.splitlines() if line.startswith("{")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hosts:
    """The processes of the test, each in its own process group with its log
    in a file; every one is stopped at the end, also when the test fails."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}
        self.killed: set[str] = set()

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "wb") as log:
            process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def all_logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-3000:]}" for name in self.running)

    def kill(self, name: str) -> None:
        self.killed.add(name)
        self.running[name].send_signal(signal.SIGKILL)
        self.running[name].wait(timeout=10)

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if name not in self.killed and process.poll() is not None:
                pytest.fail(f"{name} stopped ({process.returncode}):\n{self.log(name)[-3000:]}")

    def wait_until(self, condition, what: str, seconds: float = 30):
        """Poll condition() until it gives something true; fail if a process dies or time runs out."""
        end = time.monotonic() + seconds
        while True:
            value = condition()
            if value:
                return value
            self.check_alive()
            if time.monotonic() > end:
                pytest.fail(f"waited {seconds} s until {what}\n{self.all_logs()}")
            time.sleep(0.05)

    def stop(self, name: str) -> int:
        """SIGTERM to the process group, as systemd stops a service."""
        process = self.running[name]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # gunicorn's workers too
                process.wait()
        return process.returncode

    def stop_all(self) -> None:
        for name in self.running:
            self.stop(name)


@pytest.fixture
def hosts(tmp_path):
    started = Hosts(tmp_path)
    yield started
    started.stop_all()


def _postgresql() -> str:
    url = os.environ.get("SELKO_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (SELKO_TEST_DATABASE_URL): on SQLite one worker runs at a time")
    return url


def _redis_server() -> str:
    path = shutil.which("redis-server")
    if path is None:
        why = "needs Debian's redis-server (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(why)  # in CI a test that does not run must not look like one that passed
        pytest.skip(why)
    return path


def _arrange(engine, push: FakePushService) -> str:
    """One client who signs in through the web processes (her sign-in link
    is returned), and 2,000 clients with a phone each and an alarm due now."""
    now = clock.now()
    keys = push.subscribe("key")["keys"]  # one key pair for every phone
    with Session(engine) as session:
        organisation = Organisation(name="Several hosts", time_zone="Europe/Helsinki")
        session.add(organisation)
        session.flush()
        coach = User(organisation_id=organisation.id, role=Role.coach, name="Sanna", created_at=now)
        session.add(coach)
        session.flush()
        aino = create_client(session, coach=coach, name="Aino")
        token = signin.create_link_token(session, aino, minutes=15)
        clients = session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [{"organisation_id": organisation.id, "role": Role.client, "name": f"Client {n}", "language": "fi", "created_at": now} for n in range(REMINDERS)],
        ).all()
        session.execute(insert(ClientProfile), [{"user_id": c, "coach_id": coach.id} for c in clients])
        devices = session.scalars(
            insert(DeviceSession).returning(DeviceSession.id, sort_by_parameter_order=True),
            [
                {"user_id": c, "token_hash": secrets.token_hex(32), "created_at": now, "last_used_at": now, "expires_at": now + timedelta(days=1)}
                for c in clients
            ],
        ).all()
        session.execute(
            insert(PushSubscription),
            [
                {"user_id": c, "device_session_id": d, "endpoint": f"{push.url}/phone-{c}", "p256dh": keys["p256dh"], "auth": keys["auth"], "created_at": now}
                for c, d in zip(clients, devices)
            ],
        )
        session.commit()
    return token


def _due_now(engine) -> None:
    now = clock.now()
    with Session(engine) as session:
        clients = session.scalars(select(PushSubscription.user_id)).all()
        session.execute(insert(Reminder), [{"client_id": c, "day": now.date(), "kind": "coach", "due_at": now, "text": "Muista tauko."} for c in clients])
        session.commit()


def _statuses(engine) -> Counter:
    with engine.connect() as connection:
        return Counter(dict(connection.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()))


class _Browser:
    """One browser's cookies, as it would keep them behind a load balancer
    that sends each request to either web process: cookies do not care
    about the port."""

    class _NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), self._NoRedirects)

    def open(self, url: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()


def test_two_web_hosts_and_two_workers_on_one_postgresql(hosts, tmp_path, push_service, request):
    started = time.monotonic()
    url = _postgresql()
    redis_server = _redis_server()
    # A database of its own beside SELKO_TEST_DATABASE_URL's, by the real migrations.
    database = _own_database(url, "several_hosts")
    command.upgrade(db.alembic_config(database), "head")
    engine = db.make_engine(database)
    request.addfinalizer(engine.dispose)
    push = push_service
    push.decrypt = False  # 2,000 decryptions would only slow the test: the service counts pushes by subscription
    push.delay = 0.2  # a batch is on its way for a while
    token = _arrange(engine, push)
    redis_port = _free_port()
    hosts.start("redis", [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)], os.environ)
    counters = redis.Redis(port=redis_port)

    def redis_answers():
        try:
            return counters.ping()
        except redis.ConnectionError:
            return False

    hosts.wait_until(redis_answers, "Redis answers")

    # What every host shares; each has its own instance folder, as separate machines would.
    vapid = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    shared = {key: value for key, value in os.environ.items() if not key.startswith("SELKO_")}  # keeps PYTHONPATH
    shared.update(
        SELKO_ENV="production",
        SELKO_DATABASE_URL=database,
        SELKO_SECRET_KEY=secrets.token_hex(32),
        SELKO_ORIGIN="http://127.0.0.1",
        SELKO_VAPID_PRIVATE_KEY=vapid,
        SELKO_RATE_LIMIT_STORAGE=f"redis://127.0.0.1:{redis_port}/0",
        SELKO_ALARM_BATCH=str(BATCH),
        SELKO_ALARM_SEND_SECONDS=str(SEND_SECONDS),
        PYTHONUNBUFFERED="1",  # the workers' lines reach their logs before a SIGKILL
    )
    selko = [sys.executable, "-m", "selko"]
    ports = [_free_port(), _free_port()]
    for n, port in enumerate(ports, 1):
        hosts.start(f"web{n}", [*selko, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], {**shared, "SELKO_INSTANCE_PATH": str(tmp_path / f"web{n}")})
    for n in (1, 2):
        hosts.start(f"worker{n}", [*selko, "worker"], {**shared, "SELKO_INSTANCE_PATH": str(tmp_path / f"worker{n}")})

    def healthy(port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    for port in ports:
        hosts.wait_until(lambda port=port: healthy(port), f"the web process on {port} answers /healthz", seconds=60)
    a, b = (f"http://127.0.0.1:{port}" for port in ports)

    # No sticky sessions: a form from one host is accepted by the other, and
    # the session it opens is known to both.
    phone = _Browser()
    status, page = phone.open(f"{a}/language")
    assert status == 200
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    status, _page = phone.open(f"{b}/signin/{token}", {"csrf_token": csrf})
    assert status == 303, "the sign-in through the other web process was accepted"
    status, page = phone.open(f"{a}/")
    assert status == 200 and "Tarvitsen apua" in page, "Aino is signed in on the first web process too: her Today"

    # A burst of guessed sign-in links, alternating between the hosts: they
    # share one limit, not one each.
    limit = int(SIGN_IN_LIMIT.split()[0])
    guesser = _Browser()
    answers = [(host, guesser.open(f"{host}/signin/{secrets.token_urlsafe(32)}")[0]) for _ in range(2 * limit) for host in (a, b)]
    accepted = [host for host, status in answers if status != 429]
    assert len(accepted) == limit, f"{len(accepted)} guesses answered before 429, the limit is {limit}"
    assert [status for _host, status in answers[limit:]] == [429] * 3 * limit, "once refused, refused on both hosts"
    assert set(accepted) == {a, b}
    assert any(b"LIMITER" in key for key in counters.keys()), "the counters are in Redis"

    # 2,000 alarms due at once, both workers sending. Then the push service
    # holds its answers until each worker's batch has reached it, and worker 1
    # is killed: it has sent its batch and not recorded it.
    hosts.wait_until(lambda: hosts.log("worker1") and hosts.log("worker2"), "both workers are running (their first line)")
    _due_now(engine)
    sent_lines = lambda name: [line for line in _messages(hosts.log(name)) if line.startswith("sent ")]  # noqa: E731
    hosts.wait_until(lambda: sent_lines("worker1") and sent_lines("worker2"), "both workers have recorded a batch")
    push.answering.clear()

    def both_batches_received():
        claimed = _phones(engine, Reminder.status == "sending")
        return len(claimed) == 2 * BATCH and claimed <= {d.subscription for d in push.deliveries}

    hosts.wait_until(both_batches_received, "both workers' batches have reached the push service", seconds=HELD)
    hosts.kill("worker1")
    answered_before_kill = set(push.answered)
    push.answering.set()
    killed_at = time.monotonic()

    # The live worker sends the rest; the killed worker's batch stays claimed
    # until its claim is stale: then worker 2 sends it too.
    hosts.wait_until(lambda: _statuses(engine) == Counter(sent=REMINDERS), "every alarm is recorded sent", seconds=SEND_SECONDS + 15 + 30)
    orphans = _phones(engine, Reminder.attempts == 2)  # claimed twice: the killed worker's batch, and nothing else
    given_back_after = time.monotonic() - killed_at
    assert hosts.stop("worker2") == 0, "the live worker stops cleanly on SIGTERM"

    received = Counter(d.subscription for d in push.deliveries)
    twice = {phone for phone, count in received.items() if count > 1}
    print(
        f"\n{len(push.deliveries)} pushes received for {REMINDERS} alarms; worker 1 killed with {len(orphans)} sent and not recorded "
        f"({len(orphans & answered_before_kill)} of them answered 201, the rest waiting for their answer); "
        f"given back and sent again after {given_back_after:.1f} s; {len(twice)} received twice; {time.monotonic() - started:.1f} s in all"
    )
    assert push.problems == []
    assert set(received) == _phones(engine), "no alarm was lost"
    assert max(received.values()) == 2
    # Received twice: exactly the killed worker's last batch, which it had sent
    # and not recorded. Nothing else, and nothing of the live worker's.
    assert twice == orphans and len(orphans) == BATCH, "claimed twice, recorded sent once"


def _phones(engine, *where) -> set[str]:
    """The push subscriptions (one a client) of the alarms that match."""
    with engine.connect() as connection:
        return {f"phone-{client}" for client in connection.scalars(select(Reminder.client_id).where(*where))}
