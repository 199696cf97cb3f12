"""Text people type: what any form may carry, what a number is, what a name is.

PostgreSQL refuses NUL in text, and control characters break the calendar
feed and the pages, so every request is checked once, here, before any view.
"""

import re
import unicodedata

from flask import Flask, abort, request
from flask_babel import gettext as _

# C0 controls and DEL. Tab, line feed and carriage return stay: they are how
# multi-line fields (task steps, notes) arrive.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Line breaks of any kind, tabs and controls: none belongs in a name.
_NOT_IN_ONE_LINE = ("Cc", "Zl", "Zp")


def _has_control(value) -> bool:
    if isinstance(value, str):
        return bool(_CONTROL.search(value))
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control(v) for v in value)
    return False


def refuse_control_characters():
    """Refuse, before any view runs, a request whose fields hold control characters."""
    fields = [*request.args.lists(), *request.form.lists()]
    if request.is_json:
        fields.append(("", request.get_json(silent=True)))
    if any(_has_control(name) or _has_control(values) for name, values in fields):
        abort(400, description=_("The text has a sign Selko cannot use. Write the text again."))


def is_plain_number(text: str) -> bool:
    """Digits 0–9 only. str.isdigit() also accepts "²" and "١", which int() refuses or reads."""
    return text.isascii() and text.isdigit()


def is_one_line(text: str) -> bool:
    return not any(unicodedata.category(c) in _NOT_IN_ONE_LINE for c in text)


def name_problem(name: str) -> str | None:
    """What is wrong with a typed name beyond its length, in words for the person, or None."""
    if not is_one_line(name):
        return _("Write the name on one line.")
    return None


def one_line(text: str) -> str:
    """Text made safe for one line, for names saved before names were checked."""
    spaced = "".join(" " if unicodedata.category(c) in _NOT_IN_ONE_LINE else c for c in text)
    return " ".join(spaced.split())


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
