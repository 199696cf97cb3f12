"""What an operator sees: JSON log lines with the request's id and no personal
data, and /metrics behind its token, counted right across gunicorn's processes."""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from selko import access, clock
from selko.day.client_action import AGE_HEADER
from selko.ops import logs
from selko.web import security
from tests.conftest import html_of

TOKEN = "scraper-token-0123456789"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def log_text():
    """Selko's log as it would reach stderr, for the test to read."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure("json", stream)
    yield stream.getvalue
    root.removeHandler(handler)
    root.setLevel(level)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_a_request_is_one_json_line_with_its_id_and_no_token_query_or_name(app, web, make, log_text):
    client = make.client(name="Aino Virtanen")
    token = make.link(client)

    answer = web.get(f"/signin/{token}?lang=fi&from=qr", headers={"User-Agent": "Phone/1.0"})

    lines = json_lines(log_text())
    (access_line,) = [line for line in lines if line["logger"] == "selko.requests"]
    assert access_line["request_id"] == answer.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-Id"])
    assert access_line["route"] == "/signin/<token>"
    assert (access_line["method"], access_line["status"]) == ("GET", answer.status_code)
    assert {"time", "level", "message", "duration_ms"} <= set(access_line)
    text = log_text()
    for personal in (token, "lang=fi", "?", "Aino", "Virtanen", "127.0.0.1", "Phone/1.0"):
        assert personal not in text


def test_every_line_of_a_request_carries_its_id(app, web, log_text, monkeypatch):
    monkeypatch.setattr(security.limiter, "enabled", False)
    # A refused passkey is logged by the view, then the request's access line.
    answer = web.post("/passkeys/sign-in", {"credential": "not a passkey"}, headers={"X-Request-Id": "proxy-id.42"})

    lines = json_lines(log_text())[-2:]  # before them: the page the form's token came from
    assert [line["logger"] for line in lines] == ["selko", "selko.requests"]
    assert answer.headers["X-Request-Id"] == "proxy-id.42"
    assert {line["request_id"] for line in lines} == {"proxy-id.42"}


def test_a_failure_is_logged_with_its_route_not_its_path(app, web, log_text):
    @app.get("/fails/<token>")
    @access.public
    def fails(token):
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the test's traceback
    answer = web.get("/fails/secret-token-123?q=1")

    assert answer.status_code == 500
    failure, access_line = json_lines(log_text())
    assert failure["level"] == "ERROR" and failure["message"] == "exception on GET /fails/<token>"
    assert "RuntimeError: a bug" in failure["exc_info"]
    assert failure["request_id"] == access_line["request_id"] == answer.headers["X-Request-Id"]
    assert "secret-token-123" not in log_text()


@pytest.mark.parametrize("given", ["a b", "x" * 65, "id;drop", "ääkköset", ""])
def test_a_request_id_that_is_not_short_and_plain_is_replaced(given, web):
    answer = web.get("/welcome", headers={"X-Request-Id": given})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-Id"])


def test_the_request_hooks_ask_the_database_nothing(app, web):
    @app.get("/nothing")
    @access.public
    def nothing():
        return "nothing", {"Content-Type": "text/plain"}

    statements = []
    engine = app.extensions["selko.engine"]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert web.get("/nothing").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == []


@pytest.mark.parametrize(
    "configured, header",
    [
        ("", f"Bearer {TOKEN}"),  # no token configured: there is no /metrics
        ("", "Bearer "),
        (TOKEN, None),
        (TOKEN, "Bearer wrong"),
        (TOKEN, f"Bearer {TOKEN}x"),
        (TOKEN, f"Basic {TOKEN}"),
        (TOKEN, TOKEN),
        (TOKEN, "Bearer äö"),
    ],
)
def test_metrics_without_the_token_are_not_found(configured, header, app, web):
    app.config["METRICS_TOKEN"] = configured
    answer = web.get("/metrics", headers={"Authorization": header} if header else {})
    assert answer.status_code == 404
    assert "selko_" not in html_of(answer), "not a word of the metrics, not even hidden"


def scrape(web) -> dict:
    """Every sample of /metrics, by name and labels."""
    answer = web.get("/metrics", headers=SCRAPER)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.get_data(as_text=True))
        for sample in family.samples
    }


def requests_counted(samples: dict, route: str, method: str = "GET", status: str = "2xx") -> float:
    labels = (("method", method), ("route", route), ("status", status))
    return samples.get(("selko_http_request_duration_seconds_count", labels), 0)


def test_metrics_count_requests_and_read_the_reminders(app, web, make, session, now):
    app.config["METRICS_TOKEN"] = TOKEN
    client = make.client()
    due = clock.now()
    rows = [
        ("planned", due - timedelta(minutes=5)),
        ("planned", due - timedelta(minutes=1)),  # waiting for a retry: still due
        ("planned", due + timedelta(minutes=10)),
        ("sending", due - timedelta(seconds=2)),
        ("sent", due - timedelta(minutes=30)),
        ("sent", due - timedelta(minutes=31)),
        ("sent", due - timedelta(minutes=32)),
        ("failed", due - timedelta(minutes=33)),
        ("failed", due - timedelta(minutes=34)),
        ("dropped", due - timedelta(minutes=35)),
        ("sent", due - timedelta(hours=25)),  # yesterday's: not in the last 24 hours
        ("planned", due - timedelta(hours=30)),  # unsent since yesterday (a stopped worker): still due
    ]
    for status, due_at in rows:
        make.reminder(client=client, due_at=due_at, status=status, retry_at=due + timedelta(seconds=20) if due_at == due - timedelta(minutes=1) else None)
    before = scrape(web)

    assert web.get("/welcome?lang=sv").status_code == 200
    samples = scrape(web)

    assert requests_counted(samples, "/welcome") == requests_counted(before, "/welcome") + 1
    assert not any("lang=" in str(key) for key in samples)
    assert samples[("selko_reminders_due", ())] == 3
    assert samples[("selko_reminders_oldest_due_age_seconds", ())] == 30 * 3600
    by_status = {dict(labels)["status"]: value for (name, labels), value in samples.items() if name == "selko_reminders_last_24h"}
    assert by_status == {"planned": 2, "sending": 1, "sent": 3, "failed": 2, "dropped": 1, "skipped": 0}


def test_metrics_with_no_alarms_due_say_zero(app, web):
    app.config["METRICS_TOKEN"] = TOKEN
    samples = scrape(web)
    assert samples[("selko_reminders_due", ())] == 0
    assert samples[("selko_reminders_oldest_due_age_seconds", ())] == 0


def test_metrics_without_the_database_still_count_requests(tmp_path):
    from selko import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none", "INSTANCE_PATH": str(tmp_path), "METRICS_TOKEN": TOKEN})
    before = scrape(app.test_client())
    samples = scrape(app.test_client())
    assert requests_counted(samples, "/metrics") == requests_counted(before, "/metrics") + 1
    assert not any(name.startswith("selko_reminders") for name, _labels in samples)


def test_an_action_sent_later_from_the_offline_queue_is_a_replay(app, web, make, sign_in, now):
    app.config["METRICS_TOKEN"] = TOKEN
    phone = sign_in(web, make.client())
    # The counts belong to the process, which other tests in it share: compare with before.
    replays = lambda action: scrape(web).get(("selko_offline_replays_total", (("action", action),)), 0)  # noqa: E731
    arrived, left = replays("arrive"), replays("leave")

    assert phone.post("/arrive", {"day": "2026-11-23"}, headers={AGE_HEADER: "120000"}).status_code < 400
    assert phone.post("/leave", {"day": "2026-11-23"}).status_code < 400  # pressed online: no replay

    assert replays("arrive") == arrived + 1
    assert replays("leave") == left


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _selko_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELKO_", "PROMETHEUS_"))}
    env.update(SELKO_INSTANCE_PATH=str(tmp_path / "instance"), SELKO_ORIGIN="http://127.0.0.1")
    return env


SELKO = str(Path(sys.executable).with_name("selko"))


def test_gunicorn_workers_count_into_one_metrics_page(tmp_path):
    env = _selko_env(tmp_path)
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"from an earlier run")
    env.update(SELKO_METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    subprocess.run([SELKO, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [SELKO, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str, headers: dict | None = None) -> str:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers or {}), timeout=10) as answer:
            return answer.read().decode()

    try:
        for _ in range(150):
            try:
                get("/healthz")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("selko serve did not answer")
        # Until both workers have answered some: each counts in its own file.
        sent = 0
        with ThreadPoolExecutor(8) as pool:
            for _ in range(50):
                list(pool.map(lambda _: get("/welcome"), range(8)))
                sent += 8
                if len(list(metrics_dir.glob("histogram_*.db"))) >= 2:
                    break
        assert len(list(metrics_dir.glob("histogram_*.db"))) == 2
        assert not (metrics_dir / "counter_1.db").exists()

        page = get("/metrics", SCRAPER)
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in text_string_to_metric_families(page) for s in f.samples}
        assert requests_counted(samples, "/welcome") == sent
        assert samples[("selko_reminders_due", ())] == 0
        with pytest.raises(urllib.error.HTTPError) as refused:
            get("/metrics", {"Authorization": "Bearer wrong"})
        assert refused.value.code == 404
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert server.returncode == 0, errors
    lines = json_lines(errors)
    assert sum(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines) == 2
    welcome = [line for line in lines if line.get("route") == "/welcome"]
    assert len(welcome) == sent and all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in welcome)


def test_the_worker_logs_json_lines(tmp_path):
    env = _selko_env(tmp_path)
    subprocess.run([SELKO, "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run([SELKO, "worker", "--once"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = json_lines(done.stderr)
    assert any(line["logger"] == "selko" and line["message"].startswith("pruned ") for line in lines)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
