"""Who can see my work days: the client's own family shares."""

from flask import g, redirect, request, url_for

from selko import access, db
from selko.client.blueprint import bp
from selko.models import Share
from selko.people import share
from selko.web.pages import page, public_url


@bp.route("/share", methods=["GET", "POST"])
def shares():
    """Who can see my work days: make a link for a person, and stop one."""
    if request.method == "GET":
        return page("client/share.html", shares=share.active(db.session(), g.user.id))
    name = request.form.get("name", "").strip()
    problem = share.name_problem(name)
    if problem:
        return page(
            "client/share.html",
            status=400,
            shares=share.active(db.session(), g.user.id),
            error=problem,
            name=name,
        )
    token = share.create(db.session(), g.user, name=name, created_by=g.user, show_tasks=request.form.get("tasks") == "1")
    db.session().commit()
    return page("client/share_link.html", name=name, link=public_url("family.week", token=token))


@bp.post("/share/<id:share_id>/stop")
def share_stop(share_id: int):
    found = access.owned(Share, share_id, client_id=g.user.id)
    share.stop(found)
    db.session().commit()
    return redirect(url_for(".shares"), code=303)
