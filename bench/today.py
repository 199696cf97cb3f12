"""Throughput of the client's Today on gunicorn, against the floor: a bare
Flask app that answers the same bytes, on the same gunicorn settings
(selko/ops/gunicorn_config.py, 2 workers). The two are measured in turns
(Today, floor, Today, floor…) in one run, so the machine's other load falls
on both alike; the ratio is the figure to watch (goal: at least 0.25). The
workers' CPU time a request (from /proc, so Linux) is printed beside it: on
a shared machine it moves less than requests a second.
It also prints the SQL statements that Today, a task page and the coach's
board send, counted in-process.

The data is the demo (selko/demo/) in a fresh SQLite file, or in
SELKO_BENCH_DATABASE_URL (a PostgreSQL database it empties first).
Needs wrk, the HTTP load generator (Debian: apt-get install wrk).

    .venv/bin/python bench/today.py [--rounds 3] [--seconds 5] [--connections 4]
    SELKO_BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/today.py
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def floor() -> Flask:
    """The floor for gunicorn: the bytes of Today from a file, and nothing else."""
    body = Path(os.environ["SELKO_BENCH_FLOOR_BODY"]).read_bytes()
    app = Flask("floor")
    app.add_url_rule("/", "today", lambda: Response(body, mimetype="text/html"))
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def arrange(app) -> dict:
    """The demo, Aino's phone and Sanna's browser signed in (a passkey row, as
    after a passkey sign-in): their cookies and the addresses to ask."""
    from sqlalchemy import select

    from selko import clock, db, demo
    from selko.access import signin
    from selko.day import tasks
    from selko.models import Passkey, TaskAssignment

    with app.test_request_context():
        session = db.session()
        coach, client = demo.load(session)
        session.add(Passkey(user_id=coach.id, credential_id=os.urandom(16), public_key=b"bench", name="Bench", created_at=coach.created_at))
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = {
            user: serializer.dumps({"device": signin.open_device_session(session, user, length=timedelta(hours=12)), "_permanent": True})
            for user in (client, coach)
        }
        # The demo's Monday tasks also today, so a weekend's Today has them too.
        today = clock.local_now(client.organisation).date()
        if not tasks.for_day(session, client.id, today):
            session.add_all(
                TaskAssignment(client_id=client.id, task_id=a.task_id, weekday=today.weekday(), position=a.position)
                for a in session.scalars(select(TaskAssignment).where(TaskAssignment.client_id == client.id, TaskAssignment.weekday == 0))
            )
            session.flush()
        task = tasks.for_day(session, client.id, today)[0].assignment.id
        session.commit()
        return {"client": cookies[client], "coach": cookies[coach], "task": f"/tasks/{task}"}


def statements(app, cookie: str, url: str) -> int:
    """SQL statements of one answer, after one answer that warms up."""
    from sqlalchemy import event

    web = app.test_client()
    web.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert web.get(url).status_code == 200, url
    sent = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    engine = app.extensions["selko.engine"]
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert web.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(sent)


def start(app_spec: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    # Its log lines (one a request) go to a file: a pipe nobody reads would fill and stop it.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:selko.ops.gunicorn_config",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--pythonpath",
            f"{ROOT},{ROOT / 'bench'}",
            app_spec,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn for {app_spec} did not start:\n{log.read_text()}")
            time.sleep(0.1)
    sys.exit(f"gunicorn for {app_spec} did not answer in 20 s")


def cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time the server's workers have used (Linux /proc): what a request
    costs, whatever else the machine is doing."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(url: str, cookie: str, seconds: int, connections: int, server: subprocess.Popen) -> tuple[float, float]:
    """Requests a second, and the workers' CPU milliseconds a request; every answer must be a 200."""
    cpu = cpu_seconds(server)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: selko={cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = cpu_seconds(server) - cpu
    if "Non-2xx or 3xx responses" in out:
        sys.exit(f"{url} answered something else than 200:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), cpu * 1000 / requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/today.py needs wrk, the HTTP load generator: apt-get install wrk")

    folder = tempfile.mkdtemp()
    selko_port, floor_port = free_port(), free_port()
    env = os.environ | {
        "SELKO_ENV": "production",
        "SELKO_SECRET_KEY": secrets.token_hex(32),
        "SELKO_ORIGIN": f"http://127.0.0.1:{selko_port}",
        "SELKO_INSTANCE_PATH": folder,
        "SELKO_DATABASE_URL": os.environ.get("SELKO_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
        "SELKO_BENCH_FLOOR_BODY": f"{folder}/today.html",
    }
    os.environ.update(env)
    from sqlalchemy import text

    from selko import create_app, db

    app = create_app()
    engine = app.extensions["selko.engine"]
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.migrate(app)
    signed_in = arrange(app)

    counts = {
        "Today": statements(app, signed_in["client"], "/"),
        "a task page": statements(app, signed_in["client"], signed_in["task"]),
        "the coach's board": statements(app, signed_in["coach"], "/coach/"),
    }
    web = app.test_client()
    web.set_cookie(app.config["SESSION_COOKIE_NAME"], signed_in["client"])
    today = web.get("/")
    Path(env["SELKO_BENCH_FLOOR_BODY"]).write_bytes(today.get_data())
    engine.dispose()

    servers = {
        "Today": (start("selko:create_app()", selko_port, env, Path(folder, "today.log")), selko_port),
        "floor": (start("today:floor()", floor_port, env, Path(folder, "floor.log")), floor_port),
    }
    rates = {"Today": [], "floor": []}
    cpu = {"Today": [], "floor": []}
    try:
        for _ in range(args.rounds):
            for name, (server, port) in servers.items():
                rate, ms = wrk(f"http://127.0.0.1:{port}/", signed_in["client"], args.seconds, args.connections, server)
                rates[name].append(rate)
                cpu[name].append(ms)
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait()

    print(f"database: {engine.dialect.name}; Today is {len(today.get_data()):,} bytes (uncompressed, as wrk asks)")
    for page, count in counts.items():
        print(f"SQL statements for {page}: {count}")
    print(f"gunicorn, 2 workers each; wrk, {args.connections} connections, {args.rounds} rounds of {args.seconds} s in turns")
    for name, values in rates.items():
        print(
            f"{name:>6}: {statistics.median(values):7.0f} requests/s (rounds: {', '.join(f'{v:.0f}' for v in values)}),"
            f" {statistics.median(cpu[name]):.2f} ms of the workers' CPU a request"
        )
    print(
        f"Today / floor: {statistics.median(rates['Today']) / statistics.median(rates['floor']):.3f} in requests/s,"
        f" {statistics.median(cpu['floor']) / statistics.median(cpu['Today']):.3f} in CPU a request"
    )


if __name__ == "__main__":
    main()
