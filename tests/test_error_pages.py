"""Selko's own error pages: plain words in the person's language, the status
kept, and a way back to the start — for every status, a failing view too."""

import pytest
from flask import abort
from sqlalchemy import text

from selko import access, db
from selko.web import errors
from tests.conftest import html_of, visible_text

HEADINGS = {
    "fi": {400: "Jokin meni vikaan", 404: "Sivua ei löydy", 500: "Selkossa on vika"},
    "sv": {400: "Något gick fel", 404: "Sidan finns inte", 500: "Selko har ett problem"},
    "en": {400: "Something went wrong", 404: "Page not found", 500: "Selko has a problem"},
}
STATUSES = [400, 403, 404, 405, 410, 429, 500]


@pytest.fixture
def failing_app(app):
    """The app with test-only views that answer each status, and one that fails."""

    @app.route("/test/status/<int:status>", methods=["GET"])
    @access.public
    def answer_with(status):
        if status == 500:
            raise RuntimeError("a bug")
        abort(status)

    @app.get("/test/database-fails")
    def database_fails():
        db.session().execute(text("SELECT * FROM no_such_table"))

    access.audience_of_endpoint("database_fails", access.CLIENT)
    # In TESTING mode Flask re-raises; production answers with the error page.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def visit(web, status):
    if status == 405:
        return web.get("/arrive")  # a form's address, opened as a page
    return web.get(f"/test/status/{status}")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("status", STATUSES)
def test_each_error_is_selkos_page_in_the_chosen_language(failing_app, web, language, status):
    web.post("/language", {"language": language})
    response = visit(web, status)
    page = html_of(response)
    assert response.status_code == status
    assert f'<html lang="{language}">' in page
    assert '<a class="button" href="/">' in page  # the way back
    assert "Werkzeug" not in page and "The server encountered" not in page and "not allowed for the requested URL" not in page, "not even hidden"
    if status in HEADINGS[language]:
        assert f"<h1>{HEADINGS[language][status]}</h1>" in page, "the page's heading"


def test_the_person_s_own_language_wins(failing_app, make, session, web, sign_in):
    client = make.client(language="sv")
    sign_in(web, client)
    response = web.get("/test/status/500")
    assert response.status_code == 500
    assert "Selko har ett problem" in visible_text(response)


def test_a_failed_database_statement_still_gives_the_page(failing_app, make, web, sign_in):
    """The page needs the database (the client's coach); the failed
    transaction is rolled back first, which PostgreSQL requires."""
    sign_in(web, make.client(language="en"))
    response = web.get("/test/database-fails")
    assert response.status_code == 500
    assert '<html lang="en">' in html_of(response)
    assert "<h1>Selko has a problem</h1>" in html_of(response), "the page's heading"
    assert web.get("/").status_code == 200


def test_the_error_page_never_fails_itself(failing_app, web, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the template is broken")

    monkeypatch.setattr(errors, "render_template", broken)
    response = web.get("/test/status/500")
    assert response.status_code == 500
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "Selko has a problem. Try again in a moment."
