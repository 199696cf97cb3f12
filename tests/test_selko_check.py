"""The selko check: a coach's words for a client, read with the lint's rules
as they are typed (selko/words/selko_check.py, POST /coach/selko-check)."""

import os
import re

import pytest
from sqlalchemy import select

from selko.models import Task
from selko.words import plain_language, selko_check
from selko.words.plain_language import RULES
from tests.conftest import html_of, visible_text
from tests.test_fuzz import HOSTILE

needs_voikko = pytest.mark.skipif(
    not plain_language.grammar_available() and not os.environ.get("CI"),
    reason="Voikko (libvoikko1, voikko-fi) is not installed",
)
FIFTEEN_WORDS = "Ota harja ja lakaise lattia keittiössä ennen kuin asiakkaat tulevat sisään aamulla kello kahdeksan tänään."
GOOD = "Ota harja. Lakaise lattia."


@pytest.fixture
def desk(pair):
    """A coach's browser, in English."""
    return pair[0]


def said(text: str, what: str = "text") -> list[str]:
    return [str(s.message) for s in selko_check.check(text, what).suggestions]


def test_every_rule_of_the_lint_has_a_suggestion(app):
    assert set(selko_check.MESSAGES) == set(RULES)
    with app.test_request_context():
        for rule, message in selko_check.MESSAGES.items():
            assert ("%(count)s" in str(message)) == (rule in ("long_sentence", "near_long_sentence")), rule


@needs_voikko
def test_it_flags_a_passive_and_a_long_sentence(app):
    with app.test_request_context():
        # Without a signed-in coach, in Finnish, Selko's first language.
        assert said("Lattia lakaistaan.") == ['”<span lang="fi">lakaistaan</span>” on passiivi: kirjoita asiakkaalle, kuten ”Tee …”.']
        assert said(FIFTEEN_WORDS) == ["Lyhennä lause: 15 sanaa. Tavoite on enintään 8."]
        assert said("Kirjoita suoritettu työ listaan.")[0].startswith('”<span lang="fi">suoritettu</span>” on passiivin partisiippi')


@needs_voikko
def test_it_stays_quiet_on_a_good_text(app):
    with app.test_request_context():
        assert said(GOOD) == []
        assert said("Ota harja.\nLakaise lattia.\n\nVie roskat.", "steps") == []


@needs_voikko
def test_steps_are_read_one_line_at_a_time_and_numbered(app):
    with app.test_request_context():
        found = selko_check.check("Ota harja.\n\nLattia lakaistaan.", "steps").suggestions
    assert [(s.rule, s.step) for s in found] == [("passive", 2)], "an empty line is no step"


@needs_voikko
def test_one_word_gets_one_suggestion_the_most_serious(app):
    with app.test_request_context():
        found = selko_check.check("Käynnistetään kone.").suggestions
    assert [s.rule for s in found] == ["passive"], "not also 'a long word'"


@needs_voikko
def test_the_coachs_words_are_escaped(app):
    with app.test_request_context():
        message = said("<b>Lattia</b> lakaistaan & <script>")[0]
    assert "<script>" not in message and "<b>" not in message


@needs_voikko
def test_many_findings_are_cut_short(app):
    with app.test_request_context():
        result = selko_check.check("\n".join(f"Lattia lakaistaan {n}." for n in range(12)), "steps")
    assert len(result.suggestions) == selko_check.MOST_SUGGESTIONS and result.more == 12 - selko_check.MOST_SUGGESTIONS


def test_without_voikko_there_are_no_suggestions(app, monkeypatch):
    monkeypatch.setattr(plain_language, "grammar_available", lambda: False)
    with app.test_request_context():
        assert said(FIFTEEN_WORDS) == [] and said("Lattia lakaistaan.") == []


def test_an_unknown_way_of_reading_is_a_mistake():
    with pytest.raises(ValueError):
        selko_check.check("Ota harja.", "poem")


def shown(answer) -> str:
    """What the coach reads (visible_text puts a space around the coach's word's span)."""
    return visible_text(answer).replace("“ ", "“").replace(" ”", "”")


def check(desk, text, what="text", field="title", **headers):
    return desk.post("/coach/selko-check", {field: text, "selko_check": what, "selko_field": field}, headers={"HX-Request": "true", **headers})


@needs_voikko
def test_the_endpoint_answers_the_partial_with_the_suggestions(desk):
    answer = check(desk, "Lattia lakaistaan. " + FIFTEEN_WORDS)
    assert answer.status_code == 200
    assert "“lakaistaan” is a passive" in shown(answer)
    assert "Shorten the sentence: 15 words." in shown(answer)
    assert "<html" not in html_of(answer), "only the partial"
    steps = shown(check(desk, "Ota harja.\nLattia lakaistaan.", "steps", "steps"))
    assert re.search(r"Step 2: “lakaistaan” is a passive", steps)


@needs_voikko
def test_the_endpoint_is_quiet_on_a_good_text(desk):
    answer = check(desk, GOOD)
    assert answer.status_code == 200 and visible_text(answer) == ""


@needs_voikko
def test_the_endpoint_speaks_the_coachs_language(desk, make, session, sign_in, client_factory):
    coach = make.coach(name="Kaisa")
    coach.language = "fi"
    session.merge(coach)
    session.commit()
    finnish = sign_in(client_factory(), coach)
    assert "Lyhennä lause: 15 sanaa." in visible_text(check(finnish, FIFTEEN_WORDS))


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "", "selko_check": "text", "selko_field": "title"},
        {"title": "x" * 100_000, "selko_check": "text", "selko_field": "title"},
        {"steps": "Lakaise.\n" * 20_000, "selko_check": "steps", "selko_field": "steps"},
        {"title": "Ota harja.", "selko_check": "text", "selko_field": "nothing"},
        {"title": "Ota harja.", "selko_check": "text"},
        {"title": "1e309 ²١٢𝟙 \u2028 %(name)s %s {{ x }}", "selko_check": "text", "selko_field": "title"},
    ],
)
def test_bad_input_is_no_error(desk, fields):
    answer = desk.post("/coach/selko-check", fields, headers={"HX-Request": "true"})
    assert answer.status_code == 200


def test_the_fuzzers_values_are_no_error(desk):
    """test_fuzz.py posts without htmx, which the check refuses: here as htmx."""
    valid = {"selko_check": "steps", "selko_field": "steps", "steps": "Ota harja."}
    for field in valid:
        for value in HOSTILE:
            answer = desk.post("/coach/selko-check", {**valid, field: value}, headers={"HX-Request": "true"})
            assert answer.status_code < 500, (field, value[:20])


@pytest.mark.parametrize("fields", [{"selko_check": "poem", "title": "x"}, {"title": "x"}, {"selko_check": "a\x00b"}])
def test_a_request_the_page_never_makes_is_refused(desk, fields):
    assert desk.post("/coach/selko-check", fields, headers={"HX-Request": "true"}).status_code == 400


def test_only_htmx_asks(desk):
    assert desk.post("/coach/selko-check", {"title": "x", "selko_check": "text", "selko_field": "title"}).status_code == 400


def test_the_check_needs_the_form_token(desk):
    fields = {"title": "x", "selko_check": "text", "selko_field": "title"}
    assert desk.post("/coach/selko-check", fields, csrf=False, headers={"HX-Request": "true"}).status_code == 400


@needs_voikko
def test_the_forms_carry_the_check_and_show_what_is_there(desk, session):
    page = html_of(desk.get("/coach/tasks/new"))  # the fields' attributes
    for field, what in (("title", "text"), ("steps", "steps")):
        assert re.search(rf'id="{field}"[^>]*hx-post="/coach/selko-check"[^>]*"selko_check": "{what}", "selko_field": "{field}"', page)
        assert f'id="{field}-check" aria-live="polite"' in page
    desk.post("/coach/tasks/new", {"title": "Lakaise", "emoji": "", "steps": "Ota harja.\nLattia lakaistaan."})
    session.expire_all()
    saved = session.scalars(select(Task).where(Task.title == "Lakaise")).one()
    assert [s.text for s in saved.steps] == ["Ota harja.", "Lattia lakaistaan."], "a suggestion never stops the save"
    assert "Step 2: “lakaistaan” is a passive" in shown(desk.get(f"/coach/tasks/{saved.id}")), "the saved text's suggestions show when it is opened again"
