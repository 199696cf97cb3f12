"""gunicorn's settings for Selko (`selko serve` uses them; so can
`gunicorn -c python:selko.ops.gunicorn_config "selko:create_app()"`).

Each setting can be changed by the environment variable beside it."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from selko.config import web_workers

# Each web process counts its requests in files here, and /metrics adds them
# up (prometheus_client's multiprocess mode). prometheus_client reads this
# when first imported, so it is set before anything imports it.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="selko-metrics-")
if "prometheus_client" in sys.modules and _own_metrics_dir:
    raise RuntimeError("prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was set: see selko/ops/metrics.py")

bind = os.environ.get("SELKO_BIND", "127.0.0.1:8000")
workers = web_workers()
# A photo upload over a slow phone network takes a while; a stuck request does not hold a worker for ever.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Each worker loads the app itself: a broken start shows at once, and no
# database connection is shared between forked processes.
preload_app = False
# Selko logs each request itself (selko/ops/logs.py), without addresses or
# tokens; gunicorn's own lines go to stderr in Selko's format.
accesslog = None
errorlog = "-"
logger_class = "selko.ops.logs.GunicornLogger"
# X-Forwarded-* are read by Selko itself (SELKO_TRUSTED_PROXIES), not by gunicorn.
forwarded_allow_ips = "127.0.0.1,::1"
# gunicorn's runtime control socket would live in the home directory, which
# the systemd units make read-only; Selko is managed by signals instead.
control_socket_disable = True


def on_starting(server):
    # Counts of an earlier run are not this run's.
    for path in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        path.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
