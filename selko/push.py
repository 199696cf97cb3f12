"""Web Push behind one call: send(subscription, message).

pywebpush encrypts each message (RFC 8291); the sending path is ours, so it
can be fast: one HTTP session with open connections shared by all threads,
and the VAPID header signed once per push service and reused until it is
about to expire.
"""
import ipaddress
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import urllib3
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02, b64urlencode
from pywebpush import WebPusher

VAPID_LIFETIME = 12 * 3600  # seconds; push services accept at most 24 hours


def load_or_create_vapid(instance_path: Path, pem: str | None) -> Vapid02:
    """The VAPID key from configuration, or one made on first run and kept."""
    if pem:
        return Vapid02.from_pem(pem.encode())
    path = instance_path / "vapid_private.pem"
    if not path.exists():
        vapid = Vapid02()
        vapid.generate_keys()
        vapid.save_key(str(path))
        path.chmod(0o600)
    return Vapid02.from_file(str(path))


def public_key(vapid: Vapid02) -> str:
    """The applicationServerKey the page subscribes with."""
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64urlencode(raw)


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Answer:
    status: int  # HTTP status, or 0 when the push service could not be reached
    retry_after: int | None = None


class Sender:
    def __init__(self, vapid: Vapid02, subject: str, *, connections: int = 64, timeout: float = 10.0):
        self.vapid = vapid
        self.subject = subject
        self.timeout = timeout
        # urllib3 directly: requests' per-call overhead was the bottleneck here.
        self.http = urllib3.PoolManager(num_pools=16, maxsize=connections, block=False, retries=False)
        self._headers: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def authorization(self, endpoint: str) -> str:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        with self._lock:
            cached = self._headers.get(audience)
            if cached is None or cached[1] - now < 3600:
                expires = int(now) + VAPID_LIFETIME
                header = self.vapid.sign({"aud": audience, "sub": self.subject, "exp": expires})["Authorization"]
                cached = self._headers[audience] = (header, expires)
        return cached[0]

    def send(self, subscription: Subscription, message: dict, *, ttl: int, urgency: str = "normal") -> Answer:
        body = WebPusher(
            {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
        ).encode(json.dumps(message).encode(), "aes128gcm")["body"]
        headers = {
            "Authorization": self.authorization(subscription.endpoint),
            "TTL": str(ttl),
            "Urgency": urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
        }
        try:
            response = self.http.request(
                "POST", subscription.endpoint, body=body, headers=headers, timeout=self.timeout, preload_content=True
            )
        except urllib3.exceptions.HTTPError:
            return Answer(0)
        retry_after = response.headers.get("Retry-After", "")
        return Answer(response.status, int(retry_after) if retry_after.isdigit() else None)


def check_endpoint(url: str, allow_local: bool) -> bool:
    """Only real push services: the worker posts to this address, so a forged
    subscription must not point it at a server inside our own network."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if allow_local and parts.scheme == "http" and host in ("127.0.0.1", "localhost"):
        return True
    if parts.scheme != "https" or not host or len(url) > 1000:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host != "localhost" and "." in host
    return address.is_global


def init_app(app) -> None:
    app.extensions["selko.vapid"] = load_or_create_vapid(Path(app.instance_path), app.config["VAPID_PRIVATE_KEY"])
    app.jinja_env.globals["vapid_public_key"] = public_key(app.extensions["selko.vapid"])
    from selko.worker import worker_command

    app.cli.add_command(worker_command)
