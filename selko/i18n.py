"""Languages: Finnish selkokieli first, then Swedish lättläst and English Easy Read.

Message ids are English; each language is a catalogue in locales/, so a
translator adds a language by adding a catalogue and a line in LANGUAGES.
"""

from datetime import date, datetime, time
from pathlib import Path

from babel.dates import get_day_names
from flask import Flask, g, session
from flask_babel import Babel, format_currency, format_date, format_decimal, get_locale, get_translations, gettext, ngettext

from selko import clock

LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
DEFAULT = "fi"
# Coaches write task titles, steps, break names and day notes in Finnish: pages
# in other languages mark that text so read-aloud uses a Finnish voice for it.
WRITTEN_IN = "fi"

# Dates and times the way plain-language guides write them: "maanantai 23.11.", "klo 8.00".
# "cccc" is the stand-alone weekday: Finnish "maanantai", not "maanantaina".
DATE_PATTERNS = {"fi": "cccc d.M.", "sv": "cccc d MMMM", "en": "cccc d MMMM"}
TIME_SEPARATOR = {"fi": ".", "sv": ".", "en": ":"}


def language() -> str:
    return str(get_locale() or DEFAULT)


def select_locale() -> str:
    page_language = g.get("page_language")  # a page for someone else: a family member
    if page_language in LANGUAGES:
        return page_language
    user = g.get("user")
    if user is not None and user.language in LANGUAGES:
        return user.language
    chosen = session.get("language")
    return chosen if chosen in LANGUAGES else DEFAULT


def local(instant: datetime) -> datetime:
    """A stored UTC instant as the wall-clock time of the signed-in person's
    organisation: the one place pages turn instants into local times."""
    user = g.get("user")
    return clock.local(instant, user.organisation.time_zone if user is not None else clock.DEFAULT_ZONE)


def day_in_words(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = day.date()  # already local (see local()); Flask-Babel would move it to UTC
    return format_date(day, DATE_PATTERNS.get(language(), "full"))


def month_in_words(first: date) -> str:
    """ "marraskuu 2026", "november 2026", "November 2026"."""
    return format_date(first, "LLLL yyyy")


def short_date(day: date) -> str:
    """ "9.11.2026": how a register and a spreadsheet write a date in Finland."""
    return f"{day.day}.{day.month}.{day.year}"


def clock_time(value: time | datetime) -> str:
    return f"{value.hour}{TIME_SEPARATOR.get(language(), ':')}{value.minute:02d}"


def time_until(minutes: int, at: time) -> str:
    """When something comes, as plain-language guides say it: in minutes up
    to an hour ("23 minuutin päästä"), after that by the clock ("klo 10.00")."""
    if minutes <= 60:
        return ngettext("in %(num)s minute", "in %(num)s minutes", minutes)
    return gettext("at %(time)s", time=clock_time(at))


def weekday_name(weekday: int) -> str:
    """Monday is 0, as in date.weekday()."""
    return get_day_names("wide", locale=get_locale())[weekday]


def _translations():
    """The catalogue of the page's language. Flask-Babel looks it up anew for
    every message, through a dozen calls; Today has ninety messages. Kept for
    the request, and for its locale: force_locale() changes it inside one."""
    locale = get_locale()
    kept = g.get("translations")
    if kept is None or kept[0] is not locale:
        kept = g.translations = (locale, get_translations())
    return kept[1]


def init_app(app: Flask) -> None:
    locales = Path(__file__).parent.parent / "locales"
    Babel(app, locale_selector=select_locale, default_translation_directories=str(locales))
    # Templates' _() as Flask-Babel installs it, with the catalogue kept (_translations).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["day_in_words"] = day_in_words
    app.jinja_env.filters["clock"] = clock_time
    app.jinja_env.filters["weekday_name"] = weekday_name
    app.jinja_env.globals["time_until"] = time_until
    app.jinja_env.filters["month_in_words"] = month_in_words
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.filters["euros"] = lambda amount: format_currency(amount, "EUR")
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["WRITTEN_IN"] = WRITTEN_IN
    app.jinja_env.globals["language"] = language
