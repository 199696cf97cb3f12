"""The installable app: manifest, service worker at the root scope, front-end packages."""

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selko import access
from selko.day import client_action
from selko.i18n import language
from selko.library import pictures
from selko.web.pages import page

bp = Blueprint("pwa", __name__)
access.audience_of_blueprint(bp.name, access.PUBLIC)

PACKAGE = Path(__file__).parent.parent
STATIC = PACKAGE / "static"
# Front-end packages come from npm (package-lock.json), never from the repository.
VENDOR = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    # Workbox's classic builds: its ES modules do not load in a service worker.
    "workbox-core.prod.js": "workbox-core/build/workbox-core.prod.js",
    "workbox-background-sync.prod.js": "workbox-background-sync/build/workbox-background-sync.prod.js",
    # A kept recording answers an <audio>'s Range request offline with 206.
    "workbox-range-requests.prod.js": "workbox-range-requests/build/workbox-range-requests.prod.js",
}


@cache
def version() -> str:
    """This deploy's version: a digest of the code, pages and translations.
    A page older than the server reloads itself; the worker updates."""
    digest = hashlib.sha256()
    package = PACKAGE
    for path in sorted(
        [*package.rglob("*.py"), *package.rglob("*.html"), *STATIC.rglob("*.js"), *STATIC.rglob("*.css"), *(package.parent / "locales").rglob("*.po")]
    ):
        digest.update(path.relative_to(package.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.after_app_request
def _version_header(response):
    response.headers["Selko-Version"] = version()
    return response


@bp.app_context_processor
def _version_in_pages():
    return {"selko_version": version()}


def _path_pattern(rule: str) -> str:
    """A URL rule as a JavaScript regular expression: /tasks/<id:a>/steps/<id:s> → ^/tasks/[^/]+/steps/[^/]+$"""
    return "^" + re.sub(r"<[^>]+>", "[^/]+", re.escape(rule)) + "$"


@bp.get("/manifest.webmanifest")
def manifest():
    icon = lambda size, purpose: {  # noqa: E731
        "src": url_for("static", filename=f"icons/icon-{size}{'-maskable' if purpose == 'maskable' else ''}.png"),
        "sizes": f"{size}x{size}",
        "type": "image/png",
        "purpose": purpose,
    }
    response = jsonify(
        name=_("Selko – your work day"),
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
    # Served from the root so the worker's scope covers the whole app. The
    # first line tells it this version and the addresses of client actions;
    # a new version changes the bytes, so the browser installs the new worker.
    actions = [
        {"kind": client_action.ENDPOINTS[rule.endpoint], "path": _path_pattern(rule.rule)}
        for rule in current_app.url_map.iter_rules()
        if rule.endpoint in client_action.ENDPOINTS
    ]
    config = {
        "version": version(),
        "actions": actions,
        "signedOut": url_for("auth.welcome"),
        "pictures": f"/pictures/{pictures.catalogue().version}/",
        # By their content's addresses (assets.py), as the pages name them.
        "shell": [
            url_for("static", filename="selko.css"),
            url_for("static", filename="selko.js"),
            url_for("pwa.vendor", name="htmx.min.js"),
            url_for("static", filename="icons/icon-192.png"),
        ],
        "imports": [url_for("pwa.vendor", name=name) for name in VENDOR if name.startswith("workbox-")],
    }
    body = f"self.SELKO = {json.dumps(config)};\n" + (STATIC / "sw.js").read_text()
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/vendor/<name>")
def vendor(name: str):
    if name not in VENDOR:
        abort(404)
    node_modules = Path(current_app.config["NODE_MODULES"])
    return send_from_directory(node_modules, VENDOR[name], max_age=3600)


# An SVG opened on its own is a document: it may run nothing, load nothing
# and be framed by nobody. (OpenMoji's SVGs are plain shapes: no style, no links.)
PICTURE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


@bp.get("/pictures/<version>/<hexcode>.svg")
def picture(version: str, hexcode: str):
    """An offered OpenMoji picture. Its address names OpenMoji's version, so
    browsers keep it for a year and never ask again."""
    path = pictures.file_for(version, hexcode)
    if path is None:
        abort(404)
    response = send_from_directory(Path(current_app.config["NODE_MODULES"]), path, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = PICTURE_POLICY
    return response


# The front-end packages, credited on /about: npm name, name, what it does for the client.
CREDITS = [
    ("openmoji", "OpenMoji", _l("The pictures")),
    ("emojibase-data", "Emojibase", _l("The names of the pictures")),
    ("htmx.org", "htmx", _l("Quick pages")),
    ("workbox-core", "Workbox", _l("Works without a network")),
    ("workbox-background-sync", "Workbox", _l("Works without a network")),
    ("idb", "IndexedDB Promised", _l("Works without a network")),
]
LICENCE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md")


def _package(npm_name: str) -> dict:
    folder = Path(current_app.config["NODE_MODULES"]) / npm_name
    meta = json.loads((folder / "package.json").read_text())
    return {"version": meta["version"], "licence": meta.get("license", ""), "has_text": any((folder / name).is_file() for name in LICENCE_FILES)}


@bp.get("/about")
def about():
    """Who made the pictures and the other parts, and their licences: for everyone."""
    packages = [{"npm": npm, "name": name, "does": does, **_package(npm)} for npm, name, does in CREDITS]
    return page("about.html", packages=packages)


@bp.get("/about/licences/<package>.txt")
def licence(package: str):
    """A credited package's licence as it came with the package."""
    if package not in {npm for npm, _name, _does in CREDITS}:
        abort(404)
    folder = Path(current_app.config["NODE_MODULES"]) / package
    name = next((n for n in LICENCE_FILES if (folder / n).is_file()), None)
    if name is None:
        abort(404)
    return send_from_directory(folder, name, mimetype="text/plain", max_age=3600)
