"""Row ids in URLs and forms: whole numbers the database can hold.

A number too big for an integer column would make the database fail; such
an id simply names nothing, so it is refused before any query.
"""
from werkzeug.routing import BaseConverter, ValidationError

from selko.input_text import is_plain_number

MAX_ID = 2**31 - 1


def parse_id(value: str | None) -> int | None:
    if value is None or not is_plain_number(value) or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdConverter(BaseConverter):
    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(value)
