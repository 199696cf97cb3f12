"""Web Push behind one call: Sender.send_many(jobs).

pywebpush encrypts each message (RFC 8291) in a process of its own; the
sending path is ours, so it can be fast: asyncio with connections kept open
to each push service, and the VAPID header signed once per push service and
reused until it is about to expire.
"""

import asyncio
import base64
import gc
import json
import multiprocessing
import os
import re
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
# Pushes encrypted in one call to the encryption process: enough that passing
# them there and back costs little, few enough that the first ones go at once.
ENCRYPT_CHUNK = 250


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


def encrypt(messages: list[tuple[str, str, dict]]) -> list[bytes | str]:
    """Each (p256dh, auth, message) encrypted for its phone with a key pair of
    its own (RFC 8291), or the reason it could not be. Runs in the encryption
    process: the new key pair and ECDH for every push are most of the work
    of sending one."""
    bodies = []
    for p256dh, auth, message in messages:
        try:
            pusher = WebPusher({"endpoint": "", "keys": {"p256dh": p256dh, "auth": auth}})
            bodies.append(pusher.encode(json.dumps(message).encode(), "aes128gcm")["body"])
        except Exception as error:  # noqa: BLE001 - one bad subscription must not stop the batch
            bodies.append(f"cannot encrypt: {error}")
    return bodies


def _serve_worker(worker: int) -> None:
    """The encryption process's start."""
    # systemd stops a service by signalling all its processes, and ^C reaches
    # the whole process group: the worker decides when to stop, and it first
    # finishes the batch on its way, which needs this process.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker killed outright (SIGKILL) cannot shut this process down, and
    # its pipes would keep it waiting forever: it goes when the worker has.
    threading.Thread(target=_go_with, args=(worker,), daemon=True).start()


def _go_with(worker: int) -> None:
    while True:
        time.sleep(2)
        try:
            os.kill(worker, 0)
        except OSError:  # gone (or its number already someone else's)
            os._exit(0)


def _encryption_process() -> ProcessPoolExecutor:
    """One process is enough: encrypting a push costs less than sending it.
    Started from a fork server that has imported this module once: neither
    forking a process with threads nor importing Selko in every new process."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(1, mp_context=context, initializer=_serve_worker, initargs=(os.getpid(),))


class Sender:
    """Sends many pushes at once on one event loop, keeping connections open
    between batches. The loop runs in a thread of its own, so a caller that
    has an event loop already (a test driving a browser) can use it too.
    Encryption runs in another process beside it, on another core; that
    process imports the main module again, so a script that makes a Sender
    keeps its work under `if __name__ == "__main__":`."""

    def __init__(self, vapid: Vapid02, subject: str, *, connections: int, timeout: float = 10.0):
        self.vapid = vapid
        self.subject = subject
        self.connections = connections
        self.timeout = timeout
        self._encryption = _encryption_process()
        self._encryption.submit(encrypt, []).result()  # started now, not when the first alarm is due
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
        self._encryption.shutdown(cancel_futures=True)

    def _encrypting(self, messages: list[tuple[str, str, dict]]) -> asyncio.Future:
        try:
            return self._loop.run_in_executor(self._encryption, encrypt, messages)
        except BrokenProcessPool:  # the process died (out of memory, killed): start another
            self._encryption.shutdown(wait=False)
            self._encryption = _encryption_process()
            return self._loop.run_in_executor(self._encryption, encrypt, messages)

    async def _send_all(self, jobs, deadline: float | None) -> list[Answer]:
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections, limit_per_host=self.connections),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            )
        if not jobs:
            return []
        # In chunks, so the first pushes go while the next ones are encrypted.
        chunks = [
            self._encrypting([(s.p256dh, s.auth, message) for s, message, _ttl, _urgency in jobs[i : i + ENCRYPT_CHUNK]])
            for i in range(0, len(jobs), ENCRYPT_CHUNK)
        ]
        gate = asyncio.Semaphore(self.connections)
        pushes = [asyncio.ensure_future(self._send_one(gate, chunks[i // ENCRYPT_CHUNK], i % ENCRYPT_CHUNK, *job)) for i, job in enumerate(jobs)]
        _done, late = await asyncio.wait(pushes, timeout=deadline)
        for push in late:
            push.cancel()
        for chunk in chunks:
            chunk.cancel()  # not yet begun: no use for it now
        return [Answer(0) if push in late else push.result() for push in pushes]

    async def _send_one(self, gate, chunk, index: int, subscription: Subscription, message: dict, ttl: int, urgency: str) -> Answer:
        try:
            body = (await chunk)[index]
        except BrokenProcessPool:  # the encryption process died: the next pass has a new one
            return Answer(0)
        if isinstance(body, str):
            return Answer(0, problem=body)
        async with gate:
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
