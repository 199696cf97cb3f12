"""Who is signed in, and who may reach what — decided here, in one place.

Every endpoint belongs to an audience: its blueprint's, or its own when a view
says so. One hook checks the audience before any view runs; an endpoint that
nobody classified is refused. Inside an audience, a client's data is reached
only through client_for_coach() / client_for_admin(), so "a coach sees only
their own clients" and "an admin only their own organisation" live here too.
Strangers get 404, so links tell nothing.
"""

from datetime import timedelta
from typing import TypeVar

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from selko import db
from selko.access import audit, signin
from selko.models import AuditAction, ClientProfile, Role, User

T = TypeVar("T")

PUBLIC = "public"
SIGNED_IN = "signed in"
CLIENT = "client"
COACH = "coach"
ADMIN = "admin"

ROLES = {
    SIGNED_IN: set(Role),
    CLIENT: {Role.client},
    COACH: {Role.coach, Role.admin},
    ADMIN: {Role.admin},
}
# Coaches and admins read many clients' data: their sessions are short, and
# they sign in again with a passkey. A client's phone stays signed in.
COACH_SESSION = timedelta(hours=12)
# What a recovery session (a sign-in link for a coach who has a passkey) may do.
RECOVERY_ENDPOINTS = {"auth.passkey_new", "auth.passkey_register_options", "auth.passkey_register", "auth.sign_out"}

_blueprint_audience: dict[str, str] = {}
_endpoint_audience: dict[str, str] = {}


def audience_of_blueprint(blueprint_name: str, who: str) -> None:
    _blueprint_audience[blueprint_name] = who


def audience_of_endpoint(endpoint: str, who: str) -> None:
    """For endpoints whose view cannot carry an attribute (Flask's static files)."""
    _endpoint_audience[endpoint] = who


def audience(who: str):
    """Give one view an audience other than its blueprint's."""

    def decorator(view):
        view.audience = who
        return view

    return decorator


public = audience(PUBLIC)
signed_in = audience(SIGNED_IN)


def audience_for(endpoint: str | None) -> str | None:
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return None
    blueprint = endpoint.rpartition(".")[0]
    return _endpoint_audience.get(endpoint) or getattr(view, "audience", None) or _blueprint_audience.get(blueprint)


def session_length(user: User) -> timedelta:
    if user.role == Role.client:
        return timedelta(days=current_app.config["DEVICE_SESSION_DAYS"])
    return COACH_SESSION


def load_user() -> None:
    g.user = g.device = None
    token = session.get("device")
    if token:
        g.device, renewed = signin.device_session(db.session(), token, length=session_length)
        if g.device is None:
            session.pop("device", None)
            return
        g.user = g.device.user
        if renewed:
            # Send the cookie again only when the session is renewed. A cookie
            # set on every answer lets a slow request that started before
            # signing in (a service worker's fetch) put the old cookie back.
            session.modified = True


def enforce():
    if request.endpoint is None:
        return None  # routing answers 404 or 405 by itself
    who = audience_for(request.endpoint)
    if who is None:
        current_app.logger.error("endpoint %s has no audience; refused", request.endpoint)
        abort(404)
    if who == PUBLIC:
        return None
    if g.user is None:
        return redirect(url_for("auth.welcome"))
    if g.device.recovery and request.endpoint not in RECOVERY_ENDPOINTS:
        return redirect(url_for("auth.passkey_new"))
    if g.user.role not in ROLES[who]:
        abort(404)
    if who in (COACH, ADMIN) and not signin.has_passkey(db.session(), g.user):
        # The first link leads to a passkey; coaches use nothing else after it.
        return redirect(url_for("auth.passkey_new"))
    return None


def sign_in(user: User, device_token: str) -> None:
    # A new session at every sign-in, so nothing from before carries over.
    session.clear()
    session.permanent = True
    session["device"] = device_token
    # The form token comes with the sign-in, not with the first page: pages
    # that load at once (the worker saving the day) would each make their own,
    # and the one the phone kept last would refuse the others' forms.
    g.pop("csrf_token", None)
    generate_csrf()


def sign_out() -> None:
    token = session.get("device")
    if token:
        signin.end_device_session(db.session(), token)
        db.session().commit()
    session.clear()


def clients_of(coach: User) -> list[User]:
    return list(
        db.session().scalars(
            select(User)
            .join(ClientProfile, ClientProfile.user_id == User.id)
            .where(ClientProfile.coach_id == coach.id, User.erased_at.is_(None))
            .order_by(User.name)
        )
    )


def owned(model: type[T], row_id: int | None, **by) -> T:
    """The `model` row with this id that belongs where `by` says (say
    client_id=client.id), or 404: someone else's id answers exactly as a
    missing one does. Rows of a client: reach the client first (client_for_coach)."""
    row = db.session().get(model, row_id) if row_id is not None else None
    if row is None or any(getattr(row, column) != value for column, value in by.items()):
        abort(404)
    return row


def client_for_coach(client_id: int) -> User:
    """The signed-in coach's own client, or 404. The access is audited."""
    client = db.session().get(User, client_id)
    if client is None or client.erased_at is not None or client.client_profile is None or client.client_profile.coach_id != g.user.id:
        abort(404)
    audit.note(client, AuditAction.read if request.method == "GET" else AuditAction.change)
    return client


def client_for_admin(client_id: int) -> User:
    """A client of the signed-in admin's organisation, or 404. Audited."""
    client = db.session().get(User, client_id)
    if client is None or client.role != Role.client or client.organisation_id != g.user.organisation_id:
        abort(404)
    audit.note(client, AuditAction.read if request.method == "GET" else AuditAction.change)
    return client


def init_app(app: Flask) -> None:
    app.before_request(load_user)
    app.before_request(enforce)
    audience_of_endpoint("static", PUBLIC)
