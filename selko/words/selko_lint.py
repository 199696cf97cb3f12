"""`selko lint`: the catalogues checked, and the client's Finnish held to selkokieli.

Which messages clients and family members read is decided by where the code
uses them (CLIENT_PLACES). Every Finnish text of those is checked with the
rules in plain_language.py; a waiver lives in locales/selko-exceptions.toml,
per msgid, with its reason. Every catalogue is checked for what a
translator can get wrong: a missing, fuzzy or untranslated message, a
placeholder or plural form that does not match, a catalogue behind the code.
"""

import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from selko.words import plain_language
from selko.words.plain_language import FAIL, RULES, WARN

ROOT = Path(__file__).parent.parent.parent
LOCALES = ROOT / "locales"
EXCEPTIONS = LOCALES / "selko-exceptions.toml"
LANGUAGES = ("fi", "sv", "en")

# Where clients and family members read a message: each source that renders
# for them, and the place a translator is told about. Every other source is
# for coaches and admins (professional language, not checked as selko).
CLIENT_PLACES = {
    "selko/client/templates/client/today.html": "Today, the client's front page",
    "selko/client/templates/client/_today_now.html": "Today: now and next, and the break",
    "selko/client/templates/client/_check_in.html": "Today: arriving, leaving and absence",
    "selko/client/templates/client/_help.html": "the 'I need help' button",
    "selko/client/templates/client/_help_status.html": "the help request's state",
    "selko/client/templates/client/help_sent.html": "the page after asking for help",
    "selko/client/templates/client/_steps.html": "a task's steps",
    "selko/client/templates/client/task.html": "a task's page",
    "selko/client/templates/client/task_step.html": "one step of a task",
    "selko/client/templates/client/tasks.html": "the client's tasks for today",
    "selko/client/templates/client/week.html": "the client's work days",
    "selko/client/templates/client/absent.html": "the 'I am not coming' page",
    "selko/client/templates/client/alarms.html": "the alarms page",
    "selko/client/templates/client/home_screen.html": "adding Selko to the home screen",
    "selko/client/templates/client/how_today_went.html": "'How did today go?'",
    "selko/client/templates/client/how_today_went_saved.html": "the thanks after 'How did today go?'",
    "selko/client/templates/client/layout.html": "every client page (menu, offline notes)",
    "selko/client/templates/client/share.html": "sharing the work days with family",
    "selko/client/templates/client/share_link.html": "a new link for family",
    "selko/client/blueprint.py": "client pages: errors and answers",
    "selko/client/today.py": "Today's buttons: errors and answers",
    "selko/client/tasks.py": "a task's page: errors and answers",
    "selko/client/alarms.py": "the alarms page: errors and answers",
    "selko/client/share.py": "sharing the work days: errors and answers",
    "selko/family/templates/family/week.html": "the family's view of the work days",
    "selko/family/__init__.py": "the family's calendar",
    "selko/auth/templates/auth/_passkey_button.html": "the lock button",
    "selko/auth/templates/auth/account.html": "the client's phone and lock",
    "selko/auth/templates/auth/language.html": "choosing the language",
    "selko/auth/templates/auth/link_problem.html": "a sign-in link that does not work",
    "selko/auth/templates/auth/passkey_new.html": "locking Selko on the phone",
    "selko/auth/templates/auth/sign_in.html": "opening a sign-in link",
    "selko/auth/templates/auth/sign_in_switch.html": "a sign-in link on someone else's phone",
    "selko/auth/templates/auth/welcome.html": "the first page before signing in",
    "selko/auth/__init__.py": "signing in: errors and answers",
    "selko/templates/_push_subscribe.html": "letting Selko ring on the phone",
    "selko/templates/_weeks.html": "the weeks, for the client and family",
    "selko/templates/error.html": "an error page",
    "selko/templates/layout.html": "every page",
    "selko/templates/macros.html": "buttons and notes on many pages",
    "selko/templates/about.html": "the page about Selko: who drew the pictures",
    "selko/web/errors.py": "an error page",
    "selko/input_text.py": "a form that got text it cannot use",
    "selko/day/client_action.py": "a client's button that could not be used",
    "selko/words/client_words.py": "the client's words for reasons, answers and times",
    "selko/alarms/kinds.py": "an alarm on the phone",
    "selko/web/pwa.py": "the app's name; parts on About",
    "selko/people/share.py": "sharing the work days with family",
}
CLIENT_DIRS = ("selko/client/", "selko/family/", "selko/auth/", "selko/templates/")
# One name for one thing: words the client pages never use, by base form,
# and the word they use instead.
CLIENT_TERMS = {
    "pääsyavain": "lukko (Selkon lukko)",
    "päättyä": "loppua",
    "kirjautua": "avata Selko / sulkea Selko",
    "laite": "puhelin",
    "selain": "Chrome / Safari",
    "etusivu": "Tänään-sivu",
}
NOTE = "Client: {place}. Keep it selko: short sentences, everyday words."
# Swedish lättläst writes "klockan" and "till exempel" out.
SWEDISH_ABBREVIATIONS = re.compile(r"\bkl\.|\bt\.ex\.", re.I)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# A clock time is written "klo 10.00" / "klockan 10.00" (i18n.clock_time gives the digits).
TIME_PLACEHOLDER = re.compile(r"%\((time|start|pressed|received|asked|cancelled)\)s")
CLOCK_WORD = {"fi": re.compile(r"(klo |–)$"), "sv": re.compile(r"(klockan |–)$")}


@dataclass
class Problem:
    level: str  # FAIL or WARN
    language: str
    rule: str
    msgid: str
    words: str = ""
    text: str = ""


@dataclass
class Report:
    client_ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    waived: int = 0
    grammar: bool = True

    @property
    def client_messages(self) -> int:
        return len(self.client_ids)

    @property
    def failures(self) -> list[Problem]:
        return [p for p in self.problems if p.level == FAIL]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARN]


def _ids(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def is_client_source(path: str) -> bool:
    return path.startswith(CLIENT_DIRS) or path in CLIENT_PLACES


def client_place(message) -> str | None:
    """Where a client or family member reads the message, if anywhere."""
    for path, _line in message.locations:
        if is_client_source(path):
            return CLIENT_PLACES.get(path, path)
    return None


def add_translator_notes(catalogue: Catalog) -> None:
    """Every client message gets a translator note: where it is, and that it stays selko."""
    for message in catalogue:
        place = client_place(message) if message.id else None
        if place and not any(c.startswith("Client:") for c in message.auto_comments):
            message.auto_comments.append(NOTE.format(place=place))


def load(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def messages_in_code() -> set[str]:
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    found = extract_from_dir(ROOT / "selko", method_map, options_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0] for *_, message, _c, _x in found}


def load_exceptions() -> dict[str, dict]:
    if not EXCEPTIONS.exists():
        return {}
    with EXCEPTIONS.open("rb") as file:
        return tomllib.load(file)


def _catalogue_problems(language: str, catalogue: Catalog, in_code: set[str]) -> list[Problem]:
    problems = []
    known = {_ids(m) for m in catalogue if m.id}
    problems += [Problem(FAIL, language, "stale: not in the catalogue", msgid) for msgid in sorted(in_code - known)]
    problems += [Problem(FAIL, language, "stale: no longer in the code", msgid) for msgid in sorted(known - in_code)]
    for message in catalogue:
        if not message.id:
            continue
        msgid, strings = _ids(message), _strings(message)
        if message.fuzzy:
            problems.append(Problem(FAIL, language, "fuzzy", msgid))
        if isinstance(message.id, tuple) and len(strings) != catalogue.num_plurals:
            problems.append(Problem(FAIL, language, "plural forms", msgid, text=f"{len(strings)} of {catalogue.num_plurals}"))
        if language == "en":
            continue  # the msgids are English: an empty msgstr shows the msgid
        if not all(strings):
            problems.append(Problem(FAIL, language, "missing", msgid))
            continue
        expected = set(PLACEHOLDER.findall(" ".join(message.id if isinstance(message.id, tuple) else [message.id])))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                problems.append(Problem(FAIL, language, "placeholders", msgid, text=text))
            if language == "sv" and SWEDISH_ABBREVIATIONS.search(text):
                problems.append(Problem(FAIL, language, "kl. or t.ex.", msgid, text=text))
            if any(not CLOCK_WORD[language].search(text[: t.start()]) for t in TIME_PLACEHOLDER.finditer(text)):
                problems.append(Problem(FAIL, language, "a time without klo", msgid, text=text))
        if strings == [msgid] and len(re.findall(r"[^\W\d_]{4,}", msgid)) > 1:
            problems.append(Problem(FAIL, language, "untranslated", msgid, text=msgid))
    return problems


def lint() -> Report:
    report = Report(grammar=plain_language.grammar_available())
    exceptions = load_exceptions()
    used_exceptions: set[tuple[str, str]] = set()
    in_code = messages_in_code()
    catalogues = {language: load(language) for language in LANGUAGES}
    for language, catalogue in catalogues.items():
        report.problems += _catalogue_problems(language, catalogue, in_code)

    if not report.grammar and os.environ.get("CI"):
        report.problems.append(Problem(FAIL, "fi", "Voikko missing", "", text="install libvoikko1 and voikko-fi"))
    for message in catalogues["fi"]:
        if not message.id or client_place(message) is None:
            continue
        msgid = _ids(message)
        report.client_ids.add(msgid)
        waived = set(exceptions.get(msgid, {}).get("rules", []))
        for text in _strings(message):
            for word in (w for sentence in plain_language.sentences(text) for w in plain_language.tokens(sentence)):
                bases = {r.get("BASEFORM", "").lower() for r in plain_language.readings(word)}
                for base in bases & CLIENT_TERMS.keys():
                    report.problems.append(Problem(FAIL, "fi", f"say {CLIENT_TERMS[base]!r}", msgid, word, text))
            for finding in plain_language.findings(text):
                if finding.rule in waived:
                    used_exceptions.add((msgid, finding.rule))
                    report.waived += 1
                    continue
                report.problems.append(Problem(finding.level, "fi", finding.rule, msgid, finding.words, text))
    for msgid, waiver in exceptions.items():
        if not waiver.get("reason", "").strip():
            report.problems.append(Problem(FAIL, "fi", "waiver without a reason", msgid))
        for rule in waiver.get("rules", []):
            if rule not in RULES:
                report.problems.append(Problem(FAIL, "fi", f"waiver of an unknown rule {rule!r}", msgid))
            elif (msgid, rule) not in used_exceptions:
                report.problems.append(Problem(FAIL, "fi", f"waiver no longer needed ({rule})", msgid))
    return report


def rule_table(report: Report) -> list[tuple[str, str, int, float]]:
    """Per rule: its level, how many client messages break it, and the share that pass."""
    breaking: dict[str, set[str]] = {rule: set() for rule in RULES}
    for problem in report.problems:
        if problem.rule in breaking:
            breaking[problem.rule].add(problem.msgid)
    total = report.client_messages or 1
    return [(rule, RULES[rule][0], len(ids), 100 * (1 - len(ids) / total)) for rule, ids in breaking.items()]


def render(report: Report, show_warnings: bool = True) -> str:
    lines = [f"{report.client_messages} Finnish messages that clients and family read; {report.waived} findings waived in {EXCEPTIONS.name}."]
    if not report.grammar:
        lines.append("Voikko is not installed: the grammar rules did not run (install libvoikko1 and voikko-fi).")
    lines.append("")
    lines.append(f"{'rule':<22} {'level':<5} {'messages':>8} {'pass':>7}  what it means")
    for rule, level, count, passing in rule_table(report):
        lines.append(f"{rule:<22} {level:<5} {count:>8} {passing:>6.1f}%  {RULES[rule][1]}")
    clean = len(report.client_ids - {p.msgid for p in report.problems if p.rule in RULES})
    share = 100 * clean / (report.client_messages or 1)
    lines.append(f"{'all rules':<22} {'':<5} {report.client_messages - clean:>8} {share:>6.1f}%  messages with no finding at all")
    shown = report.problems if show_warnings else report.failures
    for level in (FAIL, WARN):
        listed = [p for p in shown if p.level == level]
        if not listed:
            continue
        lines += ["", f"{level.upper()} ({len(listed)})"]
        for p in sorted(listed, key=lambda p: (p.language, p.rule, p.msgid)):
            words = f" «{p.words}»" if p.words and p.words != p.text else ""
            text = f"  {p.text!r}" if p.text else ""
            lines.append(f"  [{p.language}] {p.rule}{words}{text}  ← {p.msgid!r}")
    counted = Counter(p.level for p in report.problems)
    lines += ["", f"{counted[FAIL]} failures, {counted[WARN]} warnings."]
    return "\n".join(lines)
