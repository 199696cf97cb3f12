"""How did today go, over the weeks, in real Chromium at 360 px: the coach's
chart fits the phone and draws a face for every answered week, and the client
reads their last weeks after answering."""

from datetime import date, timedelta

from selko.day import self_assessment
from selko.day.self_assessment import AREAS

MONDAY = date(2026, 11, 23)


def twelve_weeks_of_answers(session, client):
    """Every work day of the 11 weeks before this one but the 6th week back;
    the mind gets better, the rest stays so-so."""
    for days_ago in range(1, 78):
        day = MONDAY - timedelta(days=days_ago)
        weeks_ago = (MONDAY - self_assessment.monday_of(day)).days // 7
        if day.weekday() >= 5 or weeks_ago == 6:
            continue
        mind = 1 if weeks_ago > 8 else 2 if weeks_ago > 4 else 3
        self_assessment.save(session, client.id, day, dict.fromkeys(AREAS, 2) | {"mind": mind}, wants_to_talk=False)
    session.commit()


def test_the_coachs_chart_fits_a_phone_and_draws_every_answered_week(make, session, new_context, open_link):
    coach = make.coach(name="Sanna")
    coach.language = "en"
    session.commit()
    aino = make.client(coach=coach, name="Aino")
    twelve_weeks_of_answers(session, aino)
    page = open_link(new_context(), coach, f"/coach/clients/{aino.id}/self-assessment")
    chart = page.locator("svg.sa-chart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert box["height"] > 200, "the chart is drawn, not squeezed"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    # Ten answered weeks (one is a gap, this week has none yet), five areas.
    marks = chart.locator("g[data-area] use")
    assert marks.count() == 5 * 10
    mind = [int(f) for f in chart.locator("g[data-area=mind] use").evaluate_all("(uses) => uses.map((u) => u.dataset.face)")]
    assert mind[0] == 1 and mind[-1] == 3 and mind == sorted(mind), "the mind gets better, week by week"
    # Every face mark is drawn inside the chart's box.
    for mark in marks.all():
        face = mark.bounding_box()
        assert box["x"] <= face["x"] and face["x"] + face["width"] <= box["x"] + box["width"]
    assert chart.get_attribute("role") == "img"
    assert page.locator("#sa-chart-title").text_content().strip()
    assert chart.locator(".sa-legend text").all_text_contents() == ["Good", "So-so", "Bad"], "the faces in words"
    page.locator(".sa-details summary").click()
    assert page.locator(".sa-table tbody tr").count() == 12
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the open table fits too"


def test_the_client_reads_their_last_weeks_after_answering(make, session, new_context, open_link):
    aino = make.client(name="Aino", language="en")
    twelve_weeks_of_answers(session, aino)
    phone = open_link(new_context(), aino, "/today-went")
    for area in AREAS:
        phone.locator(f"input[name={area}][value='3']").check()
    with phone.expect_navigation():
        phone.locator("form[action='/today-went'] [type=submit]").click()
    lately = phone.locator("#lately")
    lately.wait_for()
    assert "Mind: mostly good." in lately.inner_text()
    assert "Body: mostly so-so." in lately.inner_text()
    phone.evaluate("""() => {
        window.spoken = [];
        window.speechSynthesis.speak = (utterance) => window.spoken.push(utterance.text);
    }""")
    lately.locator("[data-read-aloud]").click()
    spoken = " ".join(phone.evaluate("() => window.spoken"))
    assert "Mind: mostly good." in spoken and "🙂" not in spoken, "read aloud says the words, not the pictures"
    size = lately.locator("li").first.evaluate("(li) => parseFloat(getComputedStyle(li).fontSize)")
    assert size >= 18
