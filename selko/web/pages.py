"""Rendering a page, or only its partial when htmx asks for it."""

from contextlib import nullcontext

from flask import current_app, has_request_context, redirect, render_template, url_for
from flask_htmx import HTMX

htmx = HTMX()


def wants_partial() -> bool:
    # A history restore needs the whole page, even though htmx sends it.
    return bool(htmx) and not htmx.history_restore_request


def page(template: str, partial: str | None = None, status: int = 200, **context):
    """The page, or its partial for htmx. A page that refused a form (400)
    has "Error:" in its title, whatever its template calls the problems."""
    name = partial if partial and wants_partial() else template
    context.setdefault("refused", status == 400)
    return render_template(name, **context), status, {"Vary": "HX-Request"}


def public_url(endpoint: str, **values) -> str:
    """An address to hand to someone (a link, a QR code), built on SELKO_ORIGIN,
    never on the host a request came in by. Works from the CLI too, where the
    made-up request is on the origin: Flask refuses to build addresses for a
    host outside TRUSTED_HOSTS."""
    origin = current_app.config["ORIGIN"]
    with nullcontext() if has_request_context() else current_app.test_request_context(base_url=origin):
        return origin + url_for(endpoint, **values)


def after_post(url: str, partial: str, **context):
    """Redirect after a form post, or answer htmx with the updated partial."""
    if wants_partial():
        return render_template(partial, **context), 200, {"Vary": "HX-Request"}
    return redirect(url, code=303)
