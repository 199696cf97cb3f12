"""gunicorn's settings for Selko (`selko serve` uses them; so can
`gunicorn -c python:selko.gunicorn_config "selko:create_app()"`).

Each setting can be changed by the environment variable beside it."""
import multiprocessing
import os

bind = os.environ.get("SELKO_BIND", "127.0.0.1:8000")


def web_workers() -> int:
    # Pages wait on the database, not the CPU: two workers per core, plus one.
    return int(os.environ.get("SELKO_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)


workers = web_workers()
# A photo upload over a slow phone network takes a while; a stuck request does not hold a worker for ever.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Each worker loads the app itself: a broken start shows at once, and no
# database connection is shared between forked processes.
preload_app = False
# Requests are logged by the reverse proxy; gunicorn's own errors go to stderr.
accesslog = None
errorlog = "-"
# X-Forwarded-* are read by Selko itself (SELKO_TRUSTED_PROXIES), not by gunicorn.
forwarded_allow_ips = "127.0.0.1,::1"
# gunicorn's runtime control socket would live in the home directory, which
# the systemd units make read-only; Selko is managed by signals instead.
control_socket_disable = True
