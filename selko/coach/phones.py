"""A client's phones: connecting one, signing one out, passkeys, family shares, a lost phone."""

import segno
from flask import current_app, g, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete

from selko import db
from selko.access import client_for_coach, owned, signin
from selko.coach.blueprint import bp, client_saved
from selko.coach.clients import client_tab
from selko.forms import read_date
from selko.models import DeviceSession, Passkey, Share
from selko.people import share
from selko.web.pages import page, public_url


@bp.post("/clients/<id:client_id>/connect")
def connect_phone(client_id: int):
    client = client_for_coach(client_id)
    token = signin.create_link_token(db.session(), client, minutes=current_app.config["SIGN_IN_LINK_MINUTES"], created_by=g.user)
    db.session().commit()
    link = public_url("auth.sign_in_link", token=token)
    qr = segno.make(link, error="m").svg_inline(scale=6, title=_("QR code of the sign-in link"))
    return page(
        "coach/connect.html",
        client=client,
        link=link,
        qr=Markup(qr),
        minutes=current_app.config["SIGN_IN_LINK_MINUTES"],
    )


@bp.post("/clients/<id:client_id>/devices/<id:device_id>/sign-out")
def device_sign_out(client_id: int, device_id: int):
    client = client_for_coach(client_id)
    device = owned(DeviceSession, device_id, user_id=client.id)
    signin.end(db.session(), device)
    db.session().commit()
    return client_saved(client, "phones", _("The phone is signed out."))


@bp.post("/clients/<id:client_id>/passkeys/<id:passkey_id>/delete")
def passkey_delete(client_id: int, passkey_id: int):
    client = client_for_coach(client_id)
    db.session().delete(owned(Passkey, passkey_id, user_id=client.id))
    db.session().commit()
    return client_saved(client, "phones", _("The passkey is removed."))


@bp.post("/clients/<id:client_id>/shares")
def share_add(client_id: int):
    """A share made by the coach for the client, only with the client's consent."""
    client = client_for_coach(client_id)
    form = request.form
    name = form.get("name", "").strip()
    error = share.name_problem(name)
    ends_on = None
    if not error and form.get("agreed") != "1":
        error = _("Share only when the client agrees. Tick the box when they do.")
    elif not error and form.get("ends_on"):
        ends_on = read_date(form["ends_on"])
        if ends_on is None:
            error = _("Give the end date as a date, or leave it empty.")
    if error:
        return client_tab(client, "phones", 400, error=error)
    token = share.create(db.session(), client, name=name, created_by=g.user, ends_on=ends_on, show_tasks=form.get("tasks") == "1")
    db.session().commit()
    return client_tab(client, "phones", new_share_link=public_url("family.week", token=token), new_share_name=name)


@bp.post("/clients/<id:client_id>/shares/<id:share_id>/stop")
def share_stop(client_id: int, share_id: int):
    client = client_for_coach(client_id)
    found = owned(Share, share_id, client_id=client.id)
    share.stop(found)
    db.session().commit()
    return client_saved(client, "shares", _("Sharing stopped: %(name)s.", name=found.name))


@bp.post("/clients/<id:client_id>/phone-lost")
def phone_lost(client_id: int):
    """A lost phone: sign out every device and remove every passkey of the client."""
    client = client_for_coach(client_id)
    signin.end_all_device_sessions(db.session(), client.id)
    db.session().execute(delete(Passkey).where(Passkey.user_id == client.id))
    db.session().commit()
    return client_saved(client, "phones", _("Every phone is signed out and every passkey removed."))
