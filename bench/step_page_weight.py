"""Page weight of a client's one-step page with a photo: bytes sent over the
network on the first view and again with the browser's cache (CDP Network
events: encodedDataLength, headers included), on a 360 px phone at density 2.

    .venv/bin/python bench/step_page_weight.py
"""

import io
import sys
import tempfile
import threading
from datetime import time
from pathlib import Path

from alembic import command
from PIL import Image
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from selko import clock, create_app, db
from selko.access import signin
from selko.day import schedule
from selko.library import photos
from selko.library.tasks import set_steps
from selko.models import Organisation, Role, Task, TaskAssignment, User  # noqa: E402
from selko.people.clients import create_client
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def photo_bytes() -> bytes:
    """A 12 MP phone photo with detail, so the encoders have work to do."""
    image = Image.effect_mandelbrot((4000, 3000), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def arrange(app):

    with app.test_request_context():
        session = db.session()
        organisation = Organisation(name="Bench", time_zone="Europe/Helsinki")
        session.add(organisation)
        session.flush()
        coach = User(organisation_id=organisation.id, role=Role.coach, name="Coach", created_at=clock.now())
        session.add(coach)
        session.flush()
        client = create_client(session, coach=coach, name="Aino")
        client.client_profile.one_step_at_a_time = True
        for weekday in range(7):
            schedule.set_weekday(session, client.id, weekday, (time(0, 1), time(23, 59)), [])
        task = Task(organisation_id=organisation.id, title="Täytä hylly", emoji="🛒")
        session.add(task)
        set_steps(session, task, ["Hae tuotteet varastosta.", "Laita tuotteet hyllyyn."])
        session.flush()
        assert photos.attach(session, task.steps[0], photo_bytes()) is None
        assignments = [TaskAssignment(client_id=client.id, task_id=task.id, weekday=d, position=1) for d in range(7)]
        session.add_all(assignments)
        session.flush()
        token = signin.create_link_token(session, client, minutes=15)
        step_id = task.steps[0].id
        session.commit()
        today = clock.local_now(organisation).date().weekday()
        return token, f"/tasks/{assignments[today].id}/steps/{step_id}"


def main():
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/bench.sqlite3"
    command.upgrade(db.alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": folder})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    base = f"http://localhost:{server.server_port}"
    app.config["ORIGIN"] = base
    threading.Thread(target=server.serve_forever, daemon=True).start()
    token, step_page = arrange(app)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, base_url=base, service_workers="block")
        page = context.new_page()
        page.goto(f"/signin/{token}")
        page.wait_for_url(lambda u: "/signin/" not in u)
        # Everything but the step page itself comes and goes once here (htmx, CSS, JS):
        # "first view" below is the step page on a phone that opened Selko before.
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen = {}
        cdp.on("Network.responseReceived", lambda e: seen.setdefault(e["requestId"], [e["response"]["url"], 0, e["response"].get("fromDiskCache", False)]))
        cdp.on("Network.loadingFinished", lambda e: seen.get(e["requestId"], [None, 0])[1:2] and seen[e["requestId"]].__setitem__(1, e["encodedDataLength"]))
        for view in ("first view", "cached"):
            seen.clear()
            page.goto(step_page)
            page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            page.wait_for_timeout(300)
            total = sum(size for _, size, _ in seen.values())
            print(f"{view}: {total:,} bytes over the network in {len(seen)} responses")
            for address, size, from_cache in sorted(seen.values(), key=lambda r: -r[1]):
                print(f"    {size:>9,}  {'(cache) ' if from_cache else ''}{address.replace(base, '')}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
