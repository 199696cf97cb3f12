"""Read aloud speaks the page's language, and the coach's Finnish words with a Finnish voice."""

from datetime import time

RECORD_SPEECH = """() => {
    window.spoken = [];
    window.speechSynthesis.speak = (utterance) => window.spoken.push([utterance.lang, utterance.text]);
}"""


def test_a_swedish_page_reads_the_coachs_finnish_words_in_finnish(make, new_context, open_link):
    client = make.client(language="sv", breaks=((time(10), time(10, 15), "Kahvitauko"),))
    phone = open_link(new_context(), client)
    phone.evaluate(RECORD_SPEECH)
    breaks = phone.locator("section[aria-labelledby=breaks-heading]")
    assert breaks.locator("[lang=fi]").inner_text() == "Kahvitauko"
    breaks.locator("[data-read-aloud]").click()
    spoken = phone.evaluate("() => window.spoken")
    assert ["fi", "Kahvitauko"] in spoken
    assert all(lang == "sv" for lang, text in spoken if text != "Kahvitauko"), spoken
    assert any(lang == "sv" and "rast" in text.lower() for lang, text in spoken), spoken


def test_a_finnish_page_reads_as_one(make, new_context, open_link):
    client = make.client(language="fi", breaks=((time(10), time(10, 15), "Kahvitauko"),))
    phone = open_link(new_context(), client)
    phone.evaluate(RECORD_SPEECH)
    phone.locator("section[aria-labelledby=breaks-heading] [data-read-aloud]").click()
    spoken = phone.evaluate("() => window.spoken")
    assert len(spoken) == 1 and spoken[0][0] == "fi" and "Kahvitauko" in spoken[0][1]
