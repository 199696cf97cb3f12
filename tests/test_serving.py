"""Serving for real: gunicorn through `selko serve`, compressed answers, and
static files under addresses that change with their bytes, kept for a year."""

import gzip
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import brotli

from selko.library import media

A_YEAR = "public, max-age=31536000, immutable"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_selko_serve_runs_gunicorn_and_answers(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELKO_")}
    env.update(SELKO_INSTANCE_PATH=str(tmp_path), SELKO_ORIGIN="http://127.0.0.1")
    selko = [str(Path(sys.executable).with_name("selko"))]
    subprocess.run([*selko, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*selko, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    assert answer.status == 200 and answer.headers["Server"].startswith("gunicorn")
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("selko serve did not answer")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/welcome", headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.headers["Content-Encoding"] == "br"
            assert "Selko" in brotli.decompress(answer.read()).decode()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert "Booting worker" in output and output.count("Booting worker") == 2


def test_pages_come_compressed_with_brotli_or_gzip(web):
    plain = web.get("/welcome")
    br = web.get("/welcome", headers={"Accept-Encoding": "gzip, deflate, br"})
    gz = web.get("/welcome", headers={"Accept-Encoding": "gzip"})
    assert br.headers["Content-Encoding"] == "br" and gz.headers["Content-Encoding"] == "gzip"
    same = lambda page: re.sub(rb'(csrf[-_]token"? (?:content|value)=")[^"]+', rb"\1", page)  # noqa: E731 - a token per page
    assert same(brotli.decompress(br.data)) == same(plain.data) == same(gzip.decompress(gz.data))
    assert len(br.data) < len(plain.data) / 2
    assert "Accept-Encoding" in br.headers["Vary"]


def test_photos_and_recordings_are_sent_as_they_are_with_their_ranges(app, session, make, client_factory, sign_in):
    coach = make.coach()
    phone = sign_in(client_factory(), make.client(coach=coach))
    with app.test_request_context():
        data = b"0123456789" * 100
        row = media.store(session, coach.organisation_id, media.digest(coach.organisation_id, data) + ".webm", data, "audio/webm")
        session.commit()
    whole = phone.get(f"/media/{row.name}", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in whole.headers and whole.data == data
    part = phone.get(f"/media/{row.name}", headers={"Accept-Encoding": "br, gzip", "Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == b"0123456789" and "Content-Encoding" not in part.headers


def _addresses(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/(?:static|vendor)/[^"]+)"', page)


def test_static_files_and_htmx_have_content_addresses_kept_for_a_year(app, make, client_factory, sign_in):
    phone = sign_in(client_factory(), make.client())
    page = phone.get("/").get_data(as_text=True)
    addresses = _addresses(page)
    assert {a.split("?")[0] for a in addresses} >= {"/static/selko.css", "/static/selko.js", "/vendor/htmx.min.js"}
    for address in addresses:
        assert re.search(r"\?v=[0-9a-f]{12}$", address), address
        answer = phone.get(address)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == A_YEAR, address  # also for a signed-in client: not no-store
    # An address from before a deploy gets today's file, asked again next time.
    old = phone.get("/vendor/htmx.min.js?v=000000000000")
    assert old.status_code == 200 and old.headers.get("Cache-Control") != A_YEAR
    # The service worker keeps the same addresses.
    worker = phone.get("/sw.js").get_data(as_text=True)
    for address in addresses:
        if "selko.css" in address or "htmx" in address:
            assert f'"{address}"' in worker


def test_a_changed_file_gets_a_new_address(app, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "selko.css").write_text("body { color: black }")
    app.static_folder = str(static)
    with app.test_request_context():
        from flask import url_for

        before = url_for("static", filename="selko.css")
        (static / "selko.css").write_text("body { color: navy }")
        os.utime(static / "selko.css", ns=(time.time_ns(), time.time_ns() + 10_000_000))
        after = url_for("static", filename="selko.css")
        assert before != after and after.startswith("/static/selko.css?v=")
        assert "?v=" not in url_for("static", filename="not-there.css")
