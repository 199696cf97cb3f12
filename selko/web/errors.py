"""Selko's own error pages: one template, one map, in the person's language.

Each page says what happened and what to do next, with a way back to the
start. A view may say in its own words what went wrong (abort(400,
description=...)); Werkzeug's own texts are not plain, so they are never shown.
"""

from flask import Flask, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from selko import db

HEADINGS = {
    400: lambda: _("Something went wrong"),
    403: lambda: _("You cannot open this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("Something went wrong"),
    410: lambda: _("This page is gone"),
    413: lambda: _("The file is too big"),
    429: lambda: _("Wait a moment"),
    500: lambda: _("Selko has a problem"),
}
MESSAGES = {
    403: lambda: _("Nothing changed. Go to Today."),
    404: lambda: _("Check the address. Or go to Today."),
    413: lambda: _("A photo can be at most 15 MB. Nothing changed. Go back and choose a smaller photo."),
    429: lambda: _("You tried many times. Wait one minute. Then try again."),
    500: lambda: _("Selko saved nothing. Try again in a moment."),
}
# Answers whose words never come from the view: the rate limiter and a failure.
OWN_WORDS_NEVER = {429, 500}


def _default_message():
    return _("Nothing changed. Go back and try again.")


def _page(status: int, message: str):
    heading = HEADINGS.get(status, HEADINGS[400])()
    return render_template("error.html", heading=heading, message=message), status


def _csrf_error(error: CSRFError):
    return _page(400, _("The page was open too long. Open it again. Then try again."))


def _http_error(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        return _server_error(error)
    own_words = status not in OWN_WORDS_NEVER and error.description != type(error).description
    return _page(status, error.description if own_words else MESSAGES.get(status, _default_message)())


def _server_error(error):
    """Must not fail itself: the failure may have been the database."""
    try:
        get_locale()  # the person's language, read before the rollback expires what was loaded
        db.rollback()
        return _page(500, MESSAGES[500]())
    except Exception:  # noqa: BLE001 - the last answer there is; say why in the log
        current_app.logger.exception("the error page failed")
        return "Selko has a problem. Try again in a moment.", 500, {"Content-Type": "text/plain; charset=utf-8"}


def _unknown_host(error: SecurityError):
    # No page: without a trusted host Selko builds no links, so it says only this.
    return "Unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    app.register_error_handler(SecurityError, _unknown_host)
    app.register_error_handler(CSRFError, _csrf_error)
    # Every HTTP error, and every unhandled exception (Flask hands those over as a 500).
    app.register_error_handler(HTTPException, _http_error)
