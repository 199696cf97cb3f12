"""Static files and front-end packages under addresses that change with their
bytes (`?v=<digest>`), so a browser keeps them for a year and a repeat visit
downloads none of them; a new deploy's file gets a new address."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, request

A_YEAR = 365 * 24 * 3600
VERSIONED = {"static", "pwa.vendor"}


@cache
def _digest(path: Path, modified: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def digest(path: Path) -> str | None:
    """The file's content digest; None for a file that is not there."""
    try:
        return _digest(path, path.stat().st_mtime_ns)
    except OSError:
        return None


def file_of(endpoint: str, values: dict) -> Path | None:
    if endpoint == "static" and "filename" in values:
        return Path(current_app.static_folder, values["filename"])
    if endpoint == "pwa.vendor" and "name" in values:
        from selko.web.pwa import VENDOR

        if values["name"] in VENDOR:
            return Path(current_app.config["NODE_MODULES"], VENDOR[values["name"]])
    return None


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint in VERSIONED and "v" not in values:
        path = file_of(endpoint, values)
        found = digest(path) if path else None
        if found:
            values["v"] = found


def _cache_for_a_year(response):
    """Only the current bytes' address is kept for a year: a page from before a
    deploy asks with an old digest and gets today's file, revalidated."""
    if request.endpoint in VERSIONED and response.status_code in (200, 206, 304) and request.args.get("v"):
        path = file_of(request.endpoint, request.view_args or {})
        if path and request.args["v"] == digest(path):
            response.headers["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_for_a_year)
