"""Page weight of the client's Today: every byte of a first load (HTML, CSS,
JavaScript, icons, pictures, compressed as sent), then of a repeat visit,
where the goal is no static bytes at all (content addresses, assets.py).
Counted by Chromium (CDP Network events: encodedDataLength, headers
included), on a 360 px phone at density 2, without the service worker, so
the browser's HTTP cache alone is measured.

    .venv/bin/python bench/today_weight.py
"""

import sys
import tempfile
import threading
from datetime import time
from pathlib import Path

from alembic import command
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from selko import clock, create_app, db
from selko.access import signin
from selko.day import schedule
from selko.library.tasks import set_steps
from selko.models import Organisation, Role, Task, TaskAssignment, User  # noqa: E402
from selko.people.clients import create_client
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def arrange(app) -> str:
    """A client working all day with three tasks and a break."""
    with app.test_request_context():
        session = db.session()
        organisation = Organisation(name="Bench", time_zone="Europe/Helsinki")
        session.add(organisation)
        session.flush()
        coach = User(organisation_id=organisation.id, role=Role.coach, name="Coach", created_at=clock.now())
        session.add(coach)
        session.flush()
        client = create_client(session, coach=coach, name="Aino")
        for weekday in range(7):
            schedule.set_weekday(session, client.id, weekday, (time(0, 1), time(23, 59)), [schedule.BreakTime(time(12), time(12, 15), "Kahvi")])
        for position, (title, emoji) in enumerate([("Tiskaa astiat", "🍽️"), ("Täytä hylly", "🛒"), ("Vie roskat", "🗑️")], 1):
            task = Task(organisation_id=organisation.id, title=title, emoji=emoji)
            session.add(task)
            set_steps(session, task, ["Laita esiliina.", "Huuhtele astiat.", "Täytä kone."])
            session.flush()
            session.add_all(TaskAssignment(client_id=client.id, task_id=task.id, weekday=d, position=position) for d in range(7))
        token = signin.create_link_token(session, client, minutes=15)
        session.commit()
        return token


def main():
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/bench.sqlite3"
    command.upgrade(db.alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": folder})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    base = f"http://localhost:{server.server_port}"
    app.config["ORIGIN"] = base
    threading.Thread(target=server.serve_forever, daemon=True).start()
    token = arrange(app)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, base_url=base, service_workers="block")
        page = context.new_page()
        page.goto(f"/signin/{token}")
        page.wait_for_url(lambda u: "/signin/" not in u)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        seen = {}

        def received(event):
            response = event["response"]
            headers = {name.lower(): value for name, value in response["headers"].items()}
            seen[event["requestId"]] = {
                "url": response["url"].replace(base, ""),
                "bytes": 0,
                "type": event["type"],
                "encoding": headers.get("content-encoding", ""),
            }

        def finished(event):
            if event["requestId"] in seen:
                seen[event["requestId"]]["bytes"] = event["encodedDataLength"]

        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        for view in ("first load", "repeat visit"):
            seen.clear()
            page.goto("/")
            page.wait_for_load_state("networkidle")
            total = sum(r["bytes"] for r in seen.values())
            static = sum(r["bytes"] for r in seen.values() if r["type"] != "Document")
            print(f"{view}: {total:,} bytes in {len(seen)} responses; static files {static:,} bytes")
            for r in sorted(seen.values(), key=lambda r: -r["bytes"]):
                print(f"    {r['bytes']:>8,}  {r['encoding'] or '-':<4} {r['url']}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
