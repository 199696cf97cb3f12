"""Benchmark: 20,000 break alarms due in the same minute, to 20,000 phones.

Plans the alarms from 20,000 clients' schedules, then lets the worker send
them to a local fake push service (its own process) that answers each push
after 50 ms, and prints pushes per second and the time until the last one
was accepted, planning and recording included. The worker's sender (its
connections and encryption process) is started before the clock, as in a
worker that is already running when the alarms come due. Exits 1 unless
every alarm reached its phone exactly once and was recorded as sent.

    .venv/bin/python bench/push_fanout.py [--clients 20000] [--latency 0.05]

Uses a fresh SQLite file, or SELKO_BENCH_DATABASE_URL (PostgreSQL).
"""

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from datetime import time as wall_time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from selko import alarms, clock, create_app, db
from selko.alarms.worker import send_due, sender_for  # noqa: E402
from selko.models import (  # noqa: E402
    Break,
    ClientProfile,
    DeviceSession,
    Organisation,
    PushSubscription,
    Reminder,
    Role,
    User,
    WorkDay,
)


def serve(latency: float, ready):
    """The push service: its own process, asyncio, so it is never the bottleneck.
    It checks each request's VAPID header (tests/fake_push.py's check, cached
    per distinct header) and counts what it accepted, for each phone."""
    import asyncio
    from collections import Counter

    from aiohttp import web

    from tests.fake_push import FakePushService

    checker = FakePushService(decrypt=False)
    accepted = Counter()

    async def push(request):
        await request.read()
        if not checker._vapid_ok(request.headers.get("Authorization", "")):
            return web.Response(status=401)
        await asyncio.sleep(latency)
        accepted[request.match_info["name"]] += 1
        return web.Response(status=201)

    async def main():
        app = web.Application()
        app.router.add_post("/{name}", push)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        checker.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        ready.send((checker.url, checker.subscribe("key")))
        await asyncio.get_running_loop().run_in_executor(None, ready.recv)  # until told to stop
        ready.send((sum(accepted.values()), len(accepted)))
        await runner.cleanup()

    asyncio.run(main())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()

    here, there = multiprocessing.Pipe()
    fake = multiprocessing.Process(target=serve, args=(args.latency, there), daemon=True)
    fake.start()
    url, key = here.recv()

    tmp = tempfile.mkdtemp()
    database = os.environ.get("SELKO_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app({"DATABASE_URL": database, "INSTANCE_PATH": tmp, "PUSH_ALLOW_LOCAL": True})
    with app.app_context():
        engine = app.extensions["selko.engine"]
        if engine.dialect.name == "postgresql":
            with engine.begin() as c:
                c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from selko.db import migrate

        migrate(app)
        session = db.session()
        zone = ZoneInfo("Europe/Helsinki")
        monday = datetime(2026, 11, 23, 9, 59, 30, tzinfo=zone)
        clock.now = lambda: _now[0]
        _now = [monday.astimezone(timezone.utc)]

        # Arrange: clients who all have a coffee break at 10.00, and a phone each.
        organisation = Organisation(name="Bench", time_zone="Europe/Helsinki")
        session.add(organisation)
        session.flush()
        coach = User(organisation_id=organisation.id, role=Role.coach, name="Coach", created_at=_now[0])
        session.add(coach)
        session.flush()
        n = args.clients
        first = coach.id + 1
        session.execute(
            insert(User),
            [
                {"id": first + i, "organisation_id": organisation.id, "role": Role.client, "name": f"Client {i}", "created_at": _now[0], "language": "fi"}
                for i in range(n)
            ],
        )
        ids = range(first, first + n)
        session.execute(insert(ClientProfile), [{"user_id": i, "coach_id": coach.id} for i in ids])
        session.execute(insert(WorkDay), [{"client_id": i, "weekday": 0, "starts": wall_time(8), "ends": wall_time(14)} for i in ids])
        session.execute(insert(Break), [{"client_id": i, "weekday": 0, "starts": wall_time(10), "ends": wall_time(10, 15), "name": "Kahvitauko"} for i in ids])
        session.execute(
            insert(DeviceSession),
            [
                {"id": i, "user_id": i, "token_hash": f"{i:064d}", "created_at": _now[0], "last_used_at": _now[0], "expires_at": _now[0] + timedelta(days=90)}
                for i in ids
            ],
        )
        session.execute(
            insert(PushSubscription),
            [
                {
                    "user_id": i,
                    "device_session_id": i,
                    "endpoint": f"{url}/phone-{i}",
                    "p256dh": key["keys"]["p256dh"],
                    "auth": key["keys"]["auth"],
                    "created_at": _now[0],
                }
                for i in ids
            ],
        )
        session.commit()
        sender = sender_for(app)

        started = time.perf_counter()
        alarms.plan_today_for_everyone(session)
        planned = time.perf_counter() - started
        _now[0] = datetime(2026, 11, 23, 10, 0, 5, tzinfo=zone).astimezone(timezone.utc)
        sent = 0
        send_started = time.perf_counter()
        while True:
            outcome = send_due(session, sender)
            if not outcome.claimed:
                break
            sent += outcome.sent
        finished = time.perf_counter()
        sender.close()
        accepted = session.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == "sent"))

    here.send("stop")
    received, phones = here.recv()
    fake.join()
    total = finished - started
    print(f"database: {engine.dialect.name}")
    print(f"clients and phones: {n}, push service answers after {args.latency * 1000:.0f} ms")
    print(f"planning: {planned:.2f} s for {n} clients")
    print(f"sending: {sent} accepted, {received} received by the push service for {phones} phones, {accepted} recorded as sent")
    print(f"pushes per second (sending): {sent / (finished - send_started):.0f}")
    print(f"time until the last push was accepted, planning and recording included: {total:.2f} s")
    if not sent == received == phones == accepted == n:
        print("FAILED: every alarm must reach its phone exactly once and be recorded as sent")
        sys.exit(1)


if __name__ == "__main__":
    main()
