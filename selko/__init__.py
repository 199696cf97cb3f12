"""Selko: a plain-language work-day app for supported employment."""

import os
from pathlib import Path

from flask import Flask, jsonify
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect

from selko import access, alarms, config, db, i18n, input_text
from selko.access import audit
from selko.day import client_action
from selko.ids import IdConverter
from selko.library import pictures
from selko.ops import logs
from selko.web import assets, errors, security
from selko.words import labels, selko_check

csrf = CSRFProtect()
ROOT = Path(__file__).parent.parent


# Text compresses well; photos, recordings and PNG icons are compressed already.
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "text/calendar",
    "text/csv",
    "text/plain",
]


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
        # A photo can be 15 MB (photos.MAX_BYTES) with the form around it; more is refused with 413.
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    app.url_map.converters["id"] = IdConverter

    # First, so it runs last: it compresses what every other part has finished.
    app.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_STREAMING_ENDPOINT_CONDITIONAL=["static", "pwa.vendor"],
    )
    Compress(app)
    # Before every other hook: the request id and the clock start first.
    logs.init_app(app)
    # Imported here, not above: see selko/ops/metrics.py.
    from selko.ops import metrics

    metrics.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    selko_check.init_app(app)
    pictures.init_app(app)
    client_action.init_app(app)
    csrf.init_app(app)
    access.init_app(app)
    # After access: a refusal then speaks the signed-in person's language.
    input_text.init_app(app)
    audit.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    alarms.init_app(app)

    from selko.web.pages import htmx

    htmx.init_app(app)

    from selko import admin, auth, cli, client, coach, family
    from selko.library import media, photos, voice
    from selko.web import pwa

    app.register_blueprint(client.bp)
    # The service worker reports a shown alarm; it has no page to carry a token.
    csrf.exempt(client.alarms.alarms_shown)
    app.register_blueprint(coach.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(family.bp)
    media.init_app(app)
    photos.init_app(app)
    voice.init_app(app)
    cli.init_app(app)

    @app.get("/healthz")
    @access.public
    def healthz():
        answers = db.database_answers()
        return jsonify(ok=answers, database=answers), 200 if answers else 503

    return app
