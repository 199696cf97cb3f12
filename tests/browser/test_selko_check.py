"""The selko check in a real browser: a coach typing a passive step sees the
suggestion appear under the field, one check a pause (not one a key), and
the task still saves as written."""

import os

import pytest
from sqlalchemy import select

from selko.models import Task
from selko.words import plain_language

pytestmark = pytest.mark.skipif(
    not plain_language.grammar_available() and not os.environ.get("CI"),
    reason="Voikko (libvoikko1, voikko-fi) is not installed",
)


def test_a_coach_typing_a_passive_sees_a_suggestion_and_still_saves(make, session, new_context, open_link, live_server):
    coach = make.coach(name="Sanna Coach")
    coach.language = "en"
    session.merge(coach)
    session.commit()
    desk = open_link(new_context(), coach, "/coach/tasks/new")
    suggestions = desk.locator("#steps-check")
    assert suggestions.get_attribute("aria-live") == "polite"
    assert "steps-check" in desk.locator("#steps").get_attribute("aria-describedby")

    desk.fill("#title", "Keitä kahvia")
    mark = live_server.mark()
    desk.locator("#steps").press_sequentially("Ota kannu.\nKeitin käynnistetään.", delay=20)
    suggestions.locator("li").first.wait_for()
    assert suggestions.inner_text().count("is a passive") == 1
    assert "Step 2:" in suggestions.inner_text() and "“käynnistetään” is a passive" in suggestions.inner_text()
    checks = [path for path in live_server.paths_since(mark, "POST") if path == "/coach/selko-check"]
    assert 1 <= len(checks) <= 3, f"one check a pause in typing, not one a key: {len(checks)}"

    # Made plain, the suggestion goes away; written back, it returns.
    desk.fill("#steps", "Ota kannu.\nKäynnistä keitin.")
    suggestions.locator("li").wait_for(state="detached")
    desk.fill("#steps", "Ota kannu.\nKeitin käynnistetään.")
    suggestions.locator("li").first.wait_for()

    with desk.expect_navigation():
        desk.get_by_role("button", name="Save").click()
    assert desk.get_by_role("status").inner_text().strip().endswith("Task saved: Keitä kahvia.")
    session.expire_all()
    task = session.scalars(select(Task).where(Task.title == "Keitä kahvia")).one()
    assert [step.text for step in task.steps] == ["Ota kannu.", "Keitin käynnistetään."], "a suggestion never stops a save"
