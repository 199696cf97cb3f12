"""Web Push behind one call: Sender.send_many(jobs).

pywebpush encrypts each message (RFC 8291); the sending path is ours, so it
can be fast: asyncio with connections kept open, and the VAPID header signed
once per push service and reused until it is about to expire.
"""
import asyncio
import base64
import gc
import json
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02, b64urlencode
from pywebpush import WebPusher

from selko.config import private_file

VAPID_LIFETIME = 12 * 3600  # seconds; push services accept at most 24 hours


def load_or_create_vapid(instance_path: Path, pem: str | None) -> Vapid02:
    """The VAPID key from configuration, or one made on first run and kept."""
    if pem:
        return Vapid02.from_pem(pem.encode())
    path = instance_path / "vapid_private.pem"
    if not path.exists():
        vapid = Vapid02()
        vapid.generate_keys()
        vapid.save_key(str(private_file(path)))
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
    problem: str = ""  # why the push could not even be made; trying again will not help


class Sender:
    """Sends many pushes at once on one event loop, keeping connections open
    between batches. The loop runs in a thread of its own, so a caller that
    has an event loop already (a test driving a browser) can use it too."""

    def __init__(self, vapid: Vapid02, subject: str, *, connections: int = 128, timeout: float = 10.0):
        self.vapid = vapid
        self.subject = subject
        self.connections = connections
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="selko-push", daemon=True)
        self._thread.start()
        self._http: aiohttp.ClientSession | None = None
        self._headers: dict[str, tuple[str, float]] = {}

    def authorization(self, endpoint: str) -> str:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        cached = self._headers.get(audience)
        if cached is None or cached[1] - now < 3600:
            expires = int(now) + VAPID_LIFETIME
            header = self.vapid.sign({"aud": audience, "sub": self.subject, "exp": expires})["Authorization"]
            cached = self._headers[audience] = (header, expires)
        return cached[0]

    def send_many(self, jobs: list[tuple[Subscription, dict, int, str]], deadline: float | None = None) -> list[Answer]:
        """Send (subscription, message, ttl, urgency) jobs; answers in the same order.
        A push not answered within `deadline` seconds is answered 0 (try again)."""
        # A burst of short-lived objects: the cycle collector only slows it down.
        gc.disable()
        try:
            return asyncio.run_coroutine_threadsafe(self._send_all(jobs, deadline), self._loop).result()
        finally:
            gc.enable()

    def close(self) -> None:
        if self._http is not None:
            asyncio.run_coroutine_threadsafe(self._http.close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    async def _send_all(self, jobs, deadline: float | None) -> list[Answer]:
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections, limit_per_host=self.connections),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            )
        gate = asyncio.Semaphore(self.connections)
        pushes = [asyncio.ensure_future(self._send_one(gate, *job)) for job in jobs]
        if not pushes:
            return []
        _done, late = await asyncio.wait(pushes, timeout=deadline)
        for push in late:
            push.cancel()
        return [Answer(0) if push in late else push.result() for push in pushes]

    async def _send_one(self, gate, subscription: Subscription, message: dict, ttl: int, urgency: str) -> Answer:
        async with gate:
            # Encrypt only when a connection is free, so the CPU work overlaps
            # with the other pushes' waiting.
            try:
                body = WebPusher(
                    {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
                ).encode(json.dumps(message).encode(), "aes128gcm")["body"]
            except Exception as error:  # noqa: BLE001 - one bad subscription must not stop the batch
                return Answer(0, problem=f"cannot encrypt: {error}")
            headers = {
                "Authorization": self.authorization(subscription.endpoint),
                "TTL": str(ttl),
                "Urgency": urgency,
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
            }
            try:
                async with self._http.post(subscription.endpoint, data=body, headers=headers) as response:
                    await response.read()
                    retry_after = response.headers.get("Retry-After", "")
                    return Answer(response.status, int(retry_after) if retry_after.isdigit() else None)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return Answer(0)
            except Exception as error:  # noqa: BLE001 - as above
                return Answer(0, problem=f"cannot send: {error}")


def subscription_from(data, hosts: tuple[str, ...], allow_local: bool) -> Subscription | None:
    """A browser's subscription (PushSubscription.toJSON()), checked whole:
    a row that cannot be encrypted to would fail in the worker instead."""
    data = data if isinstance(data, dict) else {}
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    endpoint, p256dh, auth = data.get("endpoint"), keys.get("p256dh"), keys.get("auth")
    if not all(isinstance(v, str) for v in (endpoint, p256dh, auth)):
        return None
    if not check_endpoint(endpoint, hosts, allow_local) or not keys_work(p256dh, auth):
        return None
    return Subscription(endpoint, p256dh, auth)


def keys_work(p256dh: str, auth: str) -> bool:
    """p256dh is an uncompressed point on P-256 and auth a 16-byte secret (RFC 8291)."""
    try:
        point, secret = _unbase64url(p256dh), _unbase64url(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return len(point) == 65 and point[0] == 4 and len(secret) == 16


def _unbase64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,200}={0,2}", text):
        raise ValueError("not base64url")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_endpoint(url: str, hosts: tuple[str, ...], allow_local: bool) -> bool:
    """Only the push services we know, by host name: the worker posts to this
    address, so a forged subscription must not point it at a server inside
    our own network or anywhere else. `hosts` are suffixes on a dot boundary:
    "push.apple.com" lets in "web.push.apple.com", not "evilpush.apple.com"."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        return False
    if allow_local and parts.scheme == "http" and host in ("127.0.0.1", "localhost"):
        return True
    if parts.scheme != "https" or port not in (None, 443) or len(url) > 1000:
        return False
    return any(host == suffix or host.endswith("." + suffix) for suffix in hosts)
