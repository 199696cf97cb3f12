"""Contact follow-up: the contact log, "no contact in 30 days" on the board,
the caseload against 20, and "Handled" with the contact logged at once."""

import re
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event, select

from selko.day import help_request, self_assessment
from selko.models import AuditEvent, Contact, ContactKind, HelpRequest, SelfAssessment
from selko.records import contacts
from tests.conftest import HELSINKI, MONDAY_0930, count, html_of, visible_text, words_of

MONDAY = date(2026, 11, 23)  # the frozen today in tests/conftest.py


@pytest.fixture
def coach(make):
    return make.coach(name="Sanna", language="en")


@pytest.fixture
def desk(client_factory, sign_in, coach):
    return sign_in(client_factory(), coach)


@pytest.fixture
def aino(make, coach):
    return make.client(coach=coach, name="Aino")


def logged(session, client) -> list[Contact]:
    session.expire_all()
    return session.scalars(select(Contact).where(Contact.client_id == client.id).order_by(Contact.id)).all()


def contact(session, client, coach, days_ago: int, kind=ContactKind.call, note=""):
    made = contacts.log(session, client.id, coach, kind, MONDAY - timedelta(days=days_ago), note)
    session.commit()
    return made


def wants_to_talk(session, client, day=MONDAY) -> SelfAssessment:
    """The client answered "How today went" with "I want to talk", today now, another day at 13.00."""
    at = None if day == MONDAY else datetime.combine(day, time(13), HELSINKI)
    answer = self_assessment.save(session, client.id, day, dict.fromkeys(self_assessment.AREAS, 2), True, at=at)
    session.commit()
    return answer


def contacts_section(response) -> str:
    """The words of the page from the contacts section on."""
    html = html_of(response)
    return words_of(html[html.index('<section id="contacts"') :])


def test_a_coach_logs_a_contact_and_the_list_shows_it_newest_first(coach, desk, aino, session, now):
    contact(session, aino, coach, days_ago=10, kind=ContactKind.visit, note="Met the supervisor too.")
    response = desk.post(f"/coach/clients/{aino.id}/contacts", {"kind": "call", "date": "2026-11-20", "note": "Talked\r\nabout the new shifts."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/coach/clients/{aino.id}/contacts#contacts"
    [older, newer] = logged(session, aino)
    assert (newer.kind, newer.date, newer.note, newer.logged_by_id) == (ContactKind.call, date(2026, 11, 20), "Talked\nabout the new shifts.", coach.id)

    section = contacts_section(desk.get(f"/coach/clients/{aino.id}/contacts"))
    assert "Contact saved." in section
    assert "Last contact: Friday 20 November" in section
    assert section.index("Phone call, Friday 20 November") < section.index("Visit, Friday 13 November"), "newest first"
    assert "Talked about the new shifts." in section and "Met the supervisor too." in section
    assert "Logged by Sanna, Monday 23 November 9:30" in section


def test_the_form_offers_today_and_no_later_date(coach, desk, aino):
    html = html_of(desk.get(f"/coach/clients/{aino.id}/contacts"))
    field = re.search(r'<input id="contact-date"[^>]*>', html).group(0)
    assert 'value="2026-11-23"' in field and 'max="2026-11-23"' in field
    assert "No contact logged yet" in contacts_section(desk.get(f"/coach/clients/{aino.id}/contacts"))


@pytest.mark.parametrize(
    "form, error",
    [
        ({"kind": "call", "date": "2026-11-24", "note": "Tomorrow"}, "The date cannot be later than today."),
        ({"kind": "letter", "date": "2026-11-20", "note": "A letter"}, "Choose the kind of contact."),
        ({"kind": "", "date": "2026-11-20", "note": "No kind"}, "Choose the kind of contact."),
        ({"kind": "call", "date": "2026-11-20", "note": "x" * 501}, "The note can have at most 500 characters."),
        ({"kind": "call", "date": "20.11.2026", "note": "Finnish date"}, "Give the date of the contact."),
        ({"kind": "call", "date": "", "note": "No date"}, "Give the date of the contact."),
    ],
)
def test_a_bad_contact_is_refused_with_the_typed_values_kept(form, error, coach, desk, aino, session):
    response = desk.post(f"/coach/clients/{aino.id}/contacts", form)
    assert response.status_code == 400
    section = contacts_section(response)
    assert "Check the fields marked below." in section and error in section
    assert form["note"] in section, "the note the coach typed is kept"
    # The kind and the date stay chosen in their fields.
    html = html_of(response)
    if form["kind"] == "call":
        assert 'value="call" checked' in html
    if form["date"]:
        assert f'value="{form["date"]}"' in html
    assert logged(session, aino) == []


def test_a_note_of_500_characters_with_line_breaks_is_fine(coach, desk, aino, session):
    note = "\r\n".join(["x" * 99] * 5) + "x"  # 500 characters once each line break counts once
    assert desk.post(f"/coach/clients/{aino.id}/contacts", {"kind": "message", "date": "2026-11-23", "note": note}).status_code == 303
    assert len(logged(session, aino)[0].note) == 500


def test_the_board_flags_no_contact_from_the_31st_day_until_a_contact_is_logged(coach, desk, aino, make, session, now, client_factory, sign_in):
    make.client(coach=coach, name="Bertta")
    contact(session, aino, coach, days_ago=30)
    board = visible_text(desk.get("/coach/"))
    assert "No contact logged yet" in board, "Bertta has none"
    assert "No contact for" not in board, "30 days is within the month"

    now.set(datetime(2026, 11, 24, 9, 30, tzinfo=HELSINKI))
    desk = sign_in(client_factory(), coach)  # a coach's session lasts 12 hours
    assert "No contact for 31 days" in visible_text(desk.get("/coach/"))
    assert "No contact for 31 days" in contacts_section(desk.get(f"/coach/clients/{aino.id}/contacts"))

    desk.post(f"/coach/clients/{aino.id}/contacts", {"kind": "visit", "date": "2026-11-24"})
    board = visible_text(desk.get("/coach/"))
    assert "No contact for" not in board
    assert board.count("No contact logged yet") == 1, "Bertta still has none"


def test_the_board_and_the_caseload_page_show_the_caseload_against_20(coach, desk, make):
    make.client(coach=coach, name="Aino")
    assert "1 client of at most 20" in visible_text(desk.get("/coach/"))
    for n in range(19):
        make.client(coach=coach, name=f"Asiakas {n:02}", works=())
    for url in ("/coach/", "/coach/caseload"):
        page = visible_text(desk.get(url))
        assert "20 clients of at most 20" in page and "more than the quality criteria allow" not in page
    make.client(coach=coach, name="Client 21", works=())
    for url in ("/coach/", "/coach/caseload"):
        size = re.search(r'<p class="caseload-size">(.*?)</p>', html_of(desk.get(url)), re.S).group(1)
        assert "<strong>" in size, "flagged"
        assert "21 clients of at most 20. That is more than the quality criteria allow." in words_of(size)


def test_the_caseload_page_lists_every_client_longest_without_contact_first(coach, desk, make, session, client_factory, sign_in):
    recent, late = make.client(coach=coach, name="Aino"), make.client(coach=coach, name="Bertta")
    never = make.client(coach=coach, name="Cecilia")
    make.client(coach=make.coach(name="Other"), name="Not Mine")
    contact(session, recent, coach, days_ago=3)
    contact(session, late, coach, days_ago=50)
    contact(session, late, coach, days_ago=40)
    help_request.ask(session, late.id)
    help_request.ask(session, late.id)
    handled = help_request.ask(session, never.id)
    help_request.mark_handled(session, handled, coach.id)
    wants_to_talk(session, never, MONDAY - timedelta(days=1))
    wants_to_talk(session, never)

    html = html_of(desk.get("/coach/caseload"))
    rows = [words_of(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)[1:]]
    assert rows == [
        "Cecilia No contact logged yet – 0 2",
        "Bertta Wednesday 14 October 40 2 0",
        "Aino Friday 20 November 3 0 0",
    ]
    assert "Not Mine" not in html, "not even hidden"
    assert '<a href="/coach/caseload">Caseload</a>' in html, "in the coach's navigation"


def test_handling_wants_to_talk_with_a_call_logs_the_contact(coach, desk, aino, session):
    answer = wants_to_talk(session, aino)
    board = desk.get("/coach/")
    assert "Wants to talk with you." in visible_text(board)
    assert f'action="/coach/talks/{answer.id}/handled"' in html_of(board)

    response = desk.post(f"/coach/talks/{answer.id}/handled", {"contact": "call"})
    assert response.status_code == 303
    board = visible_text(desk.get("/coach/"))
    assert "Marked as handled and the contact logged: Aino." in board
    assert "Wants to talk with you." not in board and "No contact logged yet" not in board
    session.expire_all()
    answer = session.get(SelfAssessment, answer.id)
    assert (answer.talk_handled_at, answer.talk_handled_by_id) == (MONDAY_0930, coach.id)
    [call] = logged(session, aino)
    assert (call.kind, call.date, call.logged_by_id) == (ContactKind.call, MONDAY, coach.id)
    assert contacts.open_talks(session, [aino.id]) == []

    assert desk.post(f"/coach/talks/{answer.id}/handled", {"contact": "call"}).status_code == 303
    assert len(logged(session, aino)) == 1, "pressed twice, logged once"


def test_an_older_wish_to_talk_stays_open_until_handled_without_a_contact(coach, desk, aino, session):
    answer = wants_to_talk(session, aino, MONDAY - timedelta(days=4))
    board = visible_text(desk.get("/coach/"))
    assert "Wants to talk with you. Answered: Thursday 19 November 13:00" in board
    assert desk.post(f"/coach/talks/{answer.id}/handled", {"contact": ""}).status_code == 303
    board = visible_text(desk.get("/coach/"))
    assert "Marked as handled: Aino." in board and "Wants to talk with you." not in board
    assert logged(session, aino) == []
    assert "No contact logged yet" in board


def test_wanting_to_talk_again_after_it_was_handled_opens_it_again(coach, aino, session, now):
    answer = wants_to_talk(session, aino)
    contacts.talk_handled(session, answer, coach, MONDAY)
    session.commit()
    now.set(now.value + timedelta(hours=2))
    wants_to_talk(session, aino)
    assert [a.id for a in contacts.open_talks(session, [aino.id])] == [answer.id]


def test_handling_a_help_request_can_log_a_visit(coach, desk, aino, session):
    asked = help_request.ask(session, aino.id)
    session.commit()
    assert desk.post(f"/coach/help/{asked.id}/handled", {"contact": "visit"}).status_code == 303
    assert help_request.open_requests(session, [aino.id]) == []
    [visit] = logged(session, aino)
    assert (visit.kind, visit.date) == (ContactKind.visit, MONDAY)


@pytest.mark.parametrize("kind", ["letter", "²", "x" * 1000])
def test_handled_with_an_unknown_kind_of_contact_is_refused_and_changes_nothing(kind, coach, desk, aino, session):
    answer = wants_to_talk(session, aino)
    asked = help_request.ask(session, aino.id)
    session.commit()
    for url in (f"/coach/talks/{answer.id}/handled", f"/coach/help/{asked.id}/handled"):
        response = desk.post(url, {"contact": kind})
        assert response.status_code == 400
        assert "Choose a kind of contact, or no contact." in visible_text(response)
    session.expire_all()
    assert session.get(SelfAssessment, answer.id).talk_handled_at is None
    assert session.get(HelpRequest, asked.id).handled_at is None
    assert logged(session, aino) == []


def test_another_coachs_client_is_not_found_and_nothing_changes(coach, desk, make, session):
    other = make.client(coach=make.coach(name="Other"), name="Eero")
    answer = wants_to_talk(session, other)
    quiet = self_assessment.save(session, other.id, MONDAY - timedelta(days=1), dict.fromkeys(self_assessment.AREAS, 2), False)
    session.commit()
    assert desk.post(f"/coach/clients/{other.id}/contacts", {"kind": "call", "date": "2026-11-23"}).status_code == 404
    assert desk.post(f"/coach/talks/{answer.id}/handled", {"contact": "call"}).status_code == 404
    assert desk.post(f"/coach/talks/{quiet.id}/handled", {}).status_code == 404
    assert desk.post("/coach/talks/999999/handled", {}).status_code == 404
    assert logged(session, other) == []
    session.expire_all()
    assert session.get(SelfAssessment, answer.id).talk_handled_at is None


def test_logging_and_reading_contacts_is_audited(coach, desk, aino, session):
    desk.post(f"/coach/clients/{aino.id}/contacts", {"kind": "call", "date": "2026-11-23"})
    desk.get("/coach/caseload")
    events = session.execute(select(AuditEvent.client_id, AuditEvent.action, AuditEvent.what).where(AuditEvent.actor_id == coach.id)).all()
    assert (aino.id, "change", "coach.contact_add") in events
    assert (aino.id, "read", "coach.caseload_page") in events


def test_the_board_refresh_renders_with_open_items(coach, desk, aino, session):
    """The partial alone (htmx every 30 s) has its "Handled" forms too."""
    wants_to_talk(session, aino)
    help_request.ask(session, aino.id)
    session.commit()
    response = desk.get("/coach/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = html_of(response)
    assert html.lstrip().startswith('<div id="board"')
    assert html.count('name="contact"') == 2 and html.count("hx-preserve") == 2


@contextmanager
def statements(app):
    """Every SQL statement sent while the block runs."""
    sent = []

    def note(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    engine = app.extensions["selko.engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def statements_for(app, make, session, client_factory, sign_in, clients: int) -> dict[str, int]:
    """A coach whose every client has a contact, an open help request about a
    task of its own and an open "I want to talk"; the statements each page sends."""
    coach = make.coach(name=f"Coach of {clients}")
    for n in range(clients):
        client = make.client(coach=coach, name=f"Asiakas {n:02}")
        contact(session, client, coach, days_ago=n * 3)
        asked = help_request.ask(session, client.id)
        asked.task_id = make.task(organisation_id=coach.organisation_id, title=f"Tehtävä {n}").id  # commits
        wants_to_talk(session, client)
    desk = sign_in(client_factory(), coach)
    counts = {}
    for url in ("/coach/", "/coach/caseload"):
        assert desk.get(url).status_code == 200  # the first request warms the session up
        with statements(app) as sent:
            response = desk.get(url)
        assert response.status_code == 200
        assert visible_text(response).count("Asiakas ") >= clients
        counts[url] = len(sent)
    return counts


def test_the_board_and_the_caseload_page_send_as_many_statements_for_20_clients_as_for_3(app, make, session, client_factory, sign_in):
    three = statements_for(app, make, session, client_factory, sign_in, 3)
    twenty = statements_for(app, make, session, client_factory, sign_in, 20)
    print(f"\nSQL statements per page, 3 clients: {three}; 20 clients: {twenty}")
    assert twenty == three
    assert count(session, Contact) == 23
