"""Who is signed in, and what they may reach.

Every view reaches a client's data through client_for_coach() or as the
client themself (g.user), so the rule "a coach sees only their own clients"
lives here once. Strangers get 404, so links tell nothing.
"""
from functools import wraps

from flask import Flask, abort, current_app, g, redirect, session, url_for
from sqlalchemy import select

from selko import db, signin
from selko.models import ClientProfile, Role, User


def load_user() -> None:
    g.user = None
    token = session.get("device")
    if token:
        g.user = signin.device_user(db.session(), token, days=current_app.config["DEVICE_SESSION_DAYS"])
        if g.user is None:
            session.pop("device", None)


def sign_in(device_token: str) -> None:
    session.clear()
    session.permanent = True
    session["device"] = device_token


def sign_out() -> None:
    token = session.get("device")
    if token:
        signin.end_device_session(db.session(), token)
        db.session().commit()
    session.clear()


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("auth.welcome"))
            if g.user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


client_required = role_required(Role.client)
coach_required = role_required(Role.coach, Role.admin)


def clients_of(coach: User) -> list[User]:
    return list(
        db.session().scalars(
            select(User)
            .join(ClientProfile, ClientProfile.user_id == User.id)
            .where(ClientProfile.coach_id == coach.id)
            .order_by(User.name)
        )
    )


def client_for_coach(client_id: int) -> User:
    """The signed-in coach's own client, or 404."""
    client = db.session().get(User, client_id)
    if (
        client is None
        or client.client_profile is None
        or client.client_profile.coach_id != g.user.id
    ):
        abort(404)
    return client


def init_app(app: Flask) -> None:
    app.before_request(load_user)
