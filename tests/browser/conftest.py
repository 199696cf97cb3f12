"""Real-browser fixtures: one Debian Chromium per test session, a fresh context
per test, and the test `app` served on a free port with a request log.

The recipes (flags, localhost, no time.sleep) are the verified ones in
TESTING.md. The data goes through the same migrated database and frozen clock
as the rest of the suite (`app`, `make`, `now`, `session` in tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from selko.models import Role
from tests.conftest import passkey_session_cookie

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every name but localhost fails inside the browser: no traffic leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    # A microphone that plays a test tone, allowed without asking (the coach's voice).
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
VIEWPORT = {"width": 360, "height": 740}
# Long enough for a slow CI machine, short enough that a hang fails soon.
TIMEOUT_MS = 10_000


def _unavailable(reason: str):
    """In CI a missing browser is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[test]'")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - say why the browser did not start
        playwright.stop()
        _unavailable(f"{CHROMIUM} did not start: {error}")
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Request:
    method: str
    path: str
    htmx: bool
    mode: str  # Sec-Fetch-Mode: "navigate" for a page load


@dataclass
class LiveServer:
    url: str
    requests: list[Request] = field(default_factory=list)

    def mark(self) -> int:
        """A point in the request log; pass it to since()."""
        return len(self.requests)

    def since(self, mark: int) -> list[Request]:
        return self.requests[mark:]

    def paths_since(self, mark: int, method: str | None = None) -> list[str]:
        return [r.path for r in self.since(mark) if method is None or r.method == method]


class QuietHandler(WSGIRequestHandler):
    """The request log above is the one that matters; keep stderr readable."""

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture
def live_server(app, now):
    """The test app on http://localhost:PORT. Depends on `now`, so the server
    thread sees the same frozen Monday as the test."""
    requests: list[Request] = []

    def logged(environ, start_response):
        requests.append(
            Request(
                method=environ["REQUEST_METHOD"],
                path=environ.get("PATH_INFO", ""),
                htmx=environ.get("HTTP_HX_REQUEST") == "true",
                mode=environ.get("HTTP_SEC_FETCH_MODE", ""),
            )
        )
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, logged, threaded=True, request_handler=QuietHandler)
    live = LiveServer(url=f"http://localhost:{server.server_port}", requests=requests)
    # Sign-in links and passkeys use the configured origin, never the request's.
    app.config["ORIGIN"] = live.url
    thread = threading.Thread(target=server.serve_forever, name="selko-live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def _note_refusal(response):
    """Print what the server said when it refused: shown with a failing test."""
    if response.status >= 400:
        try:
            body = response.text()
        except Exception:  # noqa: BLE001 - the page may be gone already
            body = ""
        title = re.search(r"<title>(.*?)</title>", body, re.S)
        said = title.group(1).strip() if title else body[:200]
        print(f"browser got {response.status} for {response.request.method} {response.url}: {said}")


class PageProblems(list):
    """Script errors and console errors of every page a test opened."""

    allowed: tuple[str, ...] = ()

    def watch(self, page):
        page.on("pageerror", lambda error: self.append(f"{page.url}: script error: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message):
        # A header Chromium does not understand warns on every page: a bug of ours.
        if message.type == "warning" and "Permissions-Policy" in message.text:
            self.append(f"{page.url}: console warning: {message.text}")
            return
        if message.type != "error":
            return
        # A page that answers 4xx on purpose (an error page, a refused form)
        # makes Chromium log its own status; the tests check statuses themselves.
        # A script, style or fetch that fails is still caught: its address differs.
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        self.append(f"{page.url}: console error: {message.text} ({message.location.get('url')})")

    def unexpected(self) -> list[str]:
        return [p for p in self if not any(allowed in p for allowed in self.allowed)]


@pytest.fixture
def page_problems():
    """A test that expects a console error (and only that one) names it:
    page_problems.allowed = ("…",)."""
    return PageProblems()


@pytest.fixture
def new_context(browser, live_server, page_problems):
    """Make a fresh browser context (a phone or a laptop of its own); all are
    closed before the server stops. A script error or console error on any
    page fails the test."""
    contexts = []

    def new_context(**options):
        options.setdefault("viewport", VIEWPORT)
        # The service worker is tested where it matters (test_offline.py). Elsewhere
        # it is off: its install fetches, sent with the cookie from before signing
        # in, answer with that stale session cookie and can wipe the CSRF token the
        # first page after signing in just stored (a real bug, in the report).
        options.setdefault("service_workers", "block")
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("response", _note_refusal)
        context.on("page", page_problems.watch)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()
    if page_problems.unexpected():
        pytest.fail("errors in the browser:\n" + "\n".join(page_problems.unexpected()), pytrace=False)


@pytest.fixture
def open_link(app, make, session, live_server):
    """Sign a browser context in as a user. A client's phone opens a one-time
    link, as a phone does: the sign-in page submits itself (selko.js), or, with
    JavaScript off, the person presses its one button; then says "Not now" to
    locking Selko. A coach or admin gets the cookie a passkey sign-in gives
    (a link only lets a coach with a passkey make a new one); the real
    passkey ceremonies are in test_passkeys.py and test_work_day.py."""

    def open_link(context, user, path=None):
        page = context.new_page()
        if user.role != Role.client:
            context.add_cookies(
                [
                    {
                        "name": app.config["SESSION_COOKIE_NAME"],
                        "url": live_server.url,
                        "value": passkey_session_cookie(app, session, user),
                        "httpOnly": True,
                        "sameSite": "Lax",
                    }
                ]
            )
            page.goto("/coach/")
        else:
            page.goto(f"/signin/{make.link(user)}")
            if context_has_javascript(context):
                page.wait_for_url(lambda url: "/signin/" not in url)
            else:
                with page.expect_navigation():
                    page.locator("form[action^='/signin/'] button[type=submit]").click()
            if page.url.endswith("/passkeys/new"):
                with page.expect_navigation():
                    page.locator("main a[href='/']").click()
        assert re.search(r"/(coach/)?$", page.url), f"signed in, {user.name} should be home, not at {page.url}"
        if path is not None:
            page.goto(path)
        return page

    return open_link


def context_has_javascript(context) -> bool:
    return getattr(context, "_selko_javascript", True)


@pytest.fixture
def no_js_context(new_context):
    context = new_context(java_script_enabled=False)
    context._selko_javascript = False
    return context


def add_virtual_authenticator(page):
    """A platform authenticator that says yes at once (TESTING.md's recipe).
    Returns the DevTools session and the authenticator's id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]
