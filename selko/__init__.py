"""Selko: a plain-language work-day app for supported employment."""
import os
from pathlib import Path

from flask import Flask, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from selko import access, alarms, audit, config, db, i18n, labels, security
from selko.ids import IdConverter

csrf = CSRFProtect()
ROOT = Path(__file__).parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("SELKO_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path or str(ROOT / "instance"))
    app.config.update(config.from_environment(Path(app.instance_path)))
    app.config.update(
        NODE_MODULES=str(ROOT / "node_modules"),
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * app.config["DEVICE_SESSION_DAYS"],
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="selko",
        SESSION_REFRESH_EACH_REQUEST=False,
        # Forms may stay open all day; the day check and the session guard them.
        WTF_CSRF_TIME_LIMIT=None,
    )
    if test_config:
        app.config.update(test_config)
    app.url_map.converters["id"] = IdConverter

    db.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    csrf.init_app(app)
    access.init_app(app)
    audit.init_app(app)
    security.init_app(app)
    alarms.init_app(app)

    from selko.pages import htmx

    htmx.init_app(app)

    from selko import admin, auth, cli, client, coach, family, pwa

    app.register_blueprint(client.bp)
    # The service worker reports a shown alarm; it has no page to carry a token.
    csrf.exempt(client.alarms_shown)
    app.register_blueprint(coach.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(family.bp)
    cli.init_app(app)

    @app.get("/healthz")
    @access.public
    def healthz():
        answers = db.database_answers()
        return jsonify(ok=answers, database=answers), 200 if answers else 503

    _register_error_pages(app)
    return app


def _register_error_pages(app: Flask) -> None:
    headings = {
        400: lambda: _("Something went wrong"),
        404: lambda: _("Page not found"),
        405: lambda: _("Something went wrong"),
        410: lambda: _("This page is gone"),
    }

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template(
            "error.html",
            heading=_("Something went wrong"),
            message=_("The page was open too long. Open it again. Then try again."),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code not in headings:
            return error
        # A view may say in plain words what went wrong; werkzeug's own text is not plain.
        own_words = error.description != type(error).description
        return render_template(
            "error.html",
            heading=headings[error.code](),
            message=error.description if own_words else _("Nothing changed. Go back and try again."),
        ), error.code
