"""Every page, in every language, renders and is plain language. The test
client checks each page on the way (tests/page_checker.py)."""

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import html_of

LANGUAGES = ["fi", "sv", "en"]


class Page(HTMLParser):
    """The page's text, a line for each block, for the plain-language checks."""

    def __init__(self, html: str):
        super().__init__()
        self._skip = 0  # inside script, style or title
        self.text = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1
        if tag in ("p", "li", "h1", "h2", "legend", "label", "button", "a", "div", "section"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


# Words that plain-language guides tell us not to use on client pages.
NOT_PLAIN = {
    "fi": ["esim.", "jne.", "ns.", "ks.", "yms.", "tms.", "mm.", "kts.", "ko.", "suoritetaan", "toimenpide"],
    "sv": ["t.ex.", "osv.", "bl.a.", "s.k.", "ev.", "åtgärd"],
    "en": ["e.g.", "i.e.", "etc.", "via", "utilise", "in order to"],
}
# Plain language aims at 8 words a sentence; a few sentences may carry a name or a time more.
MAX_WORDS = 10


def check_plain_language(html: str, url: str, language: str):
    text = "".join(Page(html).text)
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(line.split())):
            words = [w for w in sentence.split() if re.search(r"[^\W\d_]", w)]
            assert len(words) <= MAX_WORDS, (url, language, sentence)
    for word in NOT_PLAIN[language]:
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE), (url, language, word)
    assert not re.search(r"\b[A-ZÅÄÖ]{4,}\b", text.replace("QR", "")), (url, "no words in capitals")


@pytest.mark.parametrize("language", LANGUAGES)
def test_client_pages(make, client_factory, sign_in, language):
    client = make.client(language=language)
    task = make.task(organisation_id=client.organisation_id)
    assignment = make.assignment(client=client, task=task)
    web = sign_in(client_factory(), client)
    for url in [
        "/",
        "/tasks",
        f"/tasks/{assignment.id}",
        "/absent",
        "/today-went",
        "/today-went/thanks",
        "/help",
        "/home-screen",
        "/language",
        "/alarms",
        "/share",
        "/account",
        "/passkeys/new",
    ]:
        response = web.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in html_of(response), url
        check_plain_language(response.get_data(as_text=True), url, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_coach_pages(make, client_factory, sign_in, session, language):
    coach = make.coach()
    coach.language = language
    session.merge(coach)
    session.commit()
    client = make.client(coach=coach)
    task = make.task(organisation_id=coach.organisation_id)
    make.assignment(client=client, task=task)
    web = sign_in(client_factory(), coach)
    for url in [
        "/coach/",
        "/coach/caseload",
        "/coach/clients/new",
        f"/coach/clients/{client.id}",
        f"/coach/clients/{client.id}/schedule/0",
        "/coach/tasks",
        "/coach/tasks/new",
        f"/coach/tasks/{task.id}",
    ]:
        response = web.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in html_of(response), url
    connect = web.post(f"/coach/clients/{client.id}/connect")
    assert connect.status_code == 200 and "<svg" in html_of(connect), "the QR code of the sign-in link"


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_and_error_pages(make, client_factory, language):
    web = client_factory()
    web.post("/language", {"language": language})
    token = make.link(make.client())
    for url, status in [("/welcome", 200), (f"/signin/{token}", 200), ("/signin/unknown", 404), ("/no-such-page", 404)]:
        response = web.get(url)
        assert response.status_code == status, url
