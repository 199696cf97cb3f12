"""The page checker finds each kind of problem on a small page, and nothing on a good one."""

import pytest

from tests import page_checker


def page(main: str, *, title="Tänään – Selko", lang="fi", body_class="client", head="") -> str:
    return f'<!doctype html><html lang="{lang}"><head><title>{title}</title>{head}</head><body class="{body_class}"><main>{main}</main></body></html>'


GOOD = page('<h1>Tänään</h1><section data-read><p>Työ alkaa klo 8.00.</p><button type="button" data-read-aloud hidden>Lue ääneen</button></section>')


def problems(html: str, **kwargs) -> str:
    return "\n".join(page_checker.problems(html, **kwargs))


def test_a_good_page_has_no_problems():
    assert problems(GOOD) == ""


@pytest.mark.parametrize(
    "main, found",
    [
        ("<p>Ei otsikkoa.</p>", "0 <h1> elements"),
        ("<h1>Tänään</h1><h1>Huomenna</h1>", "2 <h1> elements"),
    ],
)
def test_a_page_has_one_h1(main, found):
    assert found in problems(page(main))


def test_the_title_starts_with_the_h1():
    assert "does not start with the <h1> 'Huomenna'" in problems(page("<h1>Huomenna</h1>"))
    # The error prefix layout.html puts first, and the h1's pictures, are not the h1's words.
    assert problems(page('<h1><span aria-hidden="true">🍽️</span> Tänään</h1>', title="Virhe: Tänään – Selko")) == ""


def test_a_refused_forms_page_says_error_first():
    refused = page(
        '<h1>Tänään</h1><section data-read><p>Valitse syy.</p><button type="button" data-read-aloud hidden>Lue ääneen</button></section>'
        '<form method="get" action="/absent"><button type="submit">Lähetä</button></form>'
    )
    assert "without the error prefix" in problems(refused, status=400)
    assert problems(refused.replace("<title>Tänään", "<title>Virhe: Tänään"), status=400) == ""
    assert problems(refused, status=200) == ""


def test_the_page_has_a_language():
    assert "<html> has no lang" in problems(page("<h1>Tänään</h1>", lang=""))


def test_an_id_is_used_once():
    found = problems(page('<h1 id="a">Tänään</h1><p id="a" hidden>Toinen</p>', body_class="coach"))
    assert "the id 'a' is used twice" in found
    assert problems(page('<h1 id="a">Tänään</h1><p id="b">Toinen</p>', body_class="coach")) == ""


def test_a_form_has_an_action_and_a_post_form_a_csrf_token():
    token = '<input type="hidden" name="csrf_token" value="t">'
    assert "a form without an action" in problems(page(f'<h1>Tänään</h1><form method="post">{token}</form>', body_class="coach"))
    assert "a post form without a csrf_token field" in problems(page('<h1>Tänään</h1><form method="post" action="/x"></form>', body_class="coach"))
    assert problems(page(f'<h1>Tänään</h1><form method="post" action="/x">{token}</form><form method="get" action="/y"></form>', body_class="coach")) == ""


def test_nothing_is_loaded_from_another_host():
    assert "loads from another host" in problems(page("<h1>Tänään</h1>", head='<script src="https://cdn.example/x.js"></script>'))
    assert problems(page('<h1>Tänään</h1><p><a href="https://example.org/">Tänään</a></p>', body_class="coach")) == ""


READ = '<button type="button" data-read-aloud hidden>Lue ääneen</button>'


@pytest.mark.parametrize(
    "main",
    [
        "<h1>Tänään</h1><p>Työ alkaa klo 8.00.</p>",  # no button at all
        f"<h1>Tänään</h1><section data-read><h2>Tauot</h2>{READ}</section><p>Työ alkaa klo 8.00.</p>",  # outside the part read
        f'<h1>Tänään</h1><section data-read><form action="/x"><p>Painoitko vahingossa?</p></form>{READ}</section>',  # read aloud leaves forms out
    ],
)
def test_every_text_block_on_a_client_page_is_read_aloud(main):
    assert "text that no read-aloud button reads" in problems(page(main))


def test_what_a_read_aloud_button_reads_covers_its_text():
    # Its [data-read], or its parent; hidden text, links and the h1 are not text blocks.
    assert problems(page(f'<h1>Tänään</h1><div><p>Tauko klo 10.00.</p>{READ}</div><p hidden>Myöhemmin.</p><p><a href="/">Takaisin</a></p>')) == ""
    assert problems(page(f'<h1>Tänään</h1><form action="/x" data-read><legend>Miksi?</legend>{READ}</form>')) == ""


def test_coach_pages_need_no_read_aloud():
    assert problems(page("<h1>Tänään</h1><p>Työ alkaa klo 8.00.</p>", body_class="coach")) == ""


def test_no_english_from_the_catalogue_on_a_finnish_page():
    found = problems(page("<h1>Tänään</h1><p>Your coach knows.</p>", body_class="coach"))
    assert "English words ['Your', 'coach', 'knows']" in found
    assert "English words ['Remove']" in problems(page('<h1>Tänään</h1><p><a href="/" aria-label="Remove">X</a></p>', body_class="coach"))
    # The same words on an English page, words marked as another language or
    # written by the coach, and words no message has are fine.
    assert problems(page("<h1>Tänään</h1><p>Your coach knows.</p>", lang="en", title="Tänään", body_class="coach")) == ""
    marked = '<h1>Tänään</h1><p><span lang="fi">Coach</span> <span lang="en">English</span> <code>read: coach.board</code> Zyxwv</p>'
    assert problems(page(marked, body_class="coach")) == ""


def test_a_partial_is_checked_for_what_a_part_of_a_page_has():
    # No h1, title or lang for a partial; the template says whose page it is part of.
    assert problems("<p>Työ alkaa.</p>", htmx=True, template="coach/_board.html", language="fi") == ""
    assert "text that no read-aloud button reads" in problems("<p>Työ alkaa.</p>", htmx=True, template="client/_check_in.html", language="fi")
    assert "English words ['Coach', 'knows']" in problems("<p>Coach knows.</p>", htmx=True, template="coach/_board.html", language="fi")
    assert "the id 'a' is used twice" in problems('<p id="a">1</p><p id="a">2</p>', htmx=True, template="coach/_board.html", language="fi")
    # A fragment that is not an htmx answer is a broken page.
    assert "0 <h1> elements" in problems("<p>Työ alkaa.</p>")
