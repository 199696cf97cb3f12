"""A push service on 127.0.0.1 for tests and the benchmark.

It checks the VAPID header as a real push service does, decrypts every
message with the subscription's keys (RFC 8291), and answers as told:
201 by default, or 404/410/429/5xx for chosen subscriptions. A test can
hold every answer (`answering.clear()`) to catch senders mid-batch.
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    subscription: str
    message: dict
    ttl: int
    urgency: str


@dataclass
class FakePushService:
    delay: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)
    answers: dict[str, tuple[int, dict]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = field(default_factory=dict)
    decrypt: bool = True
    answering: threading.Event = field(default_factory=threading.Event)
    answered: list[str] = field(default_factory=list)  # subscriptions, as each answer went out
    _verified: dict[str, int] = field(default_factory=dict)

    def start(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real push services

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                name = self.path.strip("/")
                status, headers = service.receive(name, body, self.headers)
                if service.delay:
                    time.sleep(service.delay)
                service.answering.wait()
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    service.answered.append(name)
                except OSError:  # the sender was killed while its push waited here
                    self.close_connection = True

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024  # many senders connect at once

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.answering.set()
        self.thread.start()
        return self

    def stop(self):
        self.answering.set()
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self, name: str | None = None) -> dict:
        """A browser's subscription: a key pair and auth secret held here."""
        name = name or b64(os.urandom(9))
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.keys[name] = (private, auth)
        public = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.url}/{name}", "keys": {"p256dh": b64(public), "auth": b64(auth)}}

    def answer(self, name: str, status: int, **headers):
        self.answers[name] = (status, headers)

    def _vapid_ok(self, header: str) -> bool:
        # A sender reuses its signed header; check each distinct one once
        # (its expiry still every time), as a busy push service would.
        cached = self._verified.get(header)
        if cached is not None:
            return cached > time.time()
        try:
            scheme, params = header.split(" ", 1)
            fields = dict(part.split("=", 1) for part in params.split(","))
            token, key = fields["t"], fields["k"]
            head, claims, signature = token.split(".")
            raw = unb64(signature)
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
            der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
            public.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
            claims = json.loads(unb64(claims))
        except (ValueError, KeyError, InvalidSignature):
            return False
        ok = scheme == "vapid" and claims["aud"] == self.url and claims["exp"] > time.time() and "sub" in claims
        if ok:
            self._verified[header] = claims["exp"]
        return ok

    def receive(self, name: str, body: bytes, headers) -> tuple[int, dict]:
        if not self._vapid_ok(headers.get("Authorization", "")):
            self.problems.append(f"bad VAPID header for {name}")
            return 401, {}
        if name in self.answers:
            return self.answers[name]
        message = {}
        if self.decrypt:
            if name not in self.keys:
                return 404, {}
            private, auth = self.keys[name]
            try:
                message = json.loads(http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm"))
            except Exception as error:  # noqa: BLE001 - any failure is a wrong message
                self.problems.append(f"cannot decrypt for {name}: {error}")
                return 400, {}
        self.deliveries.append(Delivery(name, message, int(headers.get("TTL", -1)), headers.get("Urgency", "")))
        return 201, {}
