"""Reading what a form sent. One rule for dates, and one convention for
problems: every check_* returns Errors, {field: message in the reader's
words}, empty when the form is fine; pages show them with the form macros
(templates/macros.html) and the error summary, and the title says "Error:"."""

import re
from datetime import date

Errors = dict[str, str]

# A date input sends 2026-11-23, whatever the browser shows; fromisoformat
# alone would also take other ISO forms ("20261123", "2026-W48-1") and digits
# of other scripts.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The days Selko keeps records for: a year outside these is a typing slip.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def read_date(text: str | None) -> date | None:
    """A form's date (YYYY-MM-DD), or None when it is not one Selko can hold."""
    if not text or not _ISO_DATE.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None
