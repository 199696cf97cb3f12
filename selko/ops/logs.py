"""Logs: one line an event on stderr, JSON by default, with the request's id.

Configured here, in one place, for the web app, `selko worker` and gunicorn's
own log. Every line logged while a request is answered carries its request
id, which the answer also sends back as `X-Request-Id`; the proxy's id is kept
when it is a sane one. Each request ends with one access line: method, route
rule, status and duration. No personal data: the route rule, never the path
(sign-in and family links carry their token in the path), no query string,
no address, no user agent, no names.
"""

import logging
import re
import secrets
import sys
import time

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter

from selko import config

REQUEST_ID_HEADER = "X-Request-Id"
# A proxy's id is kept when it is short and plain (nginx's $request_id, a
# UUID); anything else could break a line or carry something it should not.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Requests routing cannot match have no rule; their path is not logged.
NO_ROUTE = "unmatched"

log = logging.getLogger("selko.requests")


class _RequestId(logging.Filter):
    """Puts the request id on every line logged while a request is answered."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return True


class _NoDevelopmentServerLines(logging.Filter):
    """Flask's development server logs each request with the client's
    address and the whole path and query, sign-in tokens included. Selko's
    own access line says what is needed, so those lines are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and " - - [" in record.msg)


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "text":
        return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s", defaults={"request_id": "-"})
    return JsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",  # ISO 8601 in UTC
        json_ensure_ascii=False,
    )


_handler: logging.Handler | None = None


def configure(log_format: str, stream=None) -> logging.Handler:
    """One handler on the root logger, made anew each time (tests call this again)."""
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    _handler = logging.StreamHandler(stream or sys.stderr)
    _handler.setFormatter(formatter(log_format))
    _handler.addFilter(_RequestId())
    root.addHandler(_handler)
    root.setLevel(logging.INFO)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, _NoDevelopmentServerLines) for f in werkzeug.filters):
        werkzeug.addFilter(_NoDevelopmentServerLines())
    return _handler


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def request_id() -> str:
    """The proxy's id for this request when it is a sane one, or a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
    return g.request_id


def elapsed() -> float:
    """Seconds since the request came in."""
    return time.perf_counter() - g.get("request_started", time.perf_counter())


def route() -> str:
    """The request's route rule, e.g. /signin/<token>: never the path itself."""
    return request.url_rule.rule if request.url_rule is not None else NO_ROUTE


def _access_line(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    duration_ms = round(elapsed() * 1000, 1)
    log.info(
        "%s %s %s %.1f ms",
        request.method,
        route(),
        response.status_code,
        duration_ms,
        extra={"method": request.method, "route": route(), "status": response.status_code, "duration_ms": duration_ms},
    )
    return response


def init_app(app: Flask) -> None:
    # The app's lines go to the root logger's one handler, not Flask's own.
    app.logger.removeHandler(default_handler)

    def log_exception(exc_info) -> None:
        # Flask's own line names the path, which may be a sign-in link's.
        app.logger.error("exception on %s %s", request.method, route(), exc_info=exc_info)

    app.log_exception = log_exception
    if not app.testing:
        configure(app.config["LOG_FORMAT"])
    app.before_request(_start)
    app.after_request(_access_line)


class GunicornLogger(glogging.Logger):
    """gunicorn's own lines (workers booting, a worker's timeout) in Selko's format."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter(config.log_format()))
