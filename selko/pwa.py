"""The installable app: manifest, service worker at the root scope, front-end packages."""
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, send_from_directory, url_for
from flask_babel import gettext as _

from selko import access
from selko.i18n import language

bp = Blueprint("pwa", __name__)
access.audience_of_blueprint(bp.name, access.PUBLIC)

STATIC = Path(__file__).parent / "static"
# Front-end packages come from npm (package-lock.json), never from the repository.
VENDOR = {"htmx.min.js": "htmx.org/dist/htmx.min.js"}


@bp.get("/manifest.webmanifest")
def manifest():
    icon = lambda size, purpose: {  # noqa: E731
        "src": url_for("static", filename=f"icons/icon-{size}{'-maskable' if purpose == 'maskable' else ''}.png"),
        "sizes": f"{size}x{size}",
        "type": "image/png",
        "purpose": purpose,
    }
    response = jsonify(
        name=_("Selko – my work day"),
        short_name="Selko",
        lang=language(),
        start_url="/",
        scope="/",
        display="standalone",
        theme_color="#12355b",
        background_color="#ffffff",
        icons=[icon(192, "any"), icon(512, "any"), icon(192, "maskable"), icon(512, "maskable")],
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    # Served from the root so the worker's scope covers the whole app.
    response = send_from_directory(STATIC, "sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/vendor/<name>")
def vendor(name: str):
    if name not in VENDOR:
        abort(404)
    node_modules = Path(current_app.config["NODE_MODULES"])
    return send_from_directory(node_modules, VENDOR[name], max_age=3600)
