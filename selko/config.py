"""Configuration from the environment.

Every setting has one place where it is read, and a bad value stops the app
at start-up with a message that says which variable is wrong.
"""

import multiprocessing
import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _positive(name: str) -> int | None:
    """A whole number above 0, or None when not set."""
    value = _int(name, 0)
    if value < 0 or (value == 0 and os.environ.get(name)):
        raise ConfigError(f"{name} must be a whole number above 0, not {os.environ[name]!r}")
    return value or None


def _switch(name: str, default: bool) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "on", "yes", "true"):
        return True
    if raw in ("0", "off", "no", "false"):
        return False
    raise ConfigError(f"{name} must be on or off, not {raw!r}")


def _names(name: str, default: str) -> tuple[str, ...]:
    """A comma-separated list, e.g. host names."""
    raw = os.environ.get(name) or default
    return tuple(part.strip().lower() for part in raw.split(",") if part.strip())


# The push services of Chrome, Firefox, Edge and Safari.
PUSH_HOSTS = "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com"


LOG_FORMATS = ("json", "text")


def log_format() -> str:
    """How log lines look: one JSON object a line (the default), or text for
    a person reading a terminal. Read here and by gunicorn's own logger."""
    raw = (os.environ.get("SELKO_LOG_FORMAT") or "json").strip().lower()
    if raw not in LOG_FORMATS:
        raise ConfigError(f"SELKO_LOG_FORMAT must be json or text, not {raw!r}")
    return raw


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SELKO_SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SELKO_SECRET_KEY must be set when SELKO_ENV=production")
    # Demo and development: a key kept in instance/ so sessions survive restarts.
    path = instance_path / "secret_key"
    if not path.exists():
        private_file(path).write_text(secrets.token_hex(32))
    return path.read_text().strip()


def private_file(path: Path) -> Path:
    """Create the file readable by its owner only, before anything is written to it."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)
    return path


def web_workers() -> int:
    """`selko serve`'s web processes (gunicorn_config.py); `selko doctor` reads it too.
    Pages wait on the database, not the CPU: two per core, plus one."""
    return _int("SELKO_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1)


def from_environment(instance_path: Path) -> dict:
    # The database, the secret key and the push key live here: only Selko's user reads them.
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    production = os.environ.get("SELKO_ENV", "development") == "production"
    default_db = f"sqlite:///{instance_path / 'selko.sqlite3'}"
    origin = os.environ.get("SELKO_ORIGIN", "").rstrip("/")
    if not origin and production:
        raise ConfigError("SELKO_ORIGIN must be set when SELKO_ENV=production, e.g. https://selko.example.fi")
    return {
        "SECRET_KEY": _secret_key(instance_path, production),
        "DATABASE_URL": os.environ.get("SELKO_DATABASE_URL", default_db),
        # The address people reach Selko at: sign-in links, QR codes and passkeys use it.
        "ORIGIN": origin or "http://localhost:5000",
        "SIGN_IN_LINK_MINUTES": _int("SELKO_SIGN_IN_LINK_MINUTES", 15),
        "DEVICE_SESSION_DAYS": _int("SELKO_DEVICE_SESSION_DAYS", 90),
        "SESSION_COOKIE_SECURE": origin.startswith("https://"),
        # Rate-limit counters: in memory for one process, or e.g. redis://… shared.
        "RATE_LIMIT_STORAGE": os.environ.get("SELKO_RATE_LIMIT_STORAGE", "memory://"),
        # Web Push: the VAPID private key (PEM); made into instance/ when not given.
        "VAPID_PRIVATE_KEY": os.environ.get("SELKO_VAPID_PRIVATE_KEY") or None,
        "PUSH_SUBJECT": os.environ.get("SELKO_PUSH_SUBJECT", "mailto:selko@localhost"),
        "PUSH_CONNECTIONS": _int("SELKO_PUSH_CONNECTIONS", 256),
        # The alarm worker: alarms claimed at once, and seconds to send them
        # (None: the worker's own BATCH and SEND_DEADLINE).
        "ALARM_BATCH": _positive("SELKO_ALARM_BATCH"),
        "ALARM_SEND_SECONDS": _positive("SELKO_ALARM_SEND_SECONDS"),
        # Subscriptions are accepted only at these push services (host suffixes).
        "PUSH_HOSTS": _names("SELKO_PUSH_HOSTS", PUSH_HOSTS),
        # Tests run a fake push service on 127.0.0.1; real ones are https on the internet.
        "PUSH_ALLOW_LOCAL": False,
        # Host names besides SELKO_ORIGIN's that Selko answers to, comma-separated.
        "EXTRA_TRUSTED_HOSTS": _names("SELKO_TRUSTED_HOSTS", ""),
        # How many reverse proxies in front of Selko set X-Forwarded-For/-Proto.
        "TRUSTED_PROXIES": _int("SELKO_TRUSTED_PROXIES", 0),
        # Selko compresses its answers (brotli, gzip); off when the proxy in front does.
        "COMPRESS_REGISTER": _switch("SELKO_COMPRESS", True),
        # Photos and recordings: under instance/media/, or in this S3-compatible bucket.
        "MEDIA_S3_BUCKET": os.environ.get("SELKO_MEDIA_S3_BUCKET", ""),
        "MEDIA_S3_ENDPOINT": os.environ.get("SELKO_MEDIA_S3_ENDPOINT", ""),
        "MEDIA_S3_PREFIX": os.environ.get("SELKO_MEDIA_S3_PREFIX", ""),
        "LOG_FORMAT": log_format(),
        # The scraper's bearer token for /metrics; without one /metrics is not found.
        "METRICS_TOKEN": os.environ.get("SELKO_METRICS_TOKEN", "").strip(),
    }
