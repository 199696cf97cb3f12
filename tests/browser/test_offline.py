"""Scenario 6: a phone in a basement with no signal still shows Today.

The service worker keeps the last Today page. The tests reload with the
network off and check both the page (Today's text and the offline notice)
and the server's own request log: a network-first worker that silently
reached the server would pass a text-only check.
"""

try:
    from playwright.sync_api import Error as BrowserError
except ImportError:  # the browser fixture skips, or fails in CI, with the reason
    BrowserError = Exception

WORKER_CONTROLS = "() => navigator.serviceWorker.controller !== null"  # a function: the CSP forbids eval
TODAY_SAVED = "() => caches.match('/', {cacheName: 'selko-pages-v1'}).then((saved) => saved !== undefined)"


class OfflineReloadFailed(AssertionError):
    """The reload with no network showed the browser's error page, not Today."""


def go_offline_and_reload(page, live_server):
    heading = page.locator("#today-heading").inner_text()
    assert "maanantai 23.11." in heading
    assert page.locator("[data-offline-notice]").is_hidden()
    page.wait_for_function(WORKER_CONTROLS)
    page.wait_for_function(TODAY_SAVED)
    page.context.set_offline(True)
    mark = live_server.mark()
    try:
        page.reload()
    except BrowserError as error:
        raise OfflineReloadFailed(f"offline reload of Today failed: {error.message.splitlines()[0]}") from None

    assert page.locator("#today-heading").inner_text() == heading
    assert page.locator("#check-in form[action='/arrive']").is_visible()
    notice = page.locator("[data-offline-notice]")
    notice.wait_for(state="visible")
    assert "9.30" in notice.inner_text(), "the notice says when the page was saved"
    # The reload itself never reached Selko. The worker's own save of Today
    # (fetch("/"), mode "cors") may still be on its way from before going offline.
    reloads = [r for r in live_server.since(mark) if r.path == "/" and r.mode == "navigate"]
    assert not reloads, live_server.since(mark)


def test_today_is_shown_from_the_service_worker_when_offline(make, live_server, new_context, page_problems):
    # Offline on purpose: the page's own reports cannot reach Selko. And the
    # known race (test_alarms.py): the worker installed on the sign-in page
    # can refuse the first permission report with the old cookie.
    page_problems.allowed = ("net::ERR_INTERNET_DISCONNECTED", f"{live_server.url}/alarms/permission)")
    client = make.client(name="Aino", language="fi")
    context = new_context(service_workers="allow")
    page = context.new_page()
    # The sign-in page registers the worker. "Lock Selko" may load before the
    # worker is active (and then stays uncontrolled), so wait until it is
    # active: Today, opened from there, then goes through it.
    page.goto(f"/signin/{make.link(client)}")
    page.wait_for_url("**/passkeys/new")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    with page.expect_navigation():
        page.locator("main a[href='/']").click()

    go_offline_and_reload(page, live_server)

    # Back online, the page comes from the server again and the notice goes.
    page.context.set_offline(False)
    mark = live_server.mark()
    page.reload()
    assert "/" in live_server.paths_since(mark, "GET")
    assert page.locator("[data-offline-notice]").is_hidden()


def test_today_is_saved_even_when_it_is_the_first_page_the_worker_sees(make, live_server, new_context, open_link, page_problems):
    # The known race (test_alarms.py): the worker installed on the sign-in page
    # can refuse the first permission report with the old cookie.
    page_problems.allowed = (f"{live_server.url}/alarms/permission)",)
    client = make.client(name="Aino", language="fi")
    context = new_context(service_workers="allow")
    signed_in = open_link(context, client)
    # A phone whose worker is new (first visit, an update, or cleared storage)
    # while Today is open: no worker and no saved pages yet.
    signed_in.evaluate(
        """async () => {
            for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
            for (const k of await caches.keys()) await caches.delete(k);
        }"""
    )
    signed_in.close()
    page = context.new_page()
    page.goto("/")
    go_offline_and_reload(page, live_server)
