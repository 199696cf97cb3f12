"""Signing in with a one-time link, signing out, and choosing a language."""
from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from selko import access, db, signin
from selko.i18n import LANGUAGES
from selko.models import Role

bp = Blueprint("auth", __name__, template_folder="templates")


def _link_problem_page(problem: signin.LinkProblem):
    messages = {
        "used": (_("This link is already used."), 410),
        "expired": (_("This link is too old."), 410),
        "unknown": (_("This link does not work."), 404),
    }
    heading, status = messages[problem.kind]
    return render_template("auth/link_problem.html", heading=heading), status


@bp.get("/welcome")
def welcome():
    if g.user is not None:
        return redirect(url_for("client.today"))
    return render_template("auth/welcome.html")


@bp.get("/signin/<token>")
def sign_in_link(token: str):
    """Show a button, not sign in at once: link previews in chat apps open
    links too, and must not use up a one-time link."""
    try:
        link = signin.find_link(db.session(), token)
    except signin.LinkProblem as problem:
        return _link_problem_page(problem)
    return render_template("auth/sign_in.html", token=token, name=link.user.name)


@bp.post("/signin/<token>")
def sign_in(token: str):
    try:
        user, device_token = signin.redeem_link(
            db.session(),
            token,
            days=current_app.config["DEVICE_SESSION_DAYS"],
            user_agent=request.headers.get("User-Agent", ""),
        )
    except signin.LinkProblem as problem:
        db.session().rollback()
        return _link_problem_page(problem)
    db.session().commit()
    access.sign_in(device_token)
    if user.role == Role.client:
        return redirect(url_for("client.today"), code=303)
    return redirect(url_for("coach.board"), code=303)


@bp.post("/signout")
def sign_out():
    access.sign_out()
    return redirect(url_for("auth.welcome"), code=303)


@bp.route("/language", methods=["GET", "POST"])
def language():
    if request.method == "POST":
        chosen = request.form.get("language")
        if chosen not in LANGUAGES:
            return render_template("auth/language.html", error=_("Choose one language.")), 400
        session["language"] = chosen
        if g.user is not None:
            g.user.language = chosen
            db.session().commit()
        return redirect(url_for("client.today"), code=303)
    return render_template("auth/language.html")
