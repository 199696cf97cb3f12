"""The admin: a coach who leaves is deactivated, and their clients move to another coach."""

import pytest
from sqlalchemy import func, select

from selko.models import ClientProfile, DeviceSession, Passkey, Role, User
from tests.conftest import visible_text


@pytest.fixture
def organisation(make, session, client_factory, sign_in):
    organisation = make.organisation()
    admin = make.coach(organisation=organisation, name="Admin", language="en")
    session.get(User, admin.id).role = Role.admin
    session.commit()
    leaving = make.coach(organisation=organisation, name="Lähtevä Valmentaja")
    staying = make.coach(organisation=organisation, name="Staying Coach")
    clients = [make.client(coach=leaving, name=name) for name in ("Aino", "Mikko")]
    return admin, leaving, staying, clients, sign_in(client_factory(), admin)


def test_a_deactivated_coach_is_signed_out_everywhere_at_once(organisation, make, session, client_factory, sign_in):
    admin, leaving, _staying, clients, desk = organisation
    laptop = sign_in(client_factory(), leaving)
    assert laptop.get("/coach/").status_code == 200
    old_link = make.link(leaving)

    response = desk.post(f"/admin/coaches/{leaving.id}/deactivate")
    assert response.status_code == 303
    assert laptop.get("/coach/").headers["Location"] == "/welcome"
    assert client_factory().post(f"/signin/{old_link}").status_code == 404
    assert desk.post(f"/admin/coaches/{leaving.id}/link").status_code == 400, "no new link either"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Passkey).where(Passkey.user_id == leaving.id)) == 0
    assert session.scalar(select(func.count()).select_from(DeviceSession).where(DeviceSession.user_id == leaving.id, DeviceSession.revoked_at.is_(None))) == 0
    page = visible_text(desk.get(f"/admin/coaches/{leaving.id}"))
    assert "Deactivated on" in page and "Aino" in page and "Mikko" in page, "the clients are listed for moving"
    assert "coach deactivated, move the client" in visible_text(desk.get("/admin/"))


def test_the_admin_moves_a_coachs_clients_to_another_coach(organisation, session, client_factory, sign_in):
    _admin, leaving, staying, (aino, mikko), desk = organisation
    response = desk.post(f"/admin/coaches/{leaving.id}/clients", {"to": str(staying.id), "client": [str(aino.id)]})
    assert response.status_code == 303
    board = visible_text(sign_in(client_factory(), staying).get("/coach/"))
    assert "Aino" in board and "Mikko" not in board
    session.expire_all()
    assert session.get(ClientProfile, mikko.id).coach_id == leaving.id


@pytest.mark.parametrize(
    "form",
    [
        {"to": "", "client": []},
        {"to": "999999", "client": []},
        {"client": []},
    ],
)
def test_moving_without_a_coach_to_take_them_changes_nothing(organisation, session, form):
    _admin, leaving, _staying, (aino, _mikko), desk = organisation
    form = {**form, "client": [str(aino.id)]}
    response = desk.post(f"/admin/coaches/{leaving.id}/clients", form)
    assert response.status_code == 400 and "Choose the coach who takes the clients." in visible_text(response)
    session.expire_all()
    assert session.get(ClientProfile, aino.id).coach_id == leaving.id


def test_another_coachs_client_cannot_be_moved_through_this_coach(organisation, make, session):
    _admin, leaving, staying, _clients, desk = organisation
    theirs = make.client(coach=staying, name="Leila")
    response = desk.post(f"/admin/coaches/{leaving.id}/clients", {"to": str(leaving.id), "client": [str(theirs.id)]})
    assert response.status_code == 400
    response = desk.post(f"/admin/coaches/{staying.id}/clients", {"to": str(staying.id), "client": [str(theirs.id)]})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(ClientProfile, theirs.id).coach_id == staying.id


def test_an_admin_cannot_lock_themselves_out(organisation, session):
    admin, *_rest, desk = organisation
    response = desk.post(f"/admin/coaches/{admin.id}/deactivate")
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, admin.id).deactivated_at is None
    assert desk.get("/admin/").status_code == 200
