"""Security headers on every answer, and rate limits on signing in.

Links carry one-time tokens and pages carry client data: no referrer leaves
Selko, no page can be framed, and only Selko's own scripts and styles run.
"""

from urllib.parse import urlsplit

from flask import Flask, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

# When the shared store (Redis) does not answer, each process counts in its
# own memory until it does: signing in goes on, limited per process.
limiter = Limiter(get_remote_address, default_limits=[], headers_enabled=True, in_memory_fallback_enabled=True)

# Sign-in links and passkey ceremonies: enough for a person, too few to guess.
SIGN_IN_LIMIT = "10 per minute"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # The coach listens to a new recording before saving it (a blob: address).
        "media-src 'self' blob:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Public pages that carry a secret in their address or a client's schedule.
NEVER_STORED = {"family.week", "family.feed", "auth.sign_in_link", "auth.sign_in"}
# Files whose addresses change with their content (assets.py; a picture's
# names OpenMoji's version); they say themselves how long to keep them.
OWN_CACHING = {"static", "pwa.vendor", "media.file", "pwa.picture"}
# Only features browsers know: an unknown one ("bluetooth") is a console warning on every page.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"
# The coach records a step's voice on the task's page (and on it again after a refused recording).
MICROPHONE_PAGES = {"coach.task_edit", "coach.step_voice", "coach.step_voice_remove"}
PERMISSIONS_POLICY_MICROPHONE = PERMISSIONS_POLICY.replace("microphone=()", "microphone=(self)")


def _headers(response):
    headers = response.headers
    # A picture sets its own, stricter policy (pwa.picture).
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY_MICROPHONE if request.endpoint in MICROPHONE_PAGES else PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint not in OWN_CACHING and (g.get("user") is not None or request.endpoint in NEVER_STORED):
        # Client data and one-time links stay out of shared caches and the browser's disk cache.
        headers["Cache-Control"] = "no-store"
    return response


LOOPBACK = ["localhost", "127.0.0.1"]


def trusted_hosts(origin: str, extra: tuple[str, ...]) -> list[str]:
    """Host names Selko answers to: SELKO_ORIGIN's (and any in SELKO_TRUSTED_HOSTS).
    A forged Host header could otherwise put another address into what Selko
    builds from the request. On a loopback origin every loopback name is the
    same machine."""
    host = urlsplit(origin).hostname or ""
    return [*(LOOPBACK if host in LOOPBACK else [host]), *extra]


def init_app(app: Flask) -> None:
    if app.config["TRUSTED_HOSTS"] is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["ORIGIN"], app.config["EXTRA_TRUSTED_HOSTS"])
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=app.config["TRUSTED_PROXIES"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATE_LIMIT_STORAGE"])
    # The last minute, not the clock's: a fixed window lets twice the limit
    # through across a minute's turn.
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    limiter.init_app(app)
    app.after_request(_headers)
