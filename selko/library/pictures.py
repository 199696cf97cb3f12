"""Pictures of tasks, steps and answers that look the same on every phone.

A phone draws an emoji with its own font: on one phone ☕ and 😐 were small
black outlines. So Selko shows OpenMoji's drawing of the emoji instead (npm
`openmoji`, SVG files, CC BY-SA 4.0; credited on /about), served from
node_modules like the other front-end packages. A task still stores the emoji
itself (Task.emoji); this module maps it to its picture file.

Selko offers a set of pictures, not all of OpenMoji: the Emojibase groups
useful at work (npm `emojibase-data`, which also gives the keywords in fi,
sv and en the coach searches by), and every emoji Selko's own data uses. Only
these are served, and only these can be picked for a task.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import emoji as unicode_emoji
from flask import current_app, g, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from selko.i18n import DEFAULT, LANGUAGES, language

# Emoji presentation and text presentation selectors: "☕" and "☕️" are one picture.
SELECTORS = str.maketrans("", "", "\ufe0e\ufe0f")

# Emojibase groups (and some subgroups) a work task or step can use: food,
# tools, places, vehicles, animals and plants, faces and hands, signs.
# Left out: flags, religions, the zodiac, fantasy people and sports people.
GROUPS = {"smileys-emotion", "people-body", "animals-nature", "food-drink", "travel-places", "activities", "objects", "symbols"}
LEFT_OUT = {"person-fantasy", "person-sport", "religion", "zodiac", "gender", "skin-tone", "hair-style"}

# Pictures shown before the coach searches: everyday work things that read
# the same to a client who cannot read the title, named in the coach's words.
SUGGESTED = {
    "🍽️": _l("Dishes"),
    "🍴": _l("Cutlery"),
    "☕": _l("Coffee"),
    "🍞": _l("Bread"),
    "🥗": _l("Salad"),
    "🍳": _l("Cooking"),
    "🧽": _l("Sponge"),
    "🧼": _l("Soap"),
    "🪣": _l("Bucket"),
    "🧹": _l("Broom"),
    "🧤": _l("Gloves"),
    "🪟": _l("Window"),
    "🚽": _l("Toilet"),
    "🗑️": _l("Rubbish bin"),
    "♻️": _l("Recycling"),
    "🧺": _l("Laundry basket"),
    "👕": _l("Shirt"),
    "🏷️": _l("Price tag"),
    "🛒": _l("Shopping trolley"),
    "📦": _l("Parcel"),
    "🚚": _l("Van"),
    "✉️": _l("Letter"),
    "📄": _l("Paper"),
    "🖨️": _l("Printer"),
    "💻": _l("Computer"),
    "📞": _l("Telephone"),
    "🔧": _l("Spanner"),
    "🔨": _l("Hammer"),
    "🪴": _l("Pot plant"),
    "🌱": _l("Seedling"),
    "🍂": _l("Leaves"),
    "❄️": _l("Snow"),
    "🚗": _l("Car"),
    "🪑": _l("Chair"),
    "📚": _l("Books"),
    "🐕": _l("Dog"),
}
# At most this many pictures answer a search: a page of radio buttons a phone can show.
RESULTS = 48


def key(emoji: str) -> str:
    """The emoji without presentation selectors, as OpenMoji's and Emojibase's data match it."""
    return (emoji or "").strip().translate(SELECTORS)


@dataclass(frozen=True)
class Picture:
    emoji: str  # as a task stores it (Emojibase's form)
    hexcode: str  # OpenMoji's file name: "2615", "1F9D1-200D-1F373"
    names: dict  # language → Emojibase's label ("kuuma juoma")
    words: dict  # language → label and keywords, lower case


@dataclass(frozen=True)
class Catalogue:
    version: str  # OpenMoji's version: part of every picture's address
    offered: dict  # key → Picture, in Emojibase's order
    by_hexcode: dict  # hexcode → Picture


def _in_use() -> set[str]:
    """Every emoji Selko's own pages use: the suggestions, absence reasons and
    faces. (The demo picks its pictures from what is offered; a test checks.)"""
    from selko.words.client_words import FACE_EMOJI, REASON_EMOJI

    return {*SUGGESTED, *REASON_EMOJI.values(), *FACE_EMOJI.values()}


@cache
def _load(node_modules: str) -> Catalogue:
    root = Path(node_modules)
    openmoji = root / "openmoji"
    version = json.loads((openmoji / "package.json").read_text())["version"]
    svgs = {path.stem for path in (openmoji / "color" / "svg").glob("*.svg")}
    hexcodes = {key(o["emoji"]): o["hexcode"] for o in json.loads((openmoji / "data" / "openmoji.json").read_text())}
    meta = json.loads((root / "emojibase-data" / "meta" / "groups.json").read_text())
    data = {lang: json.loads((root / "emojibase-data" / lang / "data.json").read_text()) for lang in LANGUAGES}
    names, words = {}, {}
    for lang, entries in data.items():
        for entry in entries:
            k = key(entry["emoji"])
            names.setdefault(k, {})[lang] = entry["label"]
            words.setdefault(k, {})[lang] = tuple(w.lower() for w in [entry["label"], *entry.get("tags", [])])
    useful = [
        key(e["emoji"])
        for e in data["en"]
        if meta["groups"].get(str(e.get("group"))) in GROUPS and meta["subgroups"].get(str(e.get("subgroup"))) not in LEFT_OUT
    ]
    emoji_of = {key(e): e for e in _in_use()} | {key(e["emoji"]): e["emoji"] for e in data["en"]}
    emoji_of = {k: _fully_qualified(k, e) for k, e in emoji_of.items()}
    offered = {}
    for k in dict.fromkeys([*useful, *map(key, _in_use())]):
        hexcode = hexcodes.get(k)
        if hexcode in svgs:
            offered[k] = Picture(emoji_of[k], hexcode, names.get(k, {}), words.get(k, {}))
    return Catalogue(version, offered, {p.hexcode: p for p in offered.values()})


def _fully_qualified(k: str, other: str) -> str:
    """The emoji as Unicode writes it in full ("✨", "🍽️"): Emojibase adds FE0F
    to every emoji, and a task keeps the form phones and the Unicode data know."""
    for candidate in (k, k + "\ufe0f", other):
        if unicode_emoji.EMOJI_DATA.get(candidate, {}).get("status") == unicode_emoji.STATUS["fully_qualified"]:
            return candidate
    return other


def catalogue() -> Catalogue:
    return _load(current_app.config["NODE_MODULES"])


def offered(emoji: str) -> Picture | None:
    """The picture Selko offers for this emoji, or None."""
    return catalogue().offered.get(key(emoji)) if emoji else None


def url(emoji: str) -> str | None:
    """The address of the emoji's picture, or None: not offered, shown as text."""
    found = offered(emoji)
    return url_for("pwa.picture", version=catalogue().version, hexcode=found.hexcode) if found else None


def picture(emoji: str, class_: str = "picture") -> Markup:
    """The emoji as OpenMoji's picture; where there is none, the emoji itself.
    Decorative (alt=""): the words beside it say what it is."""
    if not emoji:
        return Markup("")
    # A page shows the same few pictures many times (Today: ⏳ on every form);
    # each is made once a request (an address is made for the request's host).
    made = g.setdefault("pictures", {})
    if (emoji, class_) not in made:
        address = url(emoji)
        if address is None:
            made[emoji, class_] = Markup('<span class="{}" aria-hidden="true">{}</span>').format(class_, emoji)
        else:
            made[emoji, class_] = Markup('<img class="{}" src="{}" alt="" width="72" height="72">').format(class_, address)
    return made[emoji, class_]


def name(p: Picture) -> str:
    """The picture's name in the coach's language: the suggestion's own word, else Emojibase's label."""
    if key(p.emoji) in _suggested_keys():
        return str(_suggested_keys()[key(p.emoji)])
    label = p.names.get(language()) or p.names.get("en") or p.emoji
    return label[:1].upper() + label[1:]


@cache
def _suggested_keys() -> dict:
    return {key(e): words for e, words in SUGGESTED.items()}


def suggestions() -> list[Picture]:
    found = catalogue().offered
    return [found[key(e)] for e in SUGGESTED if key(e) in found]


def search(query: str) -> list[Picture]:
    """Pictures whose name or keywords in the coach's language match: an exact
    keyword first, then one that starts with the words, then one that has them."""
    query = " ".join((query or "").lower().split())[:100]
    if not query:
        return suggestions()
    lang = language() if language() in LANGUAGES else DEFAULT
    ranked = []
    for order, p in enumerate(catalogue().offered.values()):
        words = [*p.words.get(lang, ()), *((str(_suggested_keys()[key(p.emoji)]).lower(),) if key(p.emoji) in _suggested_keys() else ())]
        if query in words:
            rank = 0
        elif any(w.startswith(query) for w in words):
            rank = 1
        elif any(query in w for w in words):
            rank = 2
        else:
            continue
        ranked.append((rank, order, p))
    return [p for _rank, _order, p in sorted(ranked, key=lambda r: r[:2])[:RESULTS]]


def file_for(version: str, hexcode: str) -> str | None:
    """The SVG file's path inside node_modules for an offered picture of this version, or None."""
    found = catalogue()
    if version != found.version or hexcode not in found.by_hexcode:
        return None
    return f"openmoji/color/svg/{hexcode}.svg"


def init_app(app) -> None:
    app.jinja_env.globals.update(picture=picture, picture_url=url, picture_key=key, picture_name=name, offered_picture=offered)
    app.jinja_env.filters["picture_key"] = key
