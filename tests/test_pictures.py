"""Task pictures from OpenMoji: the emoji → picture mapping, the picture
route, the coach's search in fi, sv and en, and the task form's check."""

import re
from pathlib import Path

import emoji as unicode_emoji
import pytest
from sqlalchemy import select

import selko
from selko import demo
from selko.library import pictures
from selko.models import Task, User
from selko.words.client_words import FACE_EMOJI, REASON_EMOJI
from tests.conftest import count, html_of, visible_text

COFFEE = "/pictures/17.0.0/2615.svg"


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def test_it_maps_an_emoji_with_or_without_fe0f_to_one_picture(in_request):
    assert pictures.url("☕") == pictures.url("☕\ufe0f") == COFFEE
    assert pictures.url("🍽️") == pictures.url("🍽") == "/pictures/17.0.0/1F37D.svg"


def test_it_maps_a_zwj_sequence_to_its_own_picture(in_request):
    cook = "\U0001f9d1\u200d\U0001f373"  # person + ZWJ + frying pan
    assert pictures.url(cook) == "/pictures/17.0.0/1F9D1-200D-1F373.svg"
    assert pictures.url("\U0001f9d1") != pictures.url(cook)


def test_it_renders_a_decorative_img_and_falls_back_to_the_emoji_text(in_request):
    assert str(pictures.picture("☕")) == f'<img class="picture" src="{COFFEE}" alt="" width="72" height="72">'
    # A flag is not offered: the emoji itself, hidden from screen readers like any decoration.
    assert str(pictures.picture("🇫🇮", "icon")) == '<span class="icon" aria-hidden="true">🇫🇮</span>'
    assert pictures.url("maito") is None and str(pictures.picture("")) == ""


def test_every_emoji_selko_uses_has_a_picture(in_request):
    used = {*pictures.SUGGESTED, *REASON_EMOJI.values(), *FACE_EMOJI.values()}
    for tasks in (demo.TASKS, demo.EXAMPLE_TASKS):
        for _title, emoji, steps in tasks.values():
            used |= {emoji, *(s[0] for s in steps if isinstance(s, tuple))}
    assert [e for e in used if pictures.url(e) is None] == []


def test_the_offered_set_is_work_pictures_in_the_form_tasks_keep(in_request):
    offered = pictures.catalogue().offered.values()
    assert 1000 < len(offered) < 2000
    assert all(len(p.emoji) <= 16 for p in offered), "fits Task.emoji"
    qualified = unicode_emoji.STATUS["fully_qualified"]
    assert all(unicode_emoji.EMOJI_DATA[p.emoji]["status"] == qualified for p in offered)
    assert pictures.offered("🇫🇮") is None and pictures.offered("☯️") is None, "no flags, no religious symbols"


def test_the_route_serves_an_offered_picture_for_a_year(app, make, client_factory, sign_in):
    phone = sign_in(client_factory(), make.client())  # signed in: client pages are no-store, pictures are not
    response = phone.get(COFFEE)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data(as_text=True).startswith("<svg")


@pytest.mark.parametrize(
    "path",
    [
        "/pictures/17.0.0/1F1EB-1F1EE.svg",  # in OpenMoji, not offered (a flag)
        "/pictures/17.0.0/E000.svg",  # OpenMoji's own extras
        "/pictures/16.0.0/2615.svg",  # another version
        "/pictures/17.0.0/2615.png",
        "/pictures/17.0.0/../../openmoji/package.json",
        "/pictures/17.0.0/..%2F..%2Fopenmoji%2Fpackage.json.svg",
        "/pictures/..%2F..%2Fopenmoji/2615.svg",
        "/pictures/17.0.0/%2e%2e.svg",
        "/pictures/17.0.0/2615.svg%00",
    ],
)
def test_the_route_refuses_what_is_not_offered(web, path):
    assert web.get(path).status_code == 404


@pytest.fixture
def coach(make, session):
    coach = make.coach(name="Sanna")
    return coach


def _desk(sign_in, web, session, coach, language):
    coach = session.get(User, coach.id)
    coach.language = language
    session.commit()
    return sign_in(web, coach)


@pytest.mark.parametrize("language, word, name", [("fi", "kahvi", "Kahvi"), ("sv", "kaffe", "Kaffe"), ("en", "coffee", "Coffee")])
def test_the_coach_searches_pictures_in_their_language(web, sign_in, session, coach, language, word, name):
    desk = _desk(sign_in, web, session, coach, language)
    alone = desk.get(f"/coach/tasks/new?q={word}&emoji=", headers={"HX-Request": "true"})
    html = html_of(alone)  # the pictures are radio buttons, each with its <img>
    assert alone.status_code == 200 and "<form" not in html, "the pictures alone, for htmx"
    assert re.search(r'name="emoji" value="☕"> <img class="picture" src="/pictures/17\.0\.0/2615\.svg" alt=""[^>]*> <span>' + name, html)
    assert 'id="picture-found" hx-swap-oob="innerHTML"' in html
    assert "Vary" in alone.headers and "HX-Request" in alone.headers["Vary"]
    page = desk.get(f"/coach/tasks/new?q={word}")
    assert "<form" in html_of(page) and 'value="☕"' in html_of(page)


def test_a_search_finds_by_keyword_and_says_when_nothing_is_found(web, sign_in, session, coach):
    desk = _desk(sign_in, web, session, coach, "fi")
    found = html_of(desk.get("/coach/tasks/new?q=luuta", headers={"HX-Request": "true"}))
    assert 'value="🧹"' in found, "a keyword, not only the name"
    nothing = desk.get("/coach/tasks/new?q=qqqzzz", headers={"HX-Request": "true"})
    assert "Ei kuvia haulla ”qqqzzz”. Kokeile toista sanaa." in visible_text(nothing)
    # The chosen picture stays chosen whatever the search finds.
    kept = html_of(desk.get("/coach/tasks/new?q=qqqzzz&emoji=☕", headers={"HX-Request": "true"}))
    assert re.search(r'name="emoji" value="☕" checked', kept)


def test_search_without_javascript_keeps_the_form_and_saves_nothing(web, sign_in, session, coach):
    desk = _desk(sign_in, web, session, coach, "en")
    response = desk.post("/coach/tasks/new", {"title": "Make coffee", "emoji": "", "steps": "Fill the pot.", "q": "coffee", "search": "1"})
    assert response.status_code == 200
    page = html_of(response)
    assert 'value="Make coffee"' in page and 'name="emoji" value="☕"' in page, "the title stays in its field, the picture found is offered"
    assert "Fill the pot." in visible_text(response)
    assert "1 picture for “coffee”." in visible_text(response)
    assert count(session, Task) == 0


def test_a_picture_is_saved_in_unicodes_full_form(web, sign_in, session, coach):
    desk = _desk(sign_in, web, session, coach, "en")
    desk.post("/coach/tasks/new", {"title": "Make coffee", "emoji": "☕\ufe0f", "steps": "Fill the pot."})
    assert session.scalar(select(Task.emoji)) == "☕"


@pytest.mark.parametrize("picture", ["🇫🇮", "☯️", "\U0001f9d1\U0001f3fd", "maito"])
def test_a_picture_selko_does_not_offer_is_refused_and_changes_nothing(web, sign_in, session, coach, make, picture):
    desk = _desk(sign_in, web, session, coach, "en")
    task = make.task(organisation_id=coach.organisation_id, title="Wipe", emoji="🧽")
    response = desk.post(f"/coach/tasks/{task.id}", {"title": "Wipe it", "emoji": picture, "steps": "Wipe."})
    assert response.status_code == 400
    assert "Choose one picture from the list." in visible_text(response)
    session.expire_all()
    assert (session.get(Task, task.id).title, session.get(Task, task.id).emoji) == ("Wipe", "🧽")


def test_a_task_keeps_an_older_picture_selko_no_longer_offers(web, sign_in, session, coach, make):
    desk = _desk(sign_in, web, session, coach, "en")
    task = make.task(organisation_id=coach.organisation_id, title="Flag day", emoji="🇫🇮")
    response = desk.post(f"/coach/tasks/{task.id}", {"title": "Flag day at work", "emoji": "🇫🇮", "steps": "Raise the flag."})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Task, task.id).emoji == "🇫🇮"


def test_client_pages_show_the_picture_not_the_phones_emoji(make, client_factory, sign_in, session):
    client = make.client()
    task = make.task(organisation_id=client.organisation_id, title="Keitä kahvia", emoji="☕")
    task.steps[0].emoji = "🧑\u200d🍳"
    session.commit()
    assignment = make.assignment(client=client, task=task)
    phone = sign_in(client_factory(), client)
    for path in ("/tasks", f"/tasks/{assignment.id}"):
        page = html_of(phone.get(path))  # which <img>, and no emoji character anywhere
        assert f'src="{COFFEE}" alt=""' in page and "☕" not in page, path
    assert 'src="/pictures/17.0.0/1F9D1-200D-1F373.svg"' in html_of(phone.get(f"/tasks/{assignment.id}"))
    absent = html_of(phone.get("/absent"))
    assert all(pictures.key(e) not in absent for e in REASON_EMOJI.values()) and "/pictures/17.0.0/1F912.svg" in absent


def test_the_about_page_credits_openmoji_and_the_other_parts(web):
    response = web.get("/about")
    assert response.status_code == 200
    words = visible_text(response)
    assert "OpenMoji" in words and "CC BY-SA 4.0" in words
    assert "Creative Commons Attribution-ShareAlike 4.0 International" in words
    for part in ("htmx", "Workbox", "Emojibase"):
        assert part in words
    licence = web.get("/about/licences/openmoji.txt")
    assert licence.status_code == 200 and licence.mimetype == "text/plain"
    assert "Attribution-ShareAlike 4.0 International" in licence.get_data(as_text=True)
    assert web.get("/about/licences/flask.txt").status_code == 404
    assert 'href="/about"' in html_of(web.get("/welcome")), "linked from every page's footer"


def test_every_picture_a_page_names_is_offered(in_request):
    """Icons beside a button's words are OpenMoji's too: each one a template names is served."""
    named = set()
    for template in Path(selko.__file__).parent.rglob("*.html"):
        named |= set(re.findall(r'picture\("([^"]+)"', template.read_text()))
    assert len(named) > 20
    assert [e for e in named if pictures.url(e) is None] == []
