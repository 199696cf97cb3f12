"""Row ids in URLs and forms: whole numbers the database can hold.

A number too big for an integer column would make the database fail; such
an id simply names nothing, so it is refused before any query.
"""

from werkzeug.routing import BaseConverter

from selko.input_text import is_plain_number

MAX_ID = 2**31 - 1


def parse_id(value: str | None) -> int | None:
    if value is None or not is_plain_number(value) or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdConverter(BaseConverter):
    regex = r"[1-9][0-9]{0,9}"

    # A too-big id becomes 0, which no row has, so the view answers 404 as
    # for any missing row. (Refusing it here would let a GET rule with the
    # same path answer 405 to a POST.)
    def to_python(self, value: str) -> int:
        return parse_id(value) or 0

    def to_url(self, value: int) -> str:
        return str(value)
