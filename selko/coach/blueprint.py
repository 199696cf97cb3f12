"""The coach's blueprint and what its view modules share: the time where the
coach works, and the "saved" answer after a change."""

from flask import Blueprint, flash, g, redirect, url_for

from selko import access, clock

bp = Blueprint("coach", __name__, template_folder="templates", url_prefix="/coach")
access.audience_of_blueprint(bp.name, access.COACH)

WEEKDAYS = range(7)


def org_now():
    """Now, where the coach's organisation is."""
    return clock.local_now(g.user.organisation)


def saved(message: str, url: str, section: str = "page"):
    """After a change: back to the page, at the part that changed, with a short
    "saved" message there that a screen reader reads out (macro saved_here)."""
    flash(message, section)
    return redirect(url + ("" if section == "page" else f"#{section}"), code=303)


def client_saved(client, section: str, message: str):
    return saved(message, url_for(TAB_ENDPOINTS[SECTIONS[section]], client_id=client.id), section)


# Where each part of a tab lives, for the "saved" message after a change.
SECTIONS = {
    "attendance": "today",
    "messages": "today",
    "schedule": "schedule",
    "exceptions": "schedule",
    "tasks": "schedule",
    "phones": "phones",
    "shares": "phones",
    "contacts": "contacts",
}
TAB_ENDPOINTS = {"today": ".client_page", "schedule": ".client_schedule", "phones": ".client_phones", "contacts": ".client_contacts"}
