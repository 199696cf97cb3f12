"""Signing in (one-time link, passkey), the person's own passkeys and sessions, language."""

from flask import Blueprint, current_app, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from selko import access, db
from selko.access import audit, passkeys, signin
from selko.i18n import LANGUAGES
from selko.input_text import name_problem
from selko.models import AuditAction, Passkey, Role, User
from selko.web.pages import page
from selko.web.security import SIGN_IN_LIMIT, limiter

bp = Blueprint("auth", __name__, template_folder="templates")
access.audience_of_blueprint(bp.name, access.PUBLIC)


def _origin() -> str:
    return current_app.config["ORIGIN"]


def _home_for(user: User) -> str:
    if user.role == Role.client:
        return url_for("client.today")
    return url_for("coach.board")


def _link_problem_page(problem: signin.LinkProblem):
    messages = {
        signin.LinkProblemKind.used: (_("This link is already used."), 410),
        signin.LinkProblemKind.expired: (_("This link is too old."), 410),
        signin.LinkProblemKind.unknown: (_("This link does not work."), 404),
    }
    heading, status = messages[problem.kind]
    return page("auth/link_problem.html", status=status, heading=heading)


@bp.get("/welcome")
def welcome():
    if g.user is not None:
        return redirect(_home_for(g.user))
    return page("auth/welcome.html")


@bp.get("/signin/<token>")
@limiter.limit(SIGN_IN_LIMIT)
def sign_in_link(token: str):
    """Show a button, not sign in at once: link previews in chat apps open
    links too, and must not use up a one-time link."""
    try:
        link = signin.find_link(db.session(), token)
    except signin.LinkProblem as problem:
        return _link_problem_page(problem)
    if _someone_else_here(link.user):
        return _switch_question(token, link.user)
    return page("auth/sign_in.html", token=token, name=link.user.name)


def _someone_else_here(owner: User) -> bool:
    """Someone else is signed in on this browser: a coach who tapped a
    client's link on the QR page, say."""
    return g.user is not None and g.user.id != owner.id


def _switch_question(token: str, owner: User):
    """Ask before signing anybody out; "No" keeps everything as it was."""
    return page("auth/sign_in_switch.html", token=token, owner=owner.name, current=g.user.name, home=_home_for(g.user))


@bp.post("/signin/<token>")
@limiter.limit(SIGN_IN_LIMIT)
def sign_in(token: str):
    try:
        owner = signin.find_link(db.session(), token).user
    except signin.LinkProblem as problem:
        return _link_problem_page(problem)
    if _someone_else_here(owner):
        if request.form.get("switch") != "1":
            return _switch_question(token, owner)
        access.sign_out()
    try:
        user, device_token = signin.redeem_link(
            db.session(),
            token,
            length=access.session_length,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except signin.LinkProblem as problem:
        db.session().rollback()
        return _link_problem_page(problem)
    db.session().commit()
    access.sign_in(user, device_token)
    # A coach comes in by link only to make a passkey: the first, or a new one.
    if user.role != Role.client or not signin.has_passkey(db.session(), user):
        return redirect(url_for(".passkey_new"), code=303)
    return redirect(_home_for(user), code=303)


@bp.post("/signout")
@access.signed_in
def sign_out():
    access.sign_out()
    return redirect(url_for(".welcome"), code=303)


@bp.post("/signout/everywhere")
@access.signed_in
def sign_out_everywhere():
    signin.end_all_device_sessions(db.session(), g.user.id)
    db.session().commit()
    session.clear()
    return redirect(url_for(".welcome"), code=303)


def _passkey_failed(status: int = 400):
    # The challenge was used up even though the answer was refused: commit that.
    db.session().commit()
    return jsonify(message=_("That did not work. Try again.")), status


@bp.get("/passkeys/new")
@access.signed_in
def passkey_new():
    return page("auth/passkey_new.html", required=g.user.role != Role.client)


@bp.post("/passkeys/options")
@limiter.limit(SIGN_IN_LIMIT)
@access.signed_in
def passkey_register_options():
    options = passkeys.registration_options(db.session(), g.user, _origin())
    db.session().commit()
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/passkeys")
@limiter.limit(SIGN_IN_LIMIT)
@access.signed_in
def passkey_register():
    try:
        passkeys.register(
            db.session(),
            g.user,
            request.form.get("credential", ""),
            _origin(),
            name=device_name(request.headers.get("User-Agent", "")),
        )
    except passkeys.PasskeyError as error:
        current_app.logger.info("passkey registration refused: %s", error)
        return _passkey_failed()
    if g.device.recovery:
        # The person proved they hold the new passkey: this device is theirs again.
        g.device.recovery = False
        audit.record(db.session(), g.user, g.user, AuditAction.passkey, "new passkey through a sign-in link")
    db.session().commit()
    return jsonify(next=_home_for(g.user))


@bp.post("/passkeys/sign-in/options")
@limiter.limit(SIGN_IN_LIMIT)
def passkey_sign_in_options():
    options = passkeys.authentication_options(db.session(), _origin())
    db.session().commit()
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/passkeys/sign-in")
@limiter.limit(SIGN_IN_LIMIT)
def passkey_sign_in():
    try:
        user = passkeys.authenticate(db.session(), request.form.get("credential", ""), _origin())
    except passkeys.PasskeyError as error:
        current_app.logger.info("passkey sign-in refused: %s", error)
        return _passkey_failed()
    if user.gone:
        return _passkey_failed()
    device_token = signin.open_device_session(db.session(), user, length=access.session_length(user), user_agent=request.headers.get("User-Agent", ""))
    db.session().commit()
    access.sign_in(user, device_token)
    return jsonify(next=_home_for(user))


@bp.app_template_global("device_label")
def device_name(user_agent: str) -> str:
    """A name people recognise their device by; they can change it."""
    for marker, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Mac OS", "Mac"), ("Windows", "Windows")):
        if marker in user_agent:
            return name
    # Not "this device": the coach reads these names about the client's phones.
    return _("Phone or computer")


def _own_passkey(passkey_id: int) -> Passkey:
    return access.owned(Passkey, passkey_id, user_id=g.user.id)


def _account_page(error: str | None = None, status: int = 200):
    mine = db.session().scalars(select(Passkey).where(Passkey.user_id == g.user.id).order_by(Passkey.created_at)).all()
    devices = signin.active_device_sessions(db.session(), g.user.id)
    return page("auth/account.html", status=status, passkeys=mine, devices=devices, error=error)


@bp.get("/account")
@access.signed_in
def account():
    return _account_page()


@bp.post("/account/passkeys/<id:passkey_id>/name")
@access.signed_in
def passkey_rename(passkey_id: int):
    passkey = _own_passkey(passkey_id)
    name = request.form.get("name", "").strip()
    problem = _("Give a name of 1 to 100 characters.") if not name or len(name) > 100 else name_problem(name)
    if problem:
        return _account_page(problem, 400)
    passkey.name = name
    db.session().commit()
    return redirect(url_for(".account"), code=303)


@bp.post("/account/passkeys/<id:passkey_id>/delete")
@access.signed_in
def passkey_delete(passkey_id: int):
    db.session().delete(_own_passkey(passkey_id))
    db.session().commit()
    return redirect(url_for(".account"), code=303)


@bp.route("/language", methods=["GET", "POST"])
def language():
    if request.method == "POST":
        chosen = request.form.get("language")
        if chosen not in LANGUAGES:
            return page("auth/language.html", status=400, error=_("Choose one language."))
        session["language"] = chosen
        if g.user is not None:
            g.user.language = chosen
            db.session().commit()
        return redirect(url_for("client.today"), code=303)
    return page("auth/language.html")
