"""What every HTML answer must get right, checked on each one the tests
receive (conftest.CheckedClient). Each check takes parsed HTML and returns
its problems as sentences; an empty list is a good page.

A whole page: one <h1>, a <title> that starts with it, <html lang>. Whole
pages and htmx partials alike: no id twice, every form has an action and a
post form a CSRF token, nothing loaded from another host, on client pages every text block can be read
aloud, and no English left on a Finnish page.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LOCALES = Path(__file__).parent.parent / "locales"


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    def walk(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def ancestors(self):
        """This element and the ones it is inside, nearest first."""
        element = self
        while element is not None:
            yield element
            element = element.parent

    def find(self, tag: str) -> list["Element"]:
        return [element for element in self.walk() if element.tag == tag]

    def text(self, skip=lambda element: False) -> str:
        """The text inside, spaces collapsed, leaving out elements `skip` names."""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif not skip(child):
                parts.append(child.text(skip))
        return " ".join(" ".join(parts).split())

    def __str__(self) -> str:
        """The start tag, to point at the element in a problem."""
        attrs = "".join(f' {name}="{value}"' if value else f" {name}" for name, value in self.attrs.items())
        return f"<{self.tag}{attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, parent=self.open)
        self.open.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.open = element

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open = self.open.parent

    def handle_endtag(self, tag):
        # An end tag closes its element and whatever was left open inside it;
        # a stray one is ignored.
        for element in self.open.ancestors():
            if element.tag == tag:
                self.open = element.parent
                return

    def handle_data(self, data):
        self.open.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def is_hidden(element: Element) -> bool:
    return "hidden" in element.attrs or element.tag in ("script", "style", "template", "title", "head")


def visible_text(element: Element) -> str:
    return element.text(skip=is_hidden)


def is_whole_page(document: Element) -> bool:
    return bool(document.find("html"))


def is_professional_page(document: Element) -> bool:
    """Coach and admin pages: their layout (coach/layout.html, which
    admin/layout.html extends) gives the body the class "coach". Every other
    page, the client's, family, sign-in and error pages, is a client page."""
    return any("coach" in body.attrs.get("class", "").split() for body in document.find("body"))


def page_language(document: Element) -> str:
    return next((html.attrs.get("lang", "") for html in document.find("html")), "")


# ---- whole pages ----


@cache
def error_prefixes() -> tuple[str, ...]:
    """ "Error: " in each language: layout.html puts it before the title of a
    page that shows an error, so a screen reader says it first."""
    return tuple({"Error: "} | {f"{_catalogue(language)['Error'].string}: " for language in ("fi", "sv")})


def heading_problems(document: Element) -> list[str]:
    """One <h1>, and the <title> starts with the words the <h1> says (its
    pictures, aria-hidden, are not in the title)."""
    headings = document.find("h1")
    if len(headings) != 1:
        return [f"{len(headings)} <h1> elements; a page has exactly one: " + ", ".join(visible_text(h) for h in headings)]
    titles = document.find("title")
    title = titles[0].text() if titles else ""
    heading = headings[0].text(skip=lambda e: is_hidden(e) or e.attrs.get("aria-hidden") == "true")
    if not any(title.removeprefix(prefix).startswith(heading) for prefix in error_prefixes() + ("",)):
        return [f"the <title> {title!r} does not start with the <h1> {heading!r}"]
    return []


def language_problems(document: Element) -> list[str]:
    if not page_language(document):
        return ["<html> has no lang"]
    return []


# ---- whole pages and partials ----


def duplicate_id_problems(document: Element) -> list[str]:
    seen = {}
    problems = []
    for element in document.walk():
        id = element.attrs.get("id")
        if id is None:
            continue
        if id in seen:
            problems.append(f"the id {id!r} is used twice: {seen[id]} and {element}")
        seen.setdefault(id, element)
    return problems


def form_problems(document: Element) -> list[str]:
    """Every form says where it goes; a post form carries the CSRF token
    (CSRFProtect refuses it otherwise). A get form changes nothing: no token."""
    problems = []
    for form in document.find("form"):
        if not form.attrs.get("action"):
            problems.append(f"a form without an action: {form}")
        tokens = [i for i in form.find("input") if i.attrs.get("name") == "csrf_token" and i.attrs.get("value")]
        if form.attrs.get("method", "get").lower() == "post" and not tokens:
            problems.append(f"a post form without a csrf_token field: {form}")
    return problems


def other_host_problems(document: Element) -> list[str]:
    """Nothing is loaded from another host (a link to one is not a load)."""
    return [
        f"loads from another host: {element}"
        for element in document.walk()
        for name in ("src", "href")
        if element.tag != "a" and element.attrs.get(name, "").startswith(("http:", "https:", "//"))
    ]


# Elements that hold text to read: paragraphs, headings, list items, table
# cells, legends. Links, buttons and form controls are what a person presses,
# labelled in place; they are not text blocks. Nor is the page's <h1>: it
# names the page the client opened, as the link to it and the title do, and a
# button for it alone would add a button to every page.
TEXT_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption", "figcaption", "legend", "blockquote"}
PRESSED = {"a", "button", "label", "select", "option", "textarea"}
# What selko.js readAloud leaves out of the block it reads.
NOT_READ = {"button", "form"}


def _unread(element: Element) -> bool:
    return element.tag in NOT_READ or is_hidden(element) or element.attrs.get("aria-hidden") == "true"


def _read_by(button: Element) -> Element:
    """The part of the page a read-aloud button reads (selko.js readAloud):
    its nearest [data-read], or else its parent."""
    return next((e for e in button.ancestors() if "data-read" in e.attrs), button.parent)


def read_aloud_problems(document: Element) -> list[str]:
    """On a client page every text block the page shows is read by a
    read-aloud button: the block is inside the part a button reads, and not
    in a form, button or hidden element inside that part, which readAloud
    leaves out. Hidden text (a state shown later) is not checked."""
    read = [_read_by(button) for button in document.walk() if "data-read-aloud" in button.attrs]
    problems = []
    for block in document.walk():
        if block.tag not in TEXT_BLOCKS or any(is_hidden(e) for e in block.ancestors()):
            continue
        words = block.text(skip=lambda e: is_hidden(e) or e.tag in PRESSED or e.attrs.get("aria-hidden") == "true")
        if not re.search(r"[^\W\d_]", words):
            continue
        if not any(_reads(part, block) for part in read):
            problems.append(f"text that no read-aloud button reads: {block} {words[:80]!r}")
    return problems


def _reads(part: Element, block: Element) -> bool:
    for element in block.ancestors():
        if element is part:
            return True
        if _unread(element):
            return False
    return False


WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@cache
def _catalogue(language: str):
    with open(LOCALES / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def _catalogue_words(language: str, of_ids: bool) -> set[str]:
    words = set()
    for message in _catalogue(language):
        if not message.id:
            continue
        texts = message.id if of_ids else message.string
        for text in [texts] if isinstance(texts, str) else texts:
            words.update(word.lower() for word in WORD.findall(PLACEHOLDER.sub(" ", text or "")))
    return words


@cache
def english_words() -> frozenset[str]:
    """Words of the English message ids that are not Finnish: at least four
    letters (short ones like "on", "auto" or "me" are Finnish words too) and
    in no Finnish message."""
    return frozenset(w for w in _catalogue_words("en", of_ids=True) - _catalogue_words("fi", of_ids=False) if len(w) >= 4)


# Attributes a person reads or hears.
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


def english_problems(document: Element) -> list[str]:
    """English words of Selko's own messages on a Finnish page, hidden text
    too (it is shown later). Text in an element with its own lang is left
    out: it is in another language (a language's name) or written by people
    (the coach's task titles, steps and notes are marked lang="fi", WRITTEN_IN);
    so is <code> (the audit log's names of actions).
    Only words from the English catalogue count, so names and other data
    the tests type are not Selko's English."""
    english = english_words()
    problems = []

    def check(element: Element):
        if element.tag in ("script", "style", "code") or ("lang" in element.attrs and element.tag != "html"):
            return
        texts = [child for child in element.children if isinstance(child, str)]
        texts += [element.attrs[name] for name in READ_ATTRIBUTES if name in element.attrs]
        found = [w for text in texts for w in WORD.findall(text) if w.lower() in english]
        if found:
            problems.append(f"English words {found} on a Finnish page in {element} {element.text()[:80]!r}")
        for child in element.children:
            if isinstance(child, Element):
                check(child)

    check(document)
    return problems


def refused_title_problems(document: Element, status: int) -> list[str]:
    """A form shown again because it was refused (400) says so first: its
    title starts with "Error: ". (An error page of its own has no form.)"""
    titles = document.find("title")
    title = titles[0].text() if titles else ""
    if status == 400 and document.find("form") and not title.startswith(error_prefixes()):
        return [f"a refused form's page (400) has the title {title!r}, without the error prefix"]
    return []


def problems(html: str, *, htmx: bool = False, template: str = "", language: str = "", status: int = 200) -> list[str]:
    """The problems of an answer. An answer to htmx without <html> is a
    partial: it has no <body> to say whose page it is part of, nor a lang,
    so the template that made it (coach/ and admin/ ones are professional)
    and the language it was made in say so."""
    document = parse(html)
    if htmx and not is_whole_page(document):
        return _shared_problems(document, template.startswith(("coach/", "admin/")), language)
    problems = heading_problems(document) + language_problems(document) + refused_title_problems(document, status)
    return problems + _shared_problems(document, is_professional_page(document), page_language(document))


def _shared_problems(document: Element, professional: bool, language: str) -> list[str]:
    problems = duplicate_id_problems(document) + form_problems(document) + other_host_problems(document)
    if not professional:
        problems += read_aloud_problems(document)
    if language == "fi":
        problems += english_problems(document)
    return problems
