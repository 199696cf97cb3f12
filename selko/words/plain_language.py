"""Selkokieli rules for one Finnish text: what makes a sentence hard to read.

The rules follow the Finnish Easy Language guidelines (Selkokeskus): short
sentences, everyday words, no passive, no participle phrases, no -minen
nouns, no long compounds, one number at a time. Voikko reads each word's
grammar; it often gives several readings of a word, and a rule counts a word
only when every reading agrees, so a guess never fails a text.

`findings(text)` is the one home of these rules: the catalogue lint uses it
for the app's own texts, and the selko check (selko_check.py) for a coach's
words as they are typed. Without Voikko (the Debian packages libvoikko1 and
voikko-fi) only the rules that need no grammar run; `grammar_available()`
tells which.

Voikko and wordfreq load once per process, on first use (Voikko about 2 s,
wordfreq's Finnish list about 2 s here); after that a step's text takes
about a millisecond. One Voikko object must not be used by two threads at
once (libvoikko says so), and the web server answers in threads: a lock
keeps its use one at a time.
"""

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

FAIL, WARN = "fail", "warn"

# Each rule: its level and what a translator reads in the lint's table.
RULES = {
    "long_sentence": (FAIL, "a sentence over 10 words"),
    "passive": (FAIL, "a passive verb"),
    "passive_participle": (FAIL, "a passive or agent participle"),
    "minen_noun": (FAIL, "a -minen noun"),
    "long_compound": (FAIL, "a compound of 3 or more parts"),
    "abbreviation": (FAIL, "an abbreviation other than klo"),
    "negative_question": (FAIL, "a negative question"),
    "near_long_sentence": (WARN, "a sentence of 9 or 10 words"),
    "long_word": (WARN, "a word of 13 or more letters"),
    "rare_word": (WARN, "a rare word"),
    "us_noun": (WARN, "an -us/-ys noun"),
    "active_participle": (WARN, "an active participle"),
    "infinitive": (WARN, "an infinitive construction"),
    "two_numbers": (WARN, "two numbers in one sentence"),
    "my_command": (WARN, "a command with 'my'"),
    "perfect": (WARN, "the perfect tense"),
}
MOST_WORDS, WARN_WORDS, LONG_WORD = 10, 9, 13
# wordfreq's Zipf scale: 3 is about once in a million words. Below 2.5 a
# reader with a small vocabulary is unlikely to know the word.
RARE_ZIPF = 2.5
# Words every Selko page uses and every client learns on the first day:
# the app's name (which Voikko does not know) and the client's coach.
KNOWN_WORDS = {"selko", "selkon", "selkoa", "selkoon", "selkossa", "selkosta", "selkolla", "selkolle"}
KNOWN_BASEFORMS = {"työvalmentaja", "valmentaja"}
# Participles that everyday Finnish uses as plain words ("seuraava" is "next").
PLAIN_PARTICIPLES = {"seuraava"}
# Abbreviations Voikko does not know as such, written with a full stop.
ABBREVIATION = re.compile(r"^(esim|mm|ym|jne|yms|ns|ks|vrt|huom|puh|pvm|kpl|min|tms|os|ma|ti|ke|to|pe|la|su)\.$", re.I)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
# Placeholders that stand for a number, a time or a date when the text is shown.
NUMBER_PLACEHOLDERS = {"num", "count", "time", "start", "end", "most", "total", "done", "received", "pressed", "first", "last", "day", "amount", "minutes"}
NUMBER = re.compile(r"^\d+([.,:]\d+)*\.?$")
TOKEN = re.compile(r"%\(\w+\)[sd]|[\w][\w\-.:,']*[\w.]|\w")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Finding:
    rule: str
    words: str  # the word or sentence that breaks the rule
    count: int = 0  # a sentence's words, for the sentence-length rules

    @property
    def level(self) -> str:
        return RULES[self.rule][0]


_VOIKKO_LOCK = threading.Lock()
_loaded: dict[str, object] = {}


def _voikko():
    """The one Voikko of this process, loaded on first use; None without Voikko."""
    if "voikko" not in _loaded:
        # Checked again under the lock: two threads' first checks load it once.
        with _VOIKKO_LOCK:
            if "voikko" not in _loaded:
                _loaded["voikko"] = _load_voikko()
    return _loaded["voikko"]


def _load_voikko():
    try:
        import libvoikko
    except ImportError:
        return None
    try:
        return libvoikko.Voikko("fi")
    except (OSError, libvoikko.VoikkoException):  # no library, or no Finnish dictionary
        return None


def grammar_available() -> bool:
    return _voikko() is not None


@lru_cache(maxsize=20000)
def readings(word: str) -> tuple[dict, ...]:
    voikko = _voikko()
    if voikko is None:
        return ()
    with _VOIKKO_LOCK:
        found = [dict(reading) for reading in voikko.analyze(word)]
    # A reading whose base form no text uses ("alkama" for "alkamista") is
    # a guess of the analyser, not a reading a person would make.
    known = [reading for reading in found if _zipf(reading.get("BASEFORM", "").lower()) > 0]
    return tuple(known or found)


@lru_cache(maxsize=20000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "fi")


def sentences(text: str) -> list[str]:
    plain = TAG.sub(" ", text)
    return [part.strip() for part in SENTENCE_END.split(plain) if part.strip()]


def tokens(sentence: str) -> list[str]:
    found = []
    for token in TOKEN.findall(sentence):
        # A full stop ends a word unless it is part of a number (10.00) or an abbreviation (esim.).
        if token.endswith(".") and not NUMBER.match(token) and not ABBREVIATION.match(token):
            token = token.rstrip(".")
        if token:
            found.append(token)
    return found


def _every(word: str, test) -> bool:
    """True when Voikko knows the word and every reading passes the test."""
    found = readings(word)
    return bool(found) and all(test(reading) for reading in found)


def _is_number(token: str) -> bool:
    placeholder = PLACEHOLDER.fullmatch(token)
    if placeholder:
        return placeholder.group(1) in NUMBER_PLACEHOLDERS
    return bool(NUMBER.match(token))


def _word_rules(word: str, after: str | None) -> list[str]:
    """The rules one word breaks; `after` is the word before it, lowercased."""
    if PLACEHOLDER.fullmatch(word) or NUMBER.match(word):
        return []
    broken = []
    letters = sum(ch.isalpha() for ch in word)
    if ABBREVIATION.match(word) or (word.lower() != "klo" and _every(word, lambda r: r.get("CLASS") == "lyhenne")):
        return ["abbreviation"]
    if letters >= LONG_WORD and not _every(word, lambda r: r.get("BASEFORM", "").lower() in KNOWN_BASEFORMS):
        broken.append("long_word")
    if not readings(word):
        return broken
    if _every(word, lambda r: r.get("PERSON") == "4" and r.get("CLASS") == "teonsana"):
        broken.append("passive")
    if _every(word, lambda r: r.get("PARTICIPLE") in ("past_passive", "present_passive", "agent")):
        broken.append("passive_participle")
    if _every(word, lambda r: r.get("MOOD") == "MINEN-infinitive"):
        broken.append("minen_noun")
    if _every(word, lambda r: r.get("STRUCTURE", "").count("=") >= 3):
        broken.append("long_compound")
    if _every(word, lambda r: r.get("CLASS") == "nimisana" and re.search(r"(us|ys)$", r.get("BASEFORM", "")) and len(r.get("BASEFORM", "")) > 5):
        broken.append("us_noun")
    # "Olet tehnyt" is the perfect and "en tehnyt" the past; only others are participle phrases.
    if (
        _every(word, lambda r: r.get("PARTICIPLE") in ("past_active", "present_active"))
        and after not in _AUX
        and not _every(word, lambda r: r.get("BASEFORM", "").lower() in PLAIN_PARTICIPLES)
    ):
        broken.append("active_participle")
    if _every(word, lambda r: r.get("MOOD") == "E-infinitive" or (r.get("MOOD") == "MA-infinitive" and r.get("SIJAMUOTO") != "sisatulento")):
        broken.append("infinitive")
    if word.lower() not in KNOWN_WORDS and _every(word, _rare):
        broken.append("rare_word")
    return broken


_OLLA_FINITE = {"olen", "olet", "on", "olemme", "olette", "ovat", "ole", "olin", "olit", "oli", "olimme", "olitte", "olivat"}
_AUX = _OLLA_FINITE | {"en", "et", "ei", "emme", "ette", "eivät"}


def findings(text: str) -> list[Finding]:
    """Every rule a Finnish text breaks, sentence by sentence, word by word."""
    found: list[Finding] = []
    for sentence in sentences(text):
        words = tokens(sentence)
        count = len(words)
        if count > MOST_WORDS:
            found.append(Finding("long_sentence", f"{count}: {sentence}", count))
        elif count >= WARN_WORDS:
            found.append(Finding("near_long_sentence", f"{count}: {sentence}", count))
        if sum(_is_number(word) for word in words) >= 2:
            found.append(Finding("two_numbers", sentence))
        lowered = [word.lower() for word in words]
        if sentence.endswith("?") and any(_every(word, lambda r: r.get("CLASS") == "kieltosana") for word in words):
            found.append(Finding("negative_question", sentence))
        if words and _is_command(words[0]) and any(_is_mine(word) for word in words):
            found.append(Finding("my_command", sentence))
        for index, word in enumerate(words):
            before = lowered[index - 1] if index else None
            if before in _OLLA_FINITE and _every(word, lambda r: r.get("PARTICIPLE") == "past_active"):
                found.append(Finding("perfect", f"{words[index - 1]} {word}"))
            for rule in _word_rules(word, before):
                found.append(Finding(rule, word))
    return found


def _rare(reading: dict) -> bool:
    base = reading.get("BASEFORM", "").lower()
    return base not in KNOWN_BASEFORMS and _zipf(base) < RARE_ZIPF


def _is_command(word: str) -> bool:
    return any(r.get("MOOD") == "imperative" and r.get("PERSON") == "2" for r in readings(word))


def _is_mine(word: str) -> bool:
    return word.lower() == "minun" or _every(word, lambda r: r.get("POSSESSIVE") == "1s")
