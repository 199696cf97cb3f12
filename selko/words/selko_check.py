"""The selko check: a coach's words for a client read with the lint's rules
while the coach types, and each finding said as a plain suggestion.

The rules are plain_language.py's, the same that hold the app's own client
texts (selko_lint.py); this module only words them for the coach, in the
coach's language. A suggestion never stops a save. Without Voikko there are
no suggestions at all: the rules that need no grammar alone would say too
little to be fair to the text.
"""

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from selko.i18n import WRITTEN_IN
from selko.words import plain_language
from selko.words.plain_language import RULES

# What is read: "text" is one text; "steps" is a task's steps, one on each line.
CHECKS = ("text", "steps")
# A diary note has at most 2,000 characters; the check reads no further
# than a little beyond that, so a pasted book cannot keep a thread busy.
MOST_CHARACTERS = 2500
MOST_SUGGESTIONS = 8
LONGEST_WORD_SHOWN = 40

# Each rule of plain_language.RULES as the coach reads it: what to do about
# it. %(word)s is the coach's own word (or words), %(count)s a sentence's words.
MESSAGES = {
    "long_sentence": _l("Shorten the sentence: %(count)s words. Aim for 8 or fewer."),
    "passive": _l("“%(word)s” is a passive: write to the client, like “Tee …”."),
    "passive_participle": _l("“%(word)s” is a passive participle: write to the client, like “Tee …”."),
    "minen_noun": _l("“%(word)s” is a noun made of a verb: use the verb, like “Siivoa”."),
    "long_compound": _l("“%(word)s” is a long compound: split it or find a shorter word."),
    "abbreviation": _l("“%(word)s” is an abbreviation: write the words out."),
    "negative_question": _l("“%(word)s” is a negative question: ask without “not”."),
    "near_long_sentence": _l("A long sentence: %(count)s words. Aim for 8 or fewer."),
    "long_word": _l("“%(word)s” is a long word: find a shorter one if you can."),
    "rare_word": _l("“%(word)s” is a rare word: use an everyday word if there is one."),
    "us_noun": _l("“%(word)s” is an abstract noun: use a verb or a concrete word."),
    "active_participle": _l("“%(word)s” is a participle: write a short sentence with a verb."),
    "infinitive": _l("“%(word)s” is an infinitive construction: write two short sentences."),
    "two_numbers": _l("“%(word)s” has two numbers: give one number a sentence."),
    "my_command": _l("“%(word)s” tells the client to do something with “my”: write “your”."),
    "perfect": _l("“%(word)s” is the perfect tense: write the present or the past."),
}
# Rules about a whole sentence; every other rule is about one word.
SENTENCE_RULES = {"long_sentence", "near_long_sentence", "negative_question", "two_numbers", "my_command"}
# The order a text's suggestions are listed in: failures of the lint first.
ORDER = {rule: index for index, rule in enumerate(RULES)}


@dataclass(frozen=True)
class Suggestion:
    rule: str
    message: Markup
    step: int | None = None  # the step's number, when a task's steps are read


@dataclass(frozen=True)
class Check:
    suggestions: list[Suggestion]
    more: int = 0  # suggestions left out, beyond MOST_SUGGESTIONS


def check(text: str, what: str = "text") -> Check:
    """The suggestions for a text the coach writes for a client."""
    if what not in CHECKS:
        raise ValueError(f"no such check: {what!r}")
    text = (text or "")[:MOST_CHARACTERS]
    if not text.strip() or not plain_language.grammar_available():
        return Check([])
    if what == "steps":
        parts = [(number, line) for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1)]
    else:
        parts = [(None, text)]
    found = [suggestion for number, part in parts for suggestion in _suggestions(part, number)]
    return Check(found[:MOST_SUGGESTIONS], max(0, len(found) - MOST_SUGGESTIONS))


def _suggestions(text: str, step: int | None) -> list[Suggestion]:
    """One suggestion a word or sentence: the rule that matters most, in RULES' order."""
    first: dict[tuple[str, str], plain_language.Finding] = {}
    for finding in sorted(plain_language.findings(text), key=lambda f: ORDER[f.rule]):
        place = (finding.rule if finding.rule in SENTENCE_RULES else "", finding.words.lower())
        first.setdefault(place, finding)
    return [Suggestion(f.rule, _message(f), step) for f in first.values()]


def _message(finding: plain_language.Finding) -> Markup:
    words = finding.words if finding.count == 0 else ""
    if len(words) > LONGEST_WORD_SHOWN:
        words = words[: LONGEST_WORD_SHOWN - 1] + "…"
    # The coach's words are Finnish on every page: read aloud with a Finnish voice.
    word = Markup('<span lang="{}">{}</span>').format(WRITTEN_IN, words)
    # The message is ours (trusted); the coach's words are escaped by Markup's %.
    return Markup(str(MESSAGES[finding.rule])) % {"word": word, "count": finding.count}


def init_app(app: Flask) -> None:
    """The form field macros (macros.html) show a field's suggestions as the page is made."""
    app.jinja_env.globals["selko_check"] = check
