"""Rendering a page, or only its partial when htmx asks for it."""
from flask import redirect, render_template
from flask_htmx import HTMX

htmx = HTMX()


def wants_partial() -> bool:
    # A history restore needs the whole page, even though htmx sends it.
    return bool(htmx) and not htmx.history_restore_request


def page(template: str, partial: str | None = None, status: int = 200, **context):
    name = partial if partial and wants_partial() else template
    response = render_template(name, **context), status, {"Vary": "HX-Request"}
    return response


def after_post(url: str, partial: str, **context):
    """Redirect after a form post, or answer htmx with the updated partial."""
    if wants_partial():
        return render_template(partial, **context), 200, {"Vary": "HX-Request"}
    return redirect(url, code=303)
