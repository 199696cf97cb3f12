"""The app as a whole: health, PWA files, CLI, migrations, catalogues."""

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from selko import create_app
from selko.models import Base
from selko.words import plain_language
from tests.authenticator import SoftAuthenticator
from tests.conftest import html_of, visible_text

ROOT = Path(__file__).parent.parent


def test_healthz_says_the_database_answers(web):
    response = web.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"ok": True, "database": True}


def test_healthz_says_when_the_database_does_not_answer(database_url, tmp_path):
    from selko import create_app

    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none", "INSTANCE_PATH": str(tmp_path)})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] is False


def test_the_manifest_makes_selko_installable(web):
    manifest = web.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = manifest.json
    assert (data["short_name"], data["start_url"], data["display"], data["lang"]) == ("Selko", "/", "standalone", "fi")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in data["icons"]:
        assert web.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_from_the_root_and_not_cached(web):
    response = web.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    for path in re.findall(r'"(/[^"]+\.(?:css|js|png))"', response.get_data(as_text=True)):
        assert web.get(path).status_code == 200, f"the worker caches {path}, which must exist"


def test_htmx_comes_from_npm_not_from_the_repository(web):
    assert "htmx" in web.get("/vendor/htmx.min.js").get_data(as_text=True)
    assert web.get("/vendor/../package.json").status_code == 404
    assert web.get("/vendor/anything.js").status_code == 404


def test_the_cli_makes_an_organisation_and_invites_a_coach(app, web):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-organisation", "Työvalmennus Oy"])
    organisation_id = re.search(r"organisation: (\d+)", result.output).group(1)
    result = runner.invoke(args=["invite-coach", "--organisation", organisation_id, "Sanna"])
    link = re.fullmatch(r"coach: (http://localhost(/signin/\S+))\n", result.output)
    assert link, result.output
    assert web.post(link.group(2)).headers["Location"] == "/passkeys/new", "a coach's first link leads to a passkey"


def test_the_cli_refuses_an_unknown_time_zone_and_organisation(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-organisation", "X", "--time-zone", "Mars/Olympus"]).exit_code != 0
    assert runner.invoke(args=["invite-coach", "--organisation", "999", "Sanna"]).exit_code != 0


def test_the_demo_loads_once_and_prints_fresh_links(app, client_factory, make, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"]).output
    second = runner.invoke(args=["demo"]).output
    assert re.fullmatch(r"coach: http://\S+\nclient: http://\S+\nfamily: http://\S+\n", first), first
    assert first != second
    coach_link, client_link, family_link = [line.split(": ", 1)[1].removeprefix("http://localhost") for line in second.splitlines()]
    family_page = client_factory().get(family_link)
    assert family_page.status_code == 200 and "Aino" in visible_text(family_page)
    old_family_link = first.splitlines()[2].split(": ", 1)[1].removeprefix("http://localhost")
    assert client_factory().get(old_family_link).status_code == 404, "each run makes a fresh family link"
    coach = client_factory()
    coach.post(coach_link)
    options = coach.post("/passkeys/options").json
    coach.post("/passkeys", {"credential": SoftAuthenticator().create(options, origin="http://localhost")})
    # The rows and links of a page are its markup (html_of); what it says, its visible text.
    board_page = coach.get("/coach/")
    board, seen = html_of(board_page), visible_text(board_page)
    assert board.count('class="board-row') == 3, "three clients, loaded once"
    assert re.search(r"Saapui klo [\d.]+ \(tieto Selkoon klo [\d.]+\)", seen), "a check-in sent late from a basement"
    assert board.count('class="help-request"') == 1 and "Jumissa: Lajittele paketit, vaihe 2." in seen, "Mikko is stuck"
    assert "Lähti aikaisin: työ loppuu klo" in seen, "Leila went home early"
    phone = client_factory()
    phone.post(client_link)
    today_page = phone.get("/")
    today = visible_text(today_page)
    assert 'action="/arrive"' in html_of(today_page), "the demo client has a work day today"
    assert "Työvalmentaja tietää." in today, "the coach has seen Aino's help request"
    assert html_of(today_page).count('class="block message"') == 1 and "Muista ottaa hanskat mukaan." in today, "a message waits on Today"
    aino_id = re.search(r'href="/coach/clients/(\d+)">Aino', board).group(1)
    sent = visible_text(coach.get(f"/coach/clients/{aino_id}"))
    assert "Nähty Selkossa klo" in sent and "Soi puhelimessa klo" in sent and "Ei vielä nähty." in sent
    assert html_of(phone.get("/tasks")).count('class="task-link"') == 3
    assert "Kahvilassa on inventaario. Ei töitä." in visible_text(phone.get("/week")), "a day off with the coach's note"
    library = html_of(coach.get("/coach/tasks"))
    to_improve = re.search(r'href="/coach/tasks/(\d+)"[^>]*>(?:<img[^>]*>)?[^<]*Puhdista kahvinkeitin', library)
    assert to_improve, "a task in the library still to be made plain"
    if plain_language.grammar_available():
        page = coach.get(f"/coach/tasks/{to_improve.group(1)}")
        assert "”käynnistetään” on passiivi" in visible_text(page), "the selko check's suggestion"
        assert '<span lang="fi">käynnistetään</span>' in html_of(page), "the word quoted in its own language"
    assert "Muista hanskat tiskatessa." in today, "the coach's diary note shown to Aino"
    library = coach.get("/coach/tasks")
    for example in ("Täytä hylly – 5 vaihetta", "Vie roskat – 5 vaihetta", "Pakkaa paketti – 6 vaihetta", "Siivoa vessa – 5 vaihetta"):
        assert example in visible_text(library), "ready-made tasks in the library"
        assert example.replace(" – ", "</a> – ") in html_of(library), "each a link to its task"
    mikko_id = re.search(r'href="/coach/clients/(\d+)">Mikko', board).group(1)
    mikko = html_of(coach.get(f"/coach/clients/{mikko_id}/schedule"))
    assert re.search(r'name="one_step" value="1" checked', mikko), "Mikko sees one step at a time"
    report = html_of(coach.get("/coach/reports/attendance", follow_redirects=True))
    assert report.count('class="day-present"') > 20, "weeks of history in the register (each day's mark is its class)"
    assert 'class="day-absent"' in report and 'class="day-half"' in report and 'class="day-missing"' in report
    dishes = re.search(r'href="(/tasks/\d+)"[^>]*>.*?Tiskaa astiat', html_of(phone.get("/tasks")), re.S).group(1)
    voices = re.findall(r'href="(/media/[0-9a-f]{32}\.webm)"[^>]*data-listen', html_of(phone.get(dishes)))
    assert len(voices) == 2, "Sanna's voice on the first two steps of the dishes"
    assert phone.get(voices[0]).mimetype == "audio/webm"
    kept = phone.get("/offline-media").get_json()["media"]
    assert set(voices) <= set(kept) and any(path.endswith(".webp") for path in kept), "voices and photos kept for offline"


def test_the_migrations_match_the_models(app):
    with app.extensions["selko.engine"].connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert differences == [], "make a migration: the models changed"


def test_the_cli_invites_a_coach_on_a_real_public_address(database_url, tmp_path):
    # Production's origin is not localhost: the link is built without any request.
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "ORIGIN": "https://selko.example.fi",
            "TRUSTED_HOSTS": ["selko.example.fi"],
        }
    )
    runner = app.test_cli_runner()
    organisation_id = re.search(r"organisation: (\d+)", runner.invoke(args=["create-organisation", "Oy"]).output).group(1)
    result = runner.invoke(args=["invite-coach", "--organisation", organisation_id, "Sanna"])
    assert re.fullmatch(r"coach: https://selko\.example\.fi/signin/\S+\n", result.output), result.output
    app.extensions["selko.engine"].dispose()
