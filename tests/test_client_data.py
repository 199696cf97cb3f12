"""A client's data as a whole: every table classified, exported, and erased without a trace."""

import json
from datetime import date, time

from sqlalchemy import LargeBinary, String, select

from selko.models import (
    Attendance,
    Base,
    ClientAction,
    DeviceSession,
    Passkey,
    PushSubscription,
    Role,
    ScheduleException,
    User,
)
from selko.people import client_data, share

SECRETS = {
    "name": "Aino Salainen",
    "phone": "040 999 8888",
    "workplace": "Kahvila Kätkö",
    "absence note": "Hammaslääkäri kuudelta",
    "share name": "Äiti Kerttu",
    "date note": "Lääkärin vuoksi vapaa",
    "coach message": "Muista lääkkeet, Aino",
    "device": "SalainenPuhelin/1.0",
    "passkey name": "Ainon puhelin",
    "break name": "Kahvitauko Kätkössä",
    "contact note": "Puhuttiin Ainon lääkityksestä",
}


def test_every_table_and_column_is_classified():
    for table in Base.metadata.sorted_tables:
        kind = client_data.TABLES.get(table.name)
        assert kind is not None, f"classify the new table {table.name} in selko/people/client_data.py"
        if isinstance(kind, client_data.ClientRows):
            named = set(kind.exported) | set(kind.internal)
            assert kind.owner in table.c, table.name
        elif isinstance(kind, client_data.ThePerson):
            named = set(kind.exported) | set(kind.blanked) | set(kind.kept)
        else:
            named = set(kind.columns)
        assert named == set(table.c.keys()), f"classify every column of {table.name} in selko/people/client_data.py"
    assert set(client_data.TABLES) == set(Base.metadata.tables), "a classified table no longer exists"


def a_client_with_everything(make, session, client_factory, sign_in):
    organisation = make.organisation()
    coach = make.coach(organisation=organisation, name="Valmentaja")
    admin = make.coach(organisation=organisation, name="Admin")
    session.get(User, admin.id).role = Role.admin
    client = make.client(coach=coach, name=SECRETS["name"], breaks=((time(10), time(10, 15), SECRETS["break name"]),))
    record = session.get(User, client.id)
    record.phone = SECRETS["phone"]
    record.client_profile.workplace = SECRETS["workplace"]
    record.client_profile.alarm_work_end = False
    session.commit()
    task = make.task(organisation_id=organisation.id)
    make.assignment(client=client, task=task)
    session.add(ScheduleException(client_id=client.id, date=date(2026, 12, 1), day_off=True, note=SECRETS["date note"]))
    session.commit()
    make.passkey(client)
    phone = client_factory()
    phone.http.environ_base["HTTP_USER_AGENT"] = SECRETS["device"]
    sign_in(phone, client)
    device = session.scalar(select(DeviceSession).where(DeviceSession.user_id == client.id))
    # Alarms on: the phone's subscription points at its device session.
    session.add(
        PushSubscription(
            user_id=client.id, device_session_id=device.id, endpoint="https://fcm.googleapis.com/fcm/send/x", p256dh="p", auth="a", created_at=device.created_at
        )
    )
    session.commit()
    session.scalar(select(Passkey).where(Passkey.user_id == client.id)).name = SECRETS["passkey name"]
    session.commit()
    day = "2026-11-23"
    phone.post("/absent", {"day": day, "reason": "doctor", "note": SECRETS["absence note"]})
    phone.post("/help", {})
    phone.post("/today-went", {"day": day, "energy": "3", "mind": "2", "skills": "3", "everyday": "1", "work": "2"})
    phone.post("/share", {"name": SECRETS["share name"]})
    desk = sign_in(client_factory(), coach)
    desk.post(f"/coach/clients/{client.id}/reminder", {"own": SECRETS["coach message"]})
    desk.post(f"/coach/clients/{client.id}/contacts", {"kind": "visit", "date": day, "note": SECRETS["contact note"]})
    share.create(session, client, name="Isä", created_by=coach)
    session.commit()
    return client, sign_in(client_factory(), admin)


def database_text(session) -> str:
    """Every text and byte value in every table, as one string."""
    session.expire_all()
    values = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | LargeBinary)]
        for row in session.execute(select(*columns)) if columns else []:
            values += [v.decode(errors="replace") if isinstance(v, bytes) else str(v) for v in row if v is not None]
    return "\n".join(values)


def test_erase_with_alarms_on_leaves_none_of_the_clients_words_anywhere(make, session, client_factory, sign_in):
    client, desk = a_client_with_everything(make, session, client_factory, sign_in)
    before = database_text(session)
    assert all(secret in before for secret in SECRETS.values()), "the test put every secret in the database"
    assert session.scalar(select(PushSubscription.id).where(PushSubscription.user_id == client.id))

    response = desk.post(f"/admin/clients/{client.id}/erase", {"confirm": SECRETS["name"]})
    assert response.status_code == 303

    after = database_text(session)
    assert [label for label, secret in SECRETS.items() if secret in after] == []
    assert session.scalar(select(User.webauthn_id).where(User.id == client.id)) is None
    assert session.scalar(select(Attendance.id).where(Attendance.client_id == client.id)) is None
    assert session.scalar(select(ClientAction.id).where(ClientAction.client_id == client.id)) is None


def test_the_export_holds_every_kind_of_client_data(make, session, client_factory, sign_in):
    client, desk = a_client_with_everything(make, session, client_factory, sign_in)
    export = json.loads(desk.get(f"/admin/clients/{client.id}/export.json").get_data(as_text=True))
    assert export["client"]["name"] == SECRETS["name"] and export["client"]["phone"] == SECRETS["phone"]
    assert export["client_profiles"][0]["workplace"] == SECRETS["workplace"]
    assert export["client_profiles"][0]["alarm_work_end"] is False and export["client_profiles"][0]["coach"] == "Valmentaja"
    assert export["attendance"][0]["absence_note"] == SECRETS["absence note"]
    assert sorted(s["name"] for s in export["shares"]) == sorted([SECRETS["share name"], "Isä"])
    assert {s["created_by"] for s in export["shares"]} == {SECRETS["name"], "Valmentaja"}
    assert {r["kind"] for r in export["reminders"]} >= {"absent", "help", "coach"}
    assert any(r["text"] == SECRETS["coach message"] for r in export["reminders"])
    assert len(export["push_subscriptions"]) == 1
    assert export["device_sessions"][0]["user_agent"] == SECRETS["device"]
    assert export["passkeys"][0]["name"] == SECRETS["passkey name"]
    assert export["task_assignments"][0]["task"] == "Tiskaa astiat"
    assert export["self_assessments"][0]["everyday"] == 1
    assert {a["kind"] for a in export["client_actions"]} == {"absent", "help", "assessment"}
    assert all(a["outcome"] == "done" and a["pressed_at"] for a in export["client_actions"])
    assert export["breaks"][0]["name"] == SECRETS["break name"]
    assert export["schedule_exceptions"][0]["note"] == SECRETS["date note"]
    assert export["contacts"] == [
        {"kind": "visit", "date": "2026-11-23", "note": SECRETS["contact note"], "logged_by": "Valmentaja", "logged_at": "2026-11-23T07:30:00+00:00"}
    ]
    text = json.dumps(export)
    assert "fcm.googleapis.com" not in text and "token_hash" not in text, "no keys to the phone or the links"
