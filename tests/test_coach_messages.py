"""A coach's message reaches the client in Selko too, and the coach sees what came of it."""

from sqlalchemy import select

from selko.models import Reminder
from tests.conftest import visible_text


def messages_of(session, client) -> list[Reminder]:
    session.expire_all()
    return session.scalars(select(Reminder).where(Reminder.client_id == client.id)).all()


def test_a_message_waits_on_today_until_the_client_says_ok(pair, session):
    desk, phone, client = pair
    desk.post(f"/coach/clients/{client.id}/reminder", {"own": "Bring the gloves."})
    desk.post(f"/coach/clients/{client.id}/reminder", {"ready": "call"})
    today = visible_text(phone.get("/"))
    assert "Message from your coach" in today and "Bring the gloves." in today and "Call me when you can." in today
    assert "The message came at 9:30." in today
    assert "Not seen yet." in visible_text(desk.get(f"/coach/clients/{client.id}"))

    gloves = next(m for m in messages_of(session, client) if m.text == "Bring the gloves.")
    answer = phone.post(f"/messages/{gloves.id}/seen", {})
    assert answer.status_code == 303
    today = visible_text(phone.get("/"))
    assert "Bring the gloves." not in today and "Call me when you can." in today
    coach_page = visible_text(desk.get(f"/coach/clients/{client.id}"))
    assert "Seen in Selko at 9:30." in coach_page and "Not seen yet." in coach_page


def test_the_phone_that_showed_a_message_marks_that_message_rang(pair, session):
    desk, phone, client = pair
    desk.post(f"/coach/clients/{client.id}/reminder", {"own": "Bring the gloves."})
    message = messages_of(session, client)[0]
    assert phone.post(f"/alarms/shown?reminder={message.id}", {}).status_code == 204
    assert messages_of(session, client)[0].shown_at is not None
    assert "Rang on the phone at 9:30." in visible_text(desk.get(f"/coach/clients/{client.id}"))


def test_another_clients_message_is_not_found_and_stays_unseen(pair, make, session, sign_in, client_factory):
    desk, phone, client = pair
    desk.post(f"/coach/clients/{client.id}/reminder", {"own": "Bring the gloves."})
    message = messages_of(session, client)[0]
    other = sign_in(client_factory(), make.client(name="Other"))
    assert other.post(f"/messages/{message.id}/seen", {}).status_code == 404
    other.post(f"/alarms/shown?reminder={message.id}", {})
    assert messages_of(session, client)[0].seen_at is None and messages_of(session, client)[0].shown_at is None
    assert phone.post("/messages/999999/seen", {}).status_code == 404
