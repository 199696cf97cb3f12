"""What a family member sees through a share link: the weeks, and a calendar feed."""

from flask import Blueprint, abort, g, request
from flask_babel import gettext as _

from selko import access, db
from selko.day import schedule
from selko.i18n import LANGUAGES
from selko.people import share
from selko.web.pages import page, public_url
from selko.web.security import limiter

bp = Blueprint("family", __name__, template_folder="templates")
# Anyone with the link: the token is the key. A wrong one tells nothing.
access.audience_of_blueprint(bp.name, access.PUBLIC)
# A holiday's name is no secret, unlike the coach's note on a date.
bp.add_app_template_global(schedule.holiday, "holiday")
FAMILY_LIMIT = "60 per minute"


def _share_or_404(token: str):
    found = share.find(db.session(), token)
    if found is None:
        abort(404)
    # The client's language, unless the reader picks another.
    chosen = request.args.get("lang")
    g.page_language = chosen if chosen in LANGUAGES else found.client.language
    return found


@bp.after_request
def _not_for_search_engines(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/s/<token>")
@limiter.limit(FAMILY_LIMIT)
def week(token: str):
    found = _share_or_404(token)
    feed = public_url("family.feed", token=token)
    return page(
        "family/week.html",
        share=found,
        weeks=share.weeks(db.session(), found),
        token=token,
        webcal=feed.replace("https://", "webcal://").replace("http://", "webcal://"),
    )


@bp.get("/s/<token>.ics")
@limiter.limit(FAMILY_LIMIT)
def feed(token: str):
    found = _share_or_404(token)
    body = share.calendar(db.session(), found, work=_("Work"), brk=_("Break"))
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": "attachment; filename=selko.ics",
        },
    )
